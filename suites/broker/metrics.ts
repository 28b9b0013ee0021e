// Rounds to metrics, the same for every broker suite: one sample per measured round for the gate to
// compare, and for latency the exact distribution of every delivered event of every round.

import { makeMetric } from '../../src/model/make-metric.ts';
import type { Metric, MetricStats } from '../../src/model/results.ts';
import { quantileSorted } from '../../src/stats/quantile.ts';
import { summarize } from '../../src/stats/summary.ts';
import type { RoundFigures } from './round.ts';

export interface MeasuredRound extends RoundFigures {
  recoveryMs?: number;
}

/** A per-round count a suite adds after `duplicates` (lower is better). */
export interface ExtraCount<R> {
  name: string;
  pick: (round: R) => number;
}

function pooled(parts: Float32Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

function median(latencies: Float32Array): number {
  // quantileSorted only indexes what it reads, so a sorted typed array serves as well as a plain array.
  return quantileSorted(Float64Array.from(latencies).sort() as unknown as readonly number[], 0.5);
}

export function roundsToMetrics<R extends MeasuredRound>(
  suite: string,
  rounds: R[],
  opts: { consumers: number; crash: boolean },
  extraCounts: ExtraCount<R>[] = [],
): Metric[] {
  if (rounds.length === 0) return [];
  const out: Metric[] = [];
  const metric = (name: string, unit: string, better: 'lower' | 'higher', samples: number[], stats?: MetricStats) =>
    out.push(makeMetric({ suite, name, unit, better, samples, windows: true, ...(stats ? { stats } : {}) }));
  const each = (pick: (r: R) => number) => rounds.map(pick);

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
    // summarize sorts a copy of what it is given: the pooled typed array goes in as it is.
    const all = pooled(withLatency.map((r) => r.latencies)) as unknown as readonly number[];
    metric(
      'delivery/latency',
      'ms',
      'lower',
      withLatency.map((r) => median(r.latencies)),
      summarize(all),
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
  for (const extra of extraCounts) metric(extra.name, 'count', 'lower', each(extra.pick));
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
