// Rounds to metrics: one sample per measured round for the gate to compare, and for latency the exact
// distribution of every delivered event of every round.

import { makeMetric } from '../../src/model/make-metric.ts';
import type { Metric, MetricStats } from '../../src/model/results.ts';
import { quantileSorted } from '../../src/stats/quantile.ts';
import { summarize } from '../../src/stats/summary.ts';
import type { RoundResult } from './round.ts';

/** Stats of a large pooled distribution, without copying it into a plain array first. */
export function summarizeSorted(sorted: Float64Array): MetricStats {
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i] as number;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += ((sorted[i] as number) - mean) ** 2;
  const q = (p: number) => quantileSorted(sorted as unknown as readonly number[], p);
  return {
    n,
    mean,
    median: q(0.5),
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    ...(n > 1 ? { sd: Math.sqrt(ss / (n - 1)) } : {}),
    p50: q(0.5),
    p75: q(0.75),
    p90: q(0.9),
    p95: q(0.95),
    p99: q(0.99),
    p999: q(0.999),
  };
}

function pooledSorted(parts: Float32Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all.sort();
}

export function roundsToMetrics(
  suite: string,
  rounds: RoundResult[],
  opts: { consumers: number; crash: boolean },
): Metric[] {
  if (rounds.length === 0) return [];
  const out: Metric[] = [];
  const metric = (name: string, unit: string, better: 'lower' | 'higher', samples: number[], stats?: MetricStats) =>
    out.push(makeMetric({ suite, name, unit, better, samples, ...(stats ? { stats } : {}) }));
  const each = (pick: (r: RoundResult) => number) => rounds.map(pick);

  metric(
    'produce/throughput',
    'events/s',
    'higher',
    each((r) => r.produceRate),
  );
  if (opts.consumers === 0) return out;
  const consumeRates = rounds.flatMap((r) => (r.consumeRate === undefined ? [] : [r.consumeRate]));
  if (consumeRates.length > 0) metric('consume/throughput', 'events/s', 'higher', consumeRates);
  const withLatency = rounds.filter((r) => r.latencies.length > 0);
  if (withLatency.length > 0) {
    const medians = withLatency.map((r) =>
      quantileSorted(Float64Array.from(r.latencies).sort() as unknown as readonly number[], 0.5),
    );
    metric(
      'delivery/latency',
      'ms',
      'lower',
      medians,
      summarizeSorted(pooledSorted(withLatency.map((r) => r.latencies))),
    );
  }
  metric(
    'lost',
    'count',
    'lower',
    each((r) => r.lost),
  );
  metric(
    'duplicates',
    'count',
    'lower',
    each((r) => r.duplicates),
  );
  metric(
    'redelivered',
    'count',
    'lower',
    each((r) => r.redelivered),
  );
  const points = rounds.flatMap((r) => r.backlog);
  if (points.length > 0) {
    metric(
      'backlog',
      'events',
      'lower',
      each((r) => Math.max(0, ...r.backlog)),
      summarize(points),
    );
  }
  if (opts.crash) {
    const recoveries = rounds.flatMap((r) => (r.recoveryMs === undefined ? [] : [r.recoveryMs]));
    if (recoveries.length > 0) metric('recovery', 'ms', 'lower', recoveries);
  }
  return out;
}
