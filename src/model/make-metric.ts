// Build metric records with consistent ids and stats, so every suite kind names things the same way.

import { summarize } from '../stats/summary.ts';
import { formatMetricId, type Params } from './metric-id.ts';
import type { Better, Metric, MetricStats } from './results.ts';

export interface MetricInput {
  suite: string;
  name: string;
  params?: Params;
  unit: string;
  better: Better;
  /** Replicates (processes, windows, runs): what the gate compares. */
  samples?: number[];
  /** The samples are time windows or rounds of one run (see Metric.sampling), not replicates. */
  windows?: boolean;
  /** The measured distribution; computed from samples when absent. */
  stats?: MetricStats;
}

export function makeMetric(input: MetricInput): Metric {
  const stats = input.stats ?? (input.samples && input.samples.length > 0 ? summarize(input.samples) : undefined);
  if (!stats) throw new Error(`metric ${input.suite}/${input.name} has neither samples nor stats`);
  const params = input.params && Object.keys(input.params).length > 0 ? input.params : undefined;
  return {
    id: formatMetricId(input.suite, input.name, params),
    suite: input.suite,
    name: input.name,
    ...(params ? { params } : {}),
    unit: input.unit,
    better: input.better,
    ...(input.samples ? { samples: input.samples } : {}),
    ...(input.samples && input.windows ? { sampling: 'windows' as const } : {}),
    stats,
  };
}
