// The perf-action CLI program: argument parsing and dispatch. Progress on stderr, reports on stdout or files.

import { parseArgs } from 'node:util';
import { abCommand } from './ab-command.ts';
import { compareCommand, type Io, isUserError, runCommand, validateCommand } from './commands.ts';
import { ingestCommand } from './ingest-command.ts';
import { mergeCommand } from './merge-command.ts';

const HELP = `perf-action: a performance gate for pull requests

Usage:
  perf-action run [--config perf.yml] [--suite NAME]... [--out FILE] [--baseline FILE] [--save-baseline FILE]
                  [--markdown FILE] [--json FILE] [--html FILE]
      --save-baseline FILE keeps this run as the baseline (and adds it to FILE's history of earlier runs).
  perf-action compare --base FILE --head FILE [--history FILE]... [--config perf.yml] [--markdown FILE] [--json FILE]
                      [--html FILE]
      --history takes earlier main-branch results documents (or a history document), one per flag: with 3 or
      more runs each metric is judged against the history's prediction.
  perf-action run ... --shard i/n [--start-at TIME]
      One leg of a run split over n runners: this leg's suites only, and its part of each split load
      (load.shards); TIME (ISO or epoch ms) is when every leg's split load starts.
  perf-action merge LEG.json... [--config perf.yml] [--baseline FILE] [--out FILE] [--save-baseline FILE]
                    [--markdown FILE] [--json FILE] [--html FILE]
      Joins the legs' results (split loads merged exactly), judges them once, reports; a missing leg fails.
  perf-action validate [--config perf.yml]
  perf-action ab --base REF [--config perf.yml] [--suite NAME]... [--setup CMD] [--max-rounds N]
                 [--screen FILE] [--out FILE] [--markdown FILE] [--json FILE] [--html FILE]
      Same-runner A/B: checks out REF into a worktree, runs base and head interleaved, compares the pairs.
      --screen FILE compares head with a stored baseline first and re-runs in pairs only what it leaves open.
  perf-action ingest FILE... [--format auto|pytest-benchmark|locust|k6|hyperfine|go|google-benchmark|criterion|
                     benchmarkjs|jmh|vitest|custom] [--suite NAME] [--better lower|higher] [--out FILE]
      Reads another tool's output into a results document (to stdout, or --out FILE) for compare.

--html FILE writes a self-contained HTML report: distributions, trends, load over time, criteria (no network).

Exit codes: 0 gate passed, 1 gate failed, 2 usage or config error.
`;

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  suite: { type: 'string', multiple: true },
  out: { type: 'string', short: 'o' },
  baseline: { type: 'string', short: 'b' },
  'save-baseline': { type: 'string' },
  markdown: { type: 'string' },
  html: { type: 'string' },
  json: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  history: { type: 'string', multiple: true },
  format: { type: 'string' },
  setup: { type: 'string' },
  'max-rounds': { type: 'string' },
  screen: { type: 'string' },
  better: { type: 'string' },
  shard: { type: 'string' },
  'start-at': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

const ALLOWED: Record<string, Array<keyof typeof OPTIONS>> = {
  run: ['config', 'suite', 'out', 'baseline', 'save-baseline', 'markdown', 'json', 'html', 'shard', 'start-at'],
  merge: ['config', 'baseline', 'out', 'save-baseline', 'markdown', 'json', 'html'],
  compare: ['base', 'head', 'history', 'config', 'markdown', 'json', 'html'],
  validate: ['config'],
  ingest: ['format', 'suite', 'better', 'out'],
  ab: ['base', 'config', 'suite', 'setup', 'max-rounds', 'screen', 'out', 'markdown', 'json', 'html'],
};

/** Commands that take positional arguments after their name. */
const TAKES_FILES = new Set(['ingest', 'merge']);

export async function main(argv: string[], io: Io): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    io.stderr.write(`error: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === 'help') {
    io.stdout.write(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout.write(`${process.env.PERF_ACTION_VERSION ?? 'dev'}\n`);
    return 0;
  }
  if (!command || !(command in ALLOWED)) {
    io.stderr.write(`error: ${command ? `unknown command "${command}"` : 'no command given'}\n\n${HELP}`);
    return 2;
  }
  const extra = Object.keys(values).filter((k) => !(ALLOWED[command] as string[]).includes(k));
  if (extra.length > 0 || (positionals.length > 1 && !TAKES_FILES.has(command))) {
    const what = extra.length > 0 ? `--${extra[0]}` : `"${positionals[1]}"`;
    io.stderr.write(`error: ${command} does not take ${what}\n\n${HELP}`);
    return 2;
  }
  const controller = new AbortController();
  let interrupts = 0;
  // SIGINT (Ctrl-C) and SIGTERM (what a cancelled CI job sends) alike: stop the suite, its services and
  // children, write what was measured; a second signal exits at once.
  const onSigint = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(sig === 'SIGTERM' ? 143 : 130);
    io.stderr.write(
      `\n${sig === 'SIGTERM' ? 'terminated' : 'interrupted'}: stopping the current suite and writing what was measured (a second signal quits now)\n`,
    );
    controller.abort(new Error(sig === 'SIGTERM' ? 'terminated' : 'interrupted'));
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    if (command === 'run') {
      const { 'save-baseline': saveBaseline, 'start-at': startAt, ...rest } = values;
      return await runCommand(
        io,
        {
          ...rest,
          suite: values.suite ?? [],
          ...(saveBaseline ? { saveBaseline } : {}),
          ...(startAt ? { startAt } : {}),
        },
        controller.signal,
      );
    }
    if (command === 'merge') {
      const { 'save-baseline': saveBaseline, ...rest } = values;
      return await mergeCommand(io, {
        ...rest,
        files: positionals.slice(1),
        ...(saveBaseline ? { saveBaseline } : {}),
      });
    }
    if (command === 'compare') return await compareCommand(io, values);
    if (command === 'ab') {
      return await abCommand(io, { ...values, suite: values.suite ?? [] }, controller.signal);
    }
    if (command === 'ingest') return await ingestCommand(io, { ...values, files: positionals.slice(1) });
    return await validateCommand(io, values);
  } catch (err) {
    if (isUserError(err)) {
      io.stderr.write(`error: ${(err as Error).message}\n`);
      return 2;
    }
    io.stderr.write(`perf-action crashed: ${(err as Error)?.stack ?? String(err)}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
