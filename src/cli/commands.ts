// The CLI's commands. Each returns an exit code: 0 gate passed, 1 gate failed, 2 usage or config error.

import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AbSetupError } from '../ab/worktree.ts';
import {
  BaselineFileError,
  FileBaselineStore,
  loadBaselineFile,
  outputProblem,
  readHistoryFiles,
  readResultsFile,
  writeJsonAtomic,
} from '../baseline/file.ts';
import { mergeHistories } from '../baseline/history.ts';
import type { LoadedBaseline } from '../baseline/store.ts';
import { judge } from '../compare/judge.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../compare/options.ts';
import { ConfigError, type LoadedConfig } from '../config/load.ts';
import { CriteriaConfigError, criteriaForSuites } from '../criteria/index.ts';
import { legSuiteNames, runLeg } from '../gate/leg.ts';
import { loadGateConfig } from '../gate/load.ts';
import { runGate } from '../gate/run.ts';
import { whyNotSave } from '../gate/save.ts';
import { DocumentError } from '../model/documents.ts';
import type { ResultsDocument } from '../model/results.ts';
import type { VerdictDocument } from '../model/verdict.ts';
import { renderHtml, renderJson, renderMarkdown, renderTerminal } from '../report/index.ts';
import type { Registry } from '../runner/registry.ts';
import { parseShard, parseStartAt, ShardError } from '../runner/shard.ts';
import { SuiteSetupError } from '../runner/suite-kind.ts';
import { gitInfo } from './git.ts';
import { stderrProgress } from './progress.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Errors that mean "fix your input", reported without a stack trace and with exit code 2. */
export function isUserError(err: unknown): boolean {
  return (
    err instanceof UsageError ||
    err instanceof ConfigError ||
    err instanceof CriteriaConfigError ||
    err instanceof DocumentError ||
    err instanceof BaselineFileError ||
    err instanceof SuiteSetupError ||
    err instanceof AbSetupError ||
    err instanceof ShardError
  );
}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The suite kinds, ingest readers and library API the entry point hands in. */
  registry: Registry;
}

/**
 * The config, loaded with the environment scrubbed of the runner's secrets (runner/scrub.ts); `io.env` is
 * replaced by that environment, which every suite, service and command then gets.
 */
export async function load(io: Io, file: string | undefined): Promise<LoadedConfig> {
  const { loaded, suiteEnv } = await loadGateConfig(file, { cwd: io.cwd, env: io.env, registry: io.registry });
  io.env = suiteEnv;
  return loaded;
}

export async function emitReports(
  io: Io,
  verdict: VerdictDocument,
  head: ResultsDocument,
  baseline: LoadedBaseline | undefined,
  configId: string | undefined,
  out: { markdown?: string; json?: string; html?: string },
): Promise<number> {
  const input = {
    verdict,
    head,
    ...(baseline ? { base: baseline.results } : {}),
    ...(configId ? { configId } : {}),
    ...(baseline?.history ? { history: baseline.history } : {}),
  };
  if (out.json) await writeFile(path.resolve(io.cwd, out.json), renderJson(verdict));
  if (out.markdown) await writeFile(path.resolve(io.cwd, out.markdown), renderMarkdown(input, { charts: true }));
  if (out.html) await writeFile(path.resolve(io.cwd, out.html), renderHtml(input));
  io.stdout.write(
    renderTerminal(input, { color: io.stdout.isTTY === true && !io.env.NO_COLOR, width: terminalWidth(io) }),
  );
  return verdict.status === 'pass' ? 0 : 1;
}

/**
 * The report's width: the terminal's, else COLUMNS, else wide (a CI log or a file has no width to fit, and a
 * cut metric id is worse there than a long line).
 */
export function terminalWidth(io: Io): number {
  const columns = (io.stdout as { columns?: number }).columns;
  if (io.stdout.isTTY === true && columns && columns > 0) return columns;
  const env = Number(io.env.COLUMNS);
  return Number.isInteger(env) && env > 0 ? env : 200;
}

