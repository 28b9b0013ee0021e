// A metric with given samples, for tests that build results documents by hand.

import type { Better, Metric } from '../../src/model/results.ts';
import { summarize } from '../../src/stats/summary.ts';

export function syntheticMetric(id: string, better: Better, samples: number[]): Metric {
  const [suite = id, ...rest] = id.split('/');
  return {
    id,
    suite,
    name: rest.join('/') || id,
    unit: better === 'lower' ? 'ms' : 'req/s',
    better,
    samples,
    stats: summarize(samples),
  };
}
