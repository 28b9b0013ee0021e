// Worker measurements to metrics. Percentiles come from the merged HDR histograms of all workers (exact to
// 3 significant digits, whatever the thread count). `samples` are one value per sample window - the
// replicates the gate compares: the window's median latency, its throughput, its error rate.

import { makeMetric } from '../../src/model/make-metric.ts';
import type { Metric, MetricStats } from '../../src/model/results.ts';
import { summarize } from '../../src/stats/summary.ts';
import type { HttpPlan, WorkerResult } from './protocol.ts';
import { decodeHistogram, type EncodedSeries, type Histogram, newHistogram } from './recorder.ts';

export interface MergedSeries {
  full: Histogram;
  windows: (Histogram | undefined)[];
}

function mergeSeries(parts: EncodedSeries[], windows: number): MergedSeries {
  const full = newHistogram(3);
  const wins: (Histogram | undefined)[] = new Array(windows).fill(undefined);
  for (const p of parts) {
    full.add(decodeHistogram(p.full));
    p.windows.forEach((w, i) => {
      if (w === null) return;
      const h = wins[i] ?? newHistogram(2);
      h.add(decodeHistogram(w));
      wins[i] = h;
    });
  }
  return { full, windows: wins };
}

function addInto(target: MergedSeries, other: MergedSeries): void {
  target.full.add(other.full);
  other.windows.forEach((w, i) => {
    if (!w) return;
    const h = target.windows[i] ?? newHistogram(2);
    h.add(w);
    target.windows[i] = h;
  });
}

const US = 1000;

/** Stats of a histogram in ms. */
export function histogramStats(h: Histogram): MetricStats {
  const q = (p: number) => h.getValueAtPercentile(p) / US;
  return {
    n: h.totalCount,
    mean: h.mean / US,
    median: q(50),
    min: h.minNonZeroValue / US,
    max: h.maxValue / US,
    ...(h.totalCount > 1 ? { sd: h.stdDeviation / US } : {}),
    p50: q(50),
    p75: q(75),
    p90: q(90),
    p95: q(95),
    p99: q(99),
    p999: q(99.9),
  };
}

function windowMedians(s: MergedSeries): number[] {
  return s.windows.flatMap((h) => (h && h.totalCount > 0 ? [h.getValueAtPercentile(50) / US] : []));
}

export interface Aggregated {
  metrics: Metric[];
  /** Failure reasons per request name, for the warning. */
  failures: Map<string, Record<string, number>>;
  /** Requests that never completed inside the measured period. */
  idle: string[];
  totals: { requests: number; errors: number; dropped: number; late: number };
}

export function aggregate(suite: string, names: string[], plan: HttpPlan, results: WorkerResult[]): Aggregated {
  const metrics: Metric[] = [];
  const failures = new Map<string, Record<string, number>>();
  const idle: string[] = [];
  const windowS = plan.windowMs / 1000;
  const sumWindows = (arrays: number[][]) =>
    Array.from({ length: plan.windows }, (_, i) => arrays.reduce((s, a) => s + (a[i] ?? 0), 0));
  const emitRequestMetrics = (name: string, latency: MergedSeries, counts: number[], errors: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === 0) return false;
    metrics.push(
      makeMetric({
        windows: true,
        suite,
        name: `${name}/throughput`,
        unit: 'req/s',
        better: 'higher',
        samples: counts.map((c) => c / windowS),
      }),
    );
    const rates = counts.flatMap((c, i) => (c > 0 ? [((errors[i] ?? 0) / c) * 100] : []));
    metrics.push(
      makeMetric({ windows: true, suite, name: `${name}/error_rate`, unit: '%', better: 'lower', samples: rates }),
    );
    if (latency.full.totalCount > 0) {
      metrics.push(
        makeMetric({
          windows: true,
          suite,
          name: `${name}/latency`,
          unit: 'ms',
          better: 'lower',
          samples: windowMedians(latency),
          stats: histogramStats(latency.full),
        }),
      );
    }
    return true;
  };
  const all: MergedSeries = { full: newHistogram(3), windows: new Array(plan.windows).fill(undefined) };
  const allCounts: number[][] = [];
  const allErrors: number[][] = [];
  names.forEach((name, r) => {
    const parts = results.map((w) => w.requests[r]).filter((x) => x !== undefined);
    const latency = mergeSeries(
      parts.map((p) => p.latency),
      plan.windows,
    );
    const counts = sumWindows(parts.map((p) => p.counts));
    const errors = sumWindows(parts.map((p) => p.errors));
    const reasons: Record<string, number> = {};
    for (const p of parts) for (const [k, v] of Object.entries(p.failures)) reasons[k] = (reasons[k] ?? 0) + v;
    if (Object.keys(reasons).length > 0) failures.set(name, reasons);
    if (!emitRequestMetrics(name, latency, counts, errors)) {
      idle.push(name);
      return;
    }
    addInto(all, latency);
    allCounts.push(counts);
    allErrors.push(errors);
    const stream = (key: 'ttfb' | 'firstEvent', metricName: string) => {
      const encoded = parts.flatMap((p) => (p[key] ? [p[key]] : []));
      if (encoded.length === 0) return;
      const merged = mergeSeries(encoded, plan.windows);
      if (merged.full.totalCount === 0) return;
      metrics.push(
        makeMetric({
          windows: true,
          suite,
          name: `${name}/${metricName}`,
          unit: 'ms',
          better: 'lower',
          samples: windowMedians(merged),
          stats: histogramStats(merged.full),
        }),
      );
    };
    stream('ttfb', 'ttfb');
    stream('firstEvent', 'first_event');
    const rates = parts.flatMap((p) => p.eventRates);
    if (rates.length > 0) {
      const byWindow = new Map<number, number[]>();
      for (const [w, v] of rates) byWindow.set(w, [...(byWindow.get(w) ?? []), v]);
      const samples = [...byWindow.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([, vs]) => vs.reduce((a, b) => a + b, 0) / vs.length);
      metrics.push(
        makeMetric({
          windows: true,
          suite,
          name: `${name}/events_per_s`,
          unit: 'events/s',
          better: 'higher',
          samples,
          stats: summarize(rates.map(([, v]) => v)),
        }),
      );
    }
  });
  const counts = sumWindows(allCounts);
  const errors = sumWindows(allErrors);
  emitRequestMetrics('all', all, counts, errors);
  const dropped = sumWindows(results.map((w) => w.dropped));
  const late = sumWindows(results.map((w) => w.late));
  const totalDropped = dropped.reduce((a, b) => a + b, 0);
  const totalLate = late.reduce((a, b) => a + b, 0);
  if (plan.model === 'open') {
    metrics.push(
      makeMetric({ windows: true, suite, name: 'all/dropped', unit: 'count', better: 'lower', samples: dropped }),
    );
    metrics.push(makeMetric({ windows: true, suite, name: 'all/late', unit: 'count', better: 'lower', samples: late }));
  }
  return {
    metrics,
    failures,
    idle,
    totals: {
      requests: counts.reduce((a, b) => a + b, 0),
      errors: errors.reduce((a, b) => a + b, 0),
      dropped: totalDropped,
      late: totalLate,
    },
  };
}