/** Every output path must take a file before anything runs: usage error (exit 2) otherwise. */
export function checkOutputs(io: Io, files: ReadonlyArray<string | undefined>): void {
  for (const f of files) {
    if (!f) continue;
    const problem = outputProblem(path.resolve(io.cwd, f));
    if (problem) throw new UsageError(`${problem} (nothing was run)`);
  }
}

export interface RunArgs {
  config?: string;
  suite: string[];
  out?: string;
  baseline?: string;
  /** Save this run as the baseline in FILE, its history (FILE.history.json) gaining the run. */
  saveBaseline?: string;
  markdown?: string;
  json?: string;
  /** A self-contained HTML report (charts, no network). */
  html?: string;
  /** One leg of a sharded run: `i/n`. */
  shard?: string;
  /** When the legs' split loads start: an ISO time or epoch ms. */
  startAt?: string;
}

/**
 * Saves a complete run as the baseline, carrying the history beside it forward. A run with a crashed suite
 * or cut short is not saved: a baseline missing metrics would make the next comparison report them missing.
 */
export async function saveBaseline(
  io: Io,
  file: string,
  run: { results: ResultsDocument; setupErrors?: readonly string[] },
  aborted = false,
): Promise<void> {
  const why = whyNotSave(run, { aborted });
  if (why) {
    io.stderr.write(`baseline not saved to ${file}: ${why}; the previous baseline stays\n`);
    return;
  }
  const store = new FileBaselineStore(path.resolve(io.cwd, file));
  await store.save(run.results);
  const runs = store.historyRuns;
  io.stderr.write(
    `baseline saved to ${file}; its history (${path.basename(store.historyFile)}) holds ${runs} run${runs === 1 ? '' : 's'}\n`,
  );
}

export async function runCommand(io: Io, args: RunArgs, signal: AbortSignal): Promise<number> {
  const loaded = narrowToSuites(io, await load(io, args.config), args.suite);
  // Read the baseline before measuring: a wrong path should fail in a second, not after the suites.
  // The history next to it (base.history.json), when there is one, tells each metric's run-to-run noise.
  const baseline: LoadedBaseline | undefined = args.baseline
    ? await loadBaselineFile(path.resolve(io.cwd, args.baseline), args.baseline)
    : undefined;
  const outFile = args.out ? path.resolve(io.cwd, args.out) : undefined;
  checkOutputs(io, [args.out, args.markdown, args.json, args.html, args.saveBaseline]);
  const git = gitInfo(loaded.dir, io.env);
  const how = { progress: stderrProgress(io.stderr), signal, env: io.env, ...(git ? { git } : {}) };
  const shard = args.shard ? parseShard(args.shard) : undefined;
  const startAt = args.startAt ? parseStartAt(args.startAt) : undefined;
  if (startAt !== undefined && !shard) throw new UsageError('--start-at only applies to a leg: give --shard i/n too');
  if (shard) {
    // A leg measures; the merge job judges all legs together (one comparison family, criteria across legs).
    const judging = (['baseline', 'saveBaseline', 'markdown', 'json', 'html'] as const).filter((k) => args[k]);
    if (judging.length > 0) {
      throw new UsageError(
        `--shard runs one leg, which is judged with the others by perf-action merge: move ${judging
          .map((k) => `--${k === 'saveBaseline' ? 'save-baseline' : k}`)
          .join(', ')} to the merge command`,
      );
    }
    if (!outFile || !args.out) {
      throw new UsageError("--shard needs --out FILE: the merge job reads each leg's results file");
    }
    const { results, setupErrors } = await runLeg({
      loaded,
      shard,
      ...(startAt !== undefined ? { startAt } : {}),
      file: outFile,
      ...how,
      only: args.suite,
    });
    io.stderr.write(`results written to ${args.out}\n`);
    return reportLeg(io, shard, results, setupErrors, signal, args.out);
  }
  const onSuite = outFile ? (partial: ResultsDocument) => writeJsonAtomic(outFile, partial) : undefined;
  const { results, setupErrors, verdict } = await runGate({
    loaded,
    ...(baseline ? { baseline } : {}),
    ...how,
    only: args.suite,
    ...(onSuite ? { onSuite } : {}),
  });
  if (outFile) {
    await writeJsonAtomic(outFile, results);
    io.stderr.write(`results written to ${args.out}\n`);
  }
  const code = await emitReports(io, verdict, results, baseline, loaded.id, args);
  if (args.saveBaseline) await saveBaseline(io, args.saveBaseline, { results, setupErrors }, signal.aborted);
  if (setupErrors.length > 0) {
    for (const e of setupErrors) io.stderr.write(`error: ${e}\n`);
    return 2;
  }
  if (signal.aborted) return 130;
  return code;
}

