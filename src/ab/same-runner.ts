// Same-runner A/B from start to finish, shared by the CLI (`perf-action ab`) and the action
// (`compare-to: base|auto`): base worktree, setup, interleaved rounds, paired verdict; with a screen, only the
// suites the stored baseline could not settle are re-run.

import path from 'node:path';
import type { LoadedBaseline } from '../baseline/store.ts';
import { judge } from '../compare/judge.ts';
import { type AbOptions, type LoadedConfig, loadConfig } from '../config/load.ts';
import type { ResultsDocument } from '../model/results.ts';
import type { VerdictDocument } from '../model/verdict.ts';
import type { ProgressSink } from '../runner/progress.ts';
import { runSuites } from '../runner/run.ts';
import { runAb } from './run-ab.ts';
import { mergeConfirmed, screenOnly, suitesToConfirm } from './screen.ts';
import { abVerdict } from './verdict.ts';
import { AbSetupError, addWorktree, repoRoot, resolveBase, runSetup } from './worktree.ts';

export const DEFAULT_AB: AbOptions = {
  rounds: 10,
  maxRounds: 90,
  timeBudget: 1_200_000,
  order: 'abba',
  compareTo: 'auto',
};

export interface SameRunnerInput {
  head: LoadedConfig;
  /** Branch, tag or sha of the base. */
  baseRef: string;
  ab: AbOptions;
  only?: string[];
  /** compare-to: auto — screen a full head run against this stored baseline first. */
  screen?: LoadedBaseline;
  headGit?: { sha: string; ref?: string };
  progress: ProgressSink;
  /** Where the setup command's output goes. */
  log: NodeJS.WritableStream;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export interface SameRunnerOutcome {
  judged: VerdictDocument;
  /** Head's results: the full run when screened, else head's rounds pooled (one sample per round). */
  head: ResultsDocument;
  /** What the report compares against: the stored baseline when screened, else base's pooled rounds. */
  base?: LoadedBaseline;
  setupErrors: string[];
}

export async function runSameRunner(input: SameRunnerInput): Promise<SameRunnerOutcome> {
  const { head, progress } = input;
  let only = input.only;
  let screened: { judged: VerdictDocument; results: ResultsDocument } | undefined;
  if (input.screen) {
    progress.info('screening head against the stored baseline');
    const run = await runSuites(head, {
      ...(only ? { only } : {}),
      progress,
      signal: input.signal,
      env: input.env,
      ...(input.headGit ? { git: input.headGit } : {}),
    });
    if (run.setupErrors.length > 0)
      return { judged: judge({ head: run.results }), head: run.results, setupErrors: run.setupErrors };
    const judged = judge({
      head: run.results,
      baseline: input.screen,
      criteria: head.config.criteria,
      // The pairs decide what the screen leaves open: the screen takes no runs of its own.
      options: { ...head.config.compare, runs: 1 },
    });
    screened = { judged, results: run.results };
    only = suitesToConfirm(judged, run.results);
    if (only.length === 0 || input.signal.aborted) {
      return { judged: screenOnly(judged), head: run.results, base: input.screen, setupErrors: [] };
    }
    progress.info(`confirming on this runner: ${only.join(', ')}`);
  }

  const root = repoRoot(head.dir);
  const rel = path.relative(root, head.file);
  const baseSha = resolveBase(root, input.baseRef);
  const worktree = addWorktree(root, baseSha);
  try {
    progress.info(`base ${input.baseRef} (${baseSha.slice(0, 12)}) checked out for A/B`);
    if (input.ab.setup) {
      progress.info(`ab.setup in the base worktree: ${input.ab.setup}`);
      await runSetup(input.ab.setup, worktree.dir, input.env, input.log, input.signal);
    }
    const base = await loadConfig(path.join(worktree.dir, rel), {
      kinds: head.kinds,
      cwd: worktree.dir,
      env: input.env,
    }).catch((err: Error) => {
      throw new AbSetupError(
        `the base commit's ${rel} could not be loaded (A/B runs each side's own config): ${err.message}`,
      );
    });
    const outcome = await runAb({
      head,
      base,
      ab: input.ab,
      confidence: head.config.compare.confidence,
      minEffect: head.config.compare.minEffect,
      ...(only ? { only } : {}),
      progress,
      signal: input.signal,
      env: input.env,
      git: { ...(input.headGit ? { head: input.headGit } : {}), base: { sha: baseSha, ref: input.baseRef } },
    });
    const label = `${input.baseRef} (${baseSha.slice(0, 12)})`;
    const paired = abVerdict(outcome, head.config.criteria, head.config.compare, label);
    if (screened && input.screen) {
      return {
        judged: mergeConfirmed(screened.judged, screened.results, paired, only ?? [], head.config.compare),
        head: screened.results,
        base: input.screen,
        setupErrors: outcome.setupErrors,
      };
    }
    return {
      judged: paired,
      head: outcome.results.head,
      base: { results: outcome.results.base, source: label },
      setupErrors: outcome.setupErrors,
    };
  } finally {
    worktree.remove();
  }
}
