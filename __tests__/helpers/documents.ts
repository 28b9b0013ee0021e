// Results documents for report and history tests: one bench suite named after the metrics' prefix, made
// at hour `hour` of 2026-01-01, so that consecutive documents are in time order.

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