/** A leg's summary and exit code: red when one of its suites failed, so the matrix shows which leg broke. */
function reportLeg(
  io: Io,
  shard: { index: number; count: number },
  results: ResultsDocument,
  setupErrors: string[],
  signal: AbortSignal,
  out: string,
): number {
  const metrics = results.suites.reduce((n, s) => n + s.metrics.length, 0);
  const names = legSuiteNames(results);
  io.stdout.write(
    `leg ${shard.index}/${shard.count}: ${names.length > 0 ? names.join(', ') : 'no suites'}, ${metrics} metrics, in ${out}; ` +
      'judge all legs together with perf-action merge\n',
  );
  for (const s of results.suites.filter((x) => !x.ok)) io.stdout.write(`  ✘ ${s.name}: ${s.error ?? 'failed'}\n`);
  if (setupErrors.length > 0) {
    for (const e of setupErrors) io.stderr.write(`error: ${e}\n`);
    return 2;
  }
  if (signal.aborted) return 130;
  return results.suites.every((s) => s.ok) ? 0 : 1;
}

/** With --suite, only the criteria about the selected suites are checked: the others would all be `missing`. */
export function narrowToSuites(io: Io, loaded: LoadedConfig, suites: readonly string[]): LoadedConfig {
  const criteria = criteriaForSuites(loaded.config.criteria, suites);
  const left = loaded.config.criteria.length - criteria.length;
  if (left === 0) return loaded;
  io.stderr.write(
    `${left} criteri${left === 1 ? 'on is' : 'a are'} about suites not selected with --suite: not checked in this run\n`,
  );
  const { lines: _lines, ...config } = loaded.config;
  return { ...loaded, config: { ...config, criteria } };
}

export interface CompareArgs {
  base?: string;
  head?: string;
  /** Earlier main-branch results documents, or history documents. */
  history?: string[];
  config?: string;
  markdown?: string;
  json?: string;
  html?: string;
}

export async function compareCommand(io: Io, args: CompareArgs): Promise<number> {
  if (!args.base || !args.head) throw new UsageError('compare needs --base FILE and --head FILE');
  checkOutputs(io, [args.markdown, args.json, args.html]);
  const loaded = args.config ? await load(io, args.config) : undefined;
  let baseline = await loadBaselineFile(path.resolve(io.cwd, args.base), args.base);
  if (args.history && args.history.length > 0) {
    const history = await readHistoryFiles(args.history.map((f) => path.resolve(io.cwd, f)));
    baseline = { ...baseline, history: mergeHistories(baseline.history, history) };
  }
  const head = await readResultsFile(path.resolve(io.cwd, args.head), 'head results file');
  const judged = judge({
    head,
    baseline,
    criteria: loaded?.config.criteria ?? [],
    // Two files are one look: nothing can be run again, so the run's α is not split over looks.
    options: { ...(loaded?.config.compare ?? DEFAULT_COMPARE_OPTIONS), runs: 1 },
  });
  return emitReports(io, judged, head, baseline, loaded?.id, args);
}

export async function validateCommand(io: Io, args: { config?: string }): Promise<number> {
  const loaded = await load(io, args.config);
  const { config } = loaded;
  const kinds = [...new Set(config.suites.map((s) => s.kind))].join(', ');
  io.stdout.write(
    `${path.relative(io.cwd, loaded.file) || loaded.file} is valid (id ${loaded.id}): ` +
      `${config.suites.length} suite${config.suites.length === 1 ? '' : 's'} (${kinds}), ` +
      `${config.services.length} service${config.services.length === 1 ? '' : 's'}, ` +
      `${config.criteria.length} criteri${config.criteria.length === 1 ? 'on' : 'a'}\n`,
  );
  return 0;
}
