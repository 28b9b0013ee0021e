// Summaries of a set of values into the `stats` block of a metric.

import { mean as meanOf, sampleStandardDeviation } from 'simple-statistics';
import type { MetricStats } from '../model/results.ts';
import { quantileSorted } from './quantile.ts';

export function summarize(values: readonly number[]): MetricStats {
  const n = values.length;
  if (n === 0) throw new Error('cannot summarise an empty set of values');
  const sorted = Array.from(Float64Array.from(values).sort());
  const q = (p: number) => quantileSorted(sorted, p);
  return {
    n,
    mean: meanOf(sorted),
    median: q(0.5),
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    ...(n > 1 ? { sd: sampleStandardDeviation(sorted) } : {}),
    p50: q(0.5),
    p75: q(0.75),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    p999: q(0.999),
  };
}

/**
 * Summarise a pooled distribution given as weighted groups of sorted values (one group per replicate,
 * each possibly a down-sampled set of quantiles standing for `count` observations).
 */
export function summarizeWeighted(groups: ReadonlyArray<{ values: readonly number[]; count: number }>): MetricStats {
  const points: Array<[number, number]> = [];
  let total = 0;
  let sum = 0;
  for (const g of groups) {
    if (g.values.length === 0 || g.count <= 0) continue;
    const w = g.count / g.values.length;
    for (const v of g.values) {
      points.push([v, w]);
      sum += v * w;
    }
    total += g.count;
  }
  if (points.length === 0) throw new Error('cannot summarise an empty set of values');
  points.sort((a, b) => a[0] - b[0]);
  const mean = sum / total;
  let ss = 0;
  for (const [v, w] of points) ss += w * (v - mean) ** 2;
  // Weighted quantile: the value at which the cumulative weight first reaches q of the total.
  const q = (p: number): number => {
    const target = p * total;
    let acc = 0;
    for (const [v, w] of points) {
      acc += w;
      if (acc >= target - 1e-9) return v;
    }
    return (points[points.length - 1] as [number, number])[0];
  };
  const n = Math.round(total);
  return {
    n,
    mean,
    median: q(0.5),
    min: (points[0] as [number, number])[0],
    max: (points[points.length - 1] as [number, number])[0],
    ...(n > 1 ? { sd: Math.sqrt(ss / Math.max(1, total - 1)) } : {}),
    p50: q(0.5),
    p75: q(0.75),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    p999: q(0.999),
  };
}
