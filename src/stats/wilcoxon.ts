// Wilcoxon signed-rank test for paired samples (or one sample against zero), and the one-sample
// Hodges-Lehmann estimate (median of Walsh averages) with its interval from inverting the test. This is the
// paired analysis of the noise-cancelling mode, where base and head run interleaved on the same machine.

import { boundsAtRank, type IntervalRank, normalIntervalRank, type ShiftEstimate } from './hodges-lehmann.ts';
import type { TestMethod } from './mann-whitney.ts';
import { normalSf } from './normal.ts';
import { quantileSorted } from './quantile.ts';
import {
  cdfAt,
  lowerCritical,
  signedRankNullDistribution,
  signSumDistribution,
  twoSidedP,
} from './rank-distributions.ts';
import { rank } from './ranks.ts';

/** Exact distribution (conditional on ties) up to this many non-zero differences. */
export const SIGNED_RANK_EXACT_MAX = 50;

export interface SignedRankOptions {
  method?: 'auto' | TestMethod;
}

export interface SignedRankResult {
  /** Sum of the (mid)ranks of |d| over the positive differences. */
  tPlus: number;
  /** Non-zero differences the test used. */
  n: number;
  /** Zero differences, dropped (Wilcoxon's treatment: a zero says nothing about the direction). */
  zeros: number;
  /** Two-sided p-value for "differences are symmetric about zero". */
  p: number;
  method: TestMethod;
  z?: number;
}

/** Signed-rank test on differences d (e.g. head − base per pair). */
export function wilcoxonSignedRank(d: readonly number[], options: SignedRankOptions = {}): SignedRankResult {
  const nonZero = d.filter((v) => v !== 0);
  const zeros = d.length - nonZero.length;
  const n = nonZero.length;
  if (n === 0) return { tPlus: 0, n: 0, zeros, p: 1, method: 'exact' };
  const r = rank(nonZero.map(Math.abs));
  let tPlus2 = 0;
  for (let i = 0; i < n; i++) if ((nonZero[i] as number) > 0) tPlus2 += r.doubled[i] as number;
  const tPlus = tPlus2 / 2;

  const method = options.method ?? 'auto';
  if (method === 'exact' || (method === 'auto' && n <= SIGNED_RANK_EXACT_MAX)) {
    // Under the null every sign pattern is equally likely; the (doubled mid)ranks are fixed by the data.
    const dist = r.hasTies ? signSumDistribution(r.doubled) : signedRankNullDistribution(n);
    const observed = r.hasTies ? tPlus2 : tPlus;
    return { tPlus, n, zeros, p: twoSidedP(dist, observed), method: 'exact' };
  }
  const mean = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - r.tieTerm / 48;
  if (!(variance > 0)) return { tPlus, n, zeros, p: 1, method: 'normal', z: 0 };
  const z = Math.max(0, Math.abs(tPlus - mean) - 0.5) / Math.sqrt(variance);
  return { tPlus, n, zeros, p: Math.min(1, 2 * normalSf(z)), method: 'normal', z: Math.sign(tPlus - mean) * z };
}

/** Paired signed-rank test of y against x (differences y_i − x_i). */
export function wilcoxonPaired(
  x: readonly number[],
  y: readonly number[],
  options: SignedRankOptions = {},
): SignedRankResult {
  return wilcoxonSignedRank(pairedDifferences(x, y), options);
}

export function pairedDifferences(x: readonly number[], y: readonly number[]): number[] {
  if (x.length !== y.length) throw new RangeError(`paired samples differ in length (${x.length} vs ${y.length})`);
  return y.map((v, i) => v - (x[i] as number));
}

/**
 * Rank of the bounds among the n(n+1)/2 sorted Walsh averages for a two-sided interval at `confidence`:
 * the largest k with P(T+ ≤ k − 1) ≤ (1 − confidence) / 2.
 */
export function walshIntervalRank(n: number, confidence: number): IntervalRank {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1), got ${confidence}`);
  const tail = (1 - confidence) / 2;
  if (n <= SIGNED_RANK_EXACT_MAX) {
    const dist = signedRankNullDistribution(n);
    const c = lowerCritical(dist, tail);
    if (c < 0) return { k: 0, confidence: 1, method: 'exact' };
    return { k: c + 1, confidence: 1 - 2 * cdfAt(dist, c), method: 'exact' };
  }
  return normalIntervalRank((n * (n + 1)) / 4, Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24), tail);
}

/** One-sample Hodges-Lehmann: the median of Walsh averages (d_i + d_j) / 2, i ≤ j, and its interval. */
export function hodgesLehmannOneSample(d: readonly number[], confidence: number): ShiftEstimate {
  const n = d.length;
  if (n === 0) throw new RangeError('hodgesLehmannOneSample: needs at least one value');
  const walsh = new Float64Array((n * (n + 1)) / 2);
  let t = 0;
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh[t++] = ((d[i] as number) + (d[j] as number)) / 2;
  walsh.sort();
  const rankInfo = walshIntervalRank(n, confidence);
  const [lower, upper] = boundsAtRank(walsh, rankInfo.k);
  return {
    estimate: quantileSorted(walsh as unknown as number[], 0.5),
    lower,
    upper,
    confidence: rankInfo.confidence,
    method: rankInfo.method,
  };
}

/** Paired Hodges-Lehmann shift of y against x. */
export function hodgesLehmannPaired(x: readonly number[], y: readonly number[], confidence: number): ShiftEstimate {
  return hodgesLehmannOneSample(pairedDifferences(x, y), confidence);
}
