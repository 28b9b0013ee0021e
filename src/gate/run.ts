// The gate, run: measure the suites (or base and head in pairs on this runner), judge against the baseline
// and the criteria, and run again what is still undecided within compare.budget. The CLI and the action are
// adapters around this: they choose inputs and outputs, never the steps or their order.

import { runSameRunner } from '../ab/same-runner.ts';
import type { LoadedBaseline } from '../baseline/store.ts';
import { judge } from '../compare/judge.ts';
import type { AbOptions, LoadedConfig } from '../config/load.ts';
import type { ResultsDocument } from '../model/results.ts';
import type { VerdictDocument } from '../model/verdict.ts';
import { decideMore } from '../runner/decide-more.ts';
import type { ProgressSink } from '../runner/progress.ts';
import { runSuites } from '../runner/run.ts';

export interface GateInput {
  /** The config; its `compare` options are the gate's (overrides such as fail-on already applied). */
  loaded: LoadedConfig;
  baseline?: LoadedBaseline;
  /** Why there is no baseline when the store failed (not merely empty): the verdict says so. */
  baselineProblem?: string;
  env: NodeJS.ProcessEnv;
  progress: ProgressSink;
  signal: AbortSignal;
  git?: { sha: string; ref?: string };
  /** Only these suites (all when absent or empty). */
  only?: string[];
  /** Called with the results so far after each suite, so that a crash or a cancel loses nothing measured. */
  onSuite?: (partial: ResultsDocument) => void | Promise<void>;
  /**
   * Pairs with the base commit on this runner instead of a comparison with the baseline alone; with `screen`
   * the head is first judged against the baseline and only what that leaves open is paired.
   */
  sameRunner?: { baseRef: string; ab: AbOptions; screen: boolean; log: NodeJS.WritableStream };
}

export interface GateOutcome {
  results: ResultsDocument;
  /** Suites that could not be set up (the user's input): the CLI exits 2, the action fails the step. */
  setupErrors: string[];
  verdict: VerdictDocument;
  /** What the head was compared with: the baseline, or the base commit's runs on this runner. */
  compared?: LoadedBaseline;
}

export async function runGate(g: GateInput): Promise<GateOutcome> {
  const how = { env: g.env, progress: g.progress, signal: g.signal, ...(g.git ? { git: g.git } : {}) };
  const only = g.only && g.only.length > 0 ? g.only : undefined;
  if (g.sameRunner) {
    const same = await runSameRunner({
      head: g.loaded,
      baseRef: g.sameRunner.baseRef,
      ab: g.sameRunner.ab,
      ...(only ? { only } : {}),
      ...(g.sameRunner.screen && g.baseline ? { screen: g.baseline } : {}),
      ...(g.git ? { headGit: g.git } : {}),
      progress: g.progress,
      log: g.sameRunner.log,
      signal: g.signal,
      env: g.env,
    });
    if (g.onSuite) await g.onSuite(same.head);
    return {
      results: same.head,
      setupErrors: same.setupErrors,
      verdict: same.judged,
      ...(same.base ? { compared: same.base } : {}),
    };
  }
  const { results, setupErrors } = await runSuites(g.loaded, {
    ...how,
    ...(only ? { only } : {}),
    ...(g.onSuite ? { onSuite: g.onSuite } : {}),
  });
  const first = judge({
    head: results,
    ...(g.baseline ? { baseline: g.baseline } : {}),
    ...(g.baselineProblem ? { baselineProblem: g.baselineProblem } : {}),
    criteria: g.loaded.config.criteria,
    options: g.loaded.config.compare,
  });
  // Undecided metrics and one-run regressions get more runs within compare.budget (compare/more.ts).
  const { verdict } = await decideMore({ loaded: g.loaded, results, verdict: first, baseline: g.baseline, run: how });
  return { results, setupErrors, verdict, ...(g.baseline ? { compared: g.baseline } : {}) };
}
