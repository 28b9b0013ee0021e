// `perf-action ab --base REF`: same-runner A/B. The base commit goes into its own worktree, is set up with
// `ab.setup`, and base and head run interleaved on this machine; the verdict comes from the pairs. With
// `--screen FILE` (compare-to: auto) head is first compared with a stored baseline and only the suites it
// could not settle are re-run in pairs.

import path from 'node:path';
import { DEFAULT_AB } from '../ab/same-runner.ts';
import { readResultsFile, writeJsonAtomic } from '../baseline/file.ts';
import type { AbOptions } from '../config/load.ts';
import { runGate } from '../gate/run.ts';
import { checkOutputs, emitReports, type Io, load, narrowToSuites, UsageError } from './commands.ts';
import { gitInfo } from './git.ts';
import { stderrProgress } from './progress.ts';

export interface AbArgs {
  base?: string;
  config?: string;
  suite: string[];
  setup?: string;
  'max-rounds'?: string;
  screen?: string;
  out?: string;
  markdown?: string;
  json?: string;
  html?: string;
}

export async function abCommand(io: Io, args: AbArgs, signal: AbortSignal): Promise<number> {
  if (!args.base) throw new UsageError('ab needs --base REF (a branch, tag or sha to compare against)');
  checkOutputs(io, [args.out, args.markdown, args.json, args.html]);
  const head = narrowToSuites(io, await load(io, args.config), args.suite);
  const ab: AbOptions = { ...DEFAULT_AB, ...head.config.ab };
  if (args.setup) ab.setup = args.setup;
  if (args['max-rounds'] !== undefined) {
    const n = Number(args['max-rounds']);
    if (!Number.isInteger(n) || n < 2) {
      throw new UsageError(`--max-rounds must be a whole number >= 2, not ${args['max-rounds']}`);
    }
    ab.maxRounds = n;
    ab.rounds = Math.min(ab.rounds, n);
  }
  // A wrong screen path should fail in a second, not after the suites.
  const screen = args.screen
    ? { results: await readResultsFile(path.resolve(io.cwd, args.screen), 'baseline file'), source: args.screen }
    : undefined;
  const headGit = gitInfo(head.dir, io.env);
  const outcome = await runGate({
    loaded: head,
    ...(screen ? { baseline: screen } : {}),
    env: io.env,
    progress: stderrProgress(io.stderr),
    signal,
    ...(headGit ? { git: headGit } : {}),
    only: args.suite,
    sameRunner: { baseRef: args.base, ab, screen: screen !== undefined, log: io.stderr },
  });
  if (outcome.setupErrors.length > 0) {
    for (const e of outcome.setupErrors) io.stderr.write(`error: ${e}\n`);
    return 2;
  }
  if (args.out) {
    await writeJsonAtomic(path.resolve(io.cwd, args.out), outcome.results);
    io.stderr.write(`head results written to ${args.out}\n`);
  }
  const code = await emitReports(io, outcome.verdict, outcome.results, outcome.compared, head.id, args);
  return signal.aborted ? 130 : code;
}
