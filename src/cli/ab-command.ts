// `perf-action ab --base REF`: same-runner A/B. The base commit goes into its own worktree, is set up with
// `ab.setup`, and base and head run interleaved on this machine; the verdict comes from the pairs.

import path from 'node:path';
import { runAb } from '../ab/run-ab.ts';
import { abVerdict } from '../ab/verdict.ts';
import { AbSetupError, addWorktree, repoRoot, resolveBase, runSetup } from '../ab/worktree.ts';
import { writeJsonAtomic } from '../baseline/file.ts';
import { type AbOptions, loadConfig } from '../config/load.ts';
import { emitReports, type Io, load, UsageError } from './commands.ts';
import { gitInfo } from './git.ts';
import { stderrProgress } from './progress.ts';

export interface AbArgs {
  base?: string;
  config?: string;
  suite: string[];
  setup?: string;
  'max-rounds'?: string;
  out?: string;
  markdown?: string;
  json?: string;
}

export const DEFAULT_AB: AbOptions = { rounds: 10, maxRounds: 30, timeBudget: 1_200_000, order: 'abba' };

export async function abCommand(io: Io, args: AbArgs, signal: AbortSignal): Promise<number> {
  if (!args.base) throw new UsageError('ab needs --base REF (a branch, tag or sha to compare against)');
  const head = await load(io, args.config);
  const ab: AbOptions = { ...DEFAULT_AB, ...head.config.ab };
  if (args.setup) ab.setup = args.setup;
  if (args['max-rounds'] !== undefined) {
    const n = Number(args['max-rounds']);
    if (!Number.isInteger(n) || n < 2)
      throw new UsageError(`--max-rounds must be a whole number >= 2, not ${args['max-rounds']}`);
    ab.maxRounds = n;
    ab.rounds = Math.min(ab.rounds, n);
  }
  const root = repoRoot(head.dir);
  const rel = path.relative(root, head.file);
  const baseSha = resolveBase(root, args.base);
  const headGit = gitInfo(head.dir, io.env);
  const progress = stderrProgress(io.stderr);
  const worktree = addWorktree(root, baseSha);
  try {
    progress.info(`base ${args.base} (${baseSha.slice(0, 12)}) checked out for A/B`);
    if (ab.setup) {
      progress.info(`ab.setup in the base worktree: ${ab.setup}`);
      await runSetup(ab.setup, worktree.dir, io.env, io.stderr, signal);
    }
    const baseFile = path.join(worktree.dir, rel);
    const base = await loadConfig(baseFile, { cwd: worktree.dir, env: io.env }).catch((err: Error) => {
      throw new AbSetupError(
        `the base commit's ${rel} could not be loaded (A/B runs each side's own config): ${err.message}`,
      );
    });
    const outcome = await runAb({
      head,
      base,
      ab,
      confidence: head.config.compare.confidence,
      minEffect: head.config.compare.minEffect,
      ...(args.suite.length > 0 ? { only: args.suite } : {}),
      progress,
      signal,
      env: io.env,
      git: { ...(headGit ? { head: headGit } : {}), base: { sha: baseSha, ref: args.base } },
    });
    if (outcome.setupErrors.length > 0) {
      for (const e of outcome.setupErrors) io.stderr.write(`error: ${e}\n`);
      return 2;
    }
    const label = `${args.base} (${baseSha.slice(0, 12)})`;
    const judged = abVerdict(outcome, head.config.criteria, head.config.compare, label);
    if (args.out) {
      await writeJsonAtomic(path.resolve(io.cwd, args.out), outcome.results.head);
      io.stderr.write(`head results (one sample per round) written to ${args.out}\n`);
    }
    const code = await emitReports(
      io,
      judged,
      outcome.results.head,
      { results: outcome.results.base, source: label },
      head.id,
      args,
    );
    if (signal.aborted) return 130;
    return code;
  } finally {
    worktree.remove();
  }
}
