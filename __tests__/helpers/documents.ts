// Results documents for report and history tests: one bench suite named after the metrics' prefix, made
// at hour `hour` of 2026-01-01, so that consecutive documents are in time order.

import { appendToHistory, type HistoryDocument } from '../../src/baseline/history.ts';
import { type Metric, RESULTS_SCHEMA, type ResultsDocument, type RunEnvironment } from '../../src/model/results.ts';

export function resultsAt(hour: number, env: RunEnvironment, metrics: Metric[], sha?: string): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    createdAt: new Date(Date.UTC(2026, 0, 1, hour)).toISOString(),
    ...(sha ? { git: { sha } } : {}),
    env,
    suites: [{ name: metrics[0]?.suite ?? 'api', kind: 'bench', ok: true, durationMs: 1, metrics }],
  };
}

/** Main-branch runs in order, each saved with the history up to it: the last is the baseline. */
export function branchOf(
  env: RunEnvironment,
  runs: readonly Metric[][],
): { base: ResultsDocument; history: HistoryDocument } {
  let history: HistoryDocument | undefined;
  let base: ResultsDocument | undefined;
  runs.forEach((metrics, r) => {
    base = resultsAt(r, env, metrics);
    history = appendToHistory(history, base);
  });
  if (!base || !history) throw new Error('a branch needs at least one run');
  return { base, history };
}
