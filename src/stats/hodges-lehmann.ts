// Hodges-Lehmann shift between two samples (the median of all pairwise differences) and its confidence
// interval from inverting the Mann-Whitney test (Moses): the interval holds every shift the test would not
// reject, which is the range between two order statistics of the pairwise differences.

import { EXACT_MAX_PER_SAMPLE, type TestMethod } from './mann-whitney.ts';
import { normalCdf, normalQuantile } from './normal.ts';
import { quantileSorted } from './quantile.ts';
import { cdfAt, lowerCritical, mannWhitneyNullDistribution } from './rank-distributions.ts';

export interface ShiftEstimate {
  /** Point estimate of the shift. */
  estimate: number;
  /** Interval bounds; ±Infinity when the samples are too small for a finite interval at this confidence. */
  lower: number;
  upper: number;
  /** Coverage the interval actually has: at least the requested level, more where the distribution is discrete. */
  confidence: number;
  /** How the bounds' ranks were found. */
  method: TestMethod;
}

export interface IntervalRank {
  /** 1-based rank of the lower bound among the K sorted candidates; the upper is rank K + 1 − k. 0: unbounded. */
  k: number;
  /** Achieved coverage. */
  confidence: number;
  method: TestMethod;
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1), got ${confidence}`);
}

/**
 * Rank of the bounds among the m·n sorted pairwise differences for a two-sided interval at `confidence`:
 * the largest k with P(U ≤ k − 1) ≤ (1 − confidence) / 2, exact for samples of up to 50 values.
 */
export function shiftIntervalRank(m: number, n: number, confidence: number): IntervalRank {
  checkConfidence(confidence);
  // Replicate planning asks for the same few sizes over and over.
  const key = `${m},${n},${confidence}`;
  const hit = rankCache.get(key);
  if (hit) return hit;
  const tail = (1 - confidence) / 2;
  let out: IntervalRank;
  if (m <= EXACT_MAX_PER_SAMPLE && n <= EXACT_MAX_PER_SAMPLE) {
    const dist = mannWhitneyNullDistribution(m, n);
    const c = lowerCritical(dist, tail);
    out =
      c < 0
        ? { k: 0, confidence: 1, method: 'exact' }
        : { k: c + 1, confidence: 1 - 2 * cdfAt(dist, c), method: 'exact' };
  } else out = normalIntervalRank((m * n) / 2, Math.sqrt((m * n * (m + n + 1)) / 12), tail);
  if (rankCache.size > 10_000) rankCache.clear();
  Object.freeze(out);
  rankCache.set(key, out);
  return out;
}

const rankCache = new Map<string, IntervalRank>();

/** Normal approximation of the critical rank for a statistic with this null mean and sd (with continuity). */
export function normalIntervalRank(mean: number, sd: number, tail: number): IntervalRank {
  const c = Math.floor(mean - 0.5 + normalQuantile(tail) * sd);
  if (c < 0) return { k: 0, confidence: 1, method: 'normal' };
  return { k: c + 1, confidence: 1 - 2 * normalCdf((c + 0.5 - mean) / sd), method: 'normal' };
}

/** Bounds at ranks k and K + 1 − k of sorted candidates (unbounded when k is 0). */
export function boundsAtRank(sorted: ArrayLike<number>, k: number): [number, number] {
  if (k <= 0) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  return [sorted[k - 1] as number, sorted[sorted.length - k] as number];
}

/** Hodges-Lehmann estimate of the shift y − x and its rank-based interval at `confidence`. */
export function hodgesLehmannShift(x: readonly number[], y: readonly number[], confidence: number): ShiftEstimate {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('hodgesLehmannShift: both samples need at least one value');
  const diffs = new Float64Array(m * n);
  let t = 0;
  for (const b of y) for (const a of x) diffs[t++] = b - a;
  diffs.sort();
  const rankInfo = shiftIntervalRank(m, n, confidence);
  const [lower, upper] = boundsAtRank(diffs, rankInfo.k);
  return {
    estimate: quantileSorted(diffs as unknown as number[], 0.5),
    lower,
    upper,
    confidence: rankInfo.confidence,
    method: rankInfo.method,
  };
}
