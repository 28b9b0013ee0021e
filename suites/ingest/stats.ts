// Stats for metrics whose tool gives a summary instead of (or besides) raw values.

import type { MetricStats } from '../../src/model/results.ts';
import { quantileSorted } from '../../src/stats/quantile.ts';

export interface SummaryInput {
  n?: number;
  mean?: number;
  median?: number;
  min?: number;
  max?: number;
  sd?: number;
  p50?: number;
  p75?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  p999?: number;
}

const OPTIONAL = ['sd', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999'] as const;

/**
 * Stats from a tool's summary. A missing centre falls back to the other one (median <-> p50 <-> mean); a
 * missing min or max to the most extreme value known, so the block stays valid without inventing spread.
 * Values that are not finite (a time in seconds near the largest double, turned into ms) count as missing;
 * with none left there are no stats, and the collector leaves the metric out with a warning.
 */
export function statsFromSummary(summary: SummaryInput): MetricStats | undefined {
  const s: SummaryInput = {};
  for (const [key, v] of Object.entries(summary) as Array<[keyof SummaryInput, number | undefined]>) {
    if (v !== undefined && Number.isFinite(v)) s[key] = v;
  }
  const known = [s.min, s.p50, s.median, s.mean, s.p75, s.p90, s.p95, s.p99, s.p999, s.max].filter(
    (v): v is number => v !== undefined,
  );
  if (known.length === 0) return undefined;
  const mean = s.mean ?? s.median ?? s.p50 ?? (known[0] as number);
  const median = s.median ?? s.p50 ?? mean;
  const stats: MetricStats = {
    n: Math.max(1, Math.round(s.n ?? 1)),
    mean,
    median,
    min: s.min ?? Math.min(...known),
    max: s.max ?? Math.max(...known),
  };
  for (const key of OPTIONAL) {
    const v = s[key];
    if (v !== undefined) stats[key] = v;
  }
  if (stats.p50 === undefined && s.median !== undefined) stats.p50 = s.median;
  return stats;
}

/** One value and nothing about its spread (benchmark.js text, a custom entry, a counter's rate). */
export function pointStats(value: number, n = 1): MetricStats | undefined {
  return statsFromSummary({ n, mean: value, median: value, min: value, max: value });
}

/** Results documents must stay small: per-iteration samples beyond this are reduced to evenly spaced quantiles. */
export const MAX_SAMPLES = 2000;

/** Keep at most MAX_SAMPLES values; above that, evenly spaced quantiles of all of them (the distribution survives). */
export function capSamples(values: number[]): { samples: number[]; reduced: boolean } {
  if (values.length <= MAX_SAMPLES) return { samples: values, reduced: false };
  const sorted = Array.from(Float64Array.from(values).sort());
  const out: number[] = [];
  for (let i = 0; i < MAX_SAMPLES; i++) out.push(quantileSorted(sorted, i / (MAX_SAMPLES - 1)));
  return { samples: out, reduced: true };
}
