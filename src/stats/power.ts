// How many replicates per side a shift comparison needs: to detect a given shift, or to pin the shift down
// to a given precision. Normal-theory predictions for the rank-based interval, with the exact critical ranks,
// so the small-sample floor (e.g. no finite 99% interval below 5 vs 5) is respected.

import { shiftIntervalRank } from './hodges-lehmann.ts';
import { normalQuantile } from './normal.ts';

/**
 * Predicted half-width of the Hodges-Lehmann interval with n replicates per side whose values have standard
 * deviation `sigma`: the distance from the shift at which the expected share of pairwise differences below
 * it equals the critical rank's share. Infinity when no finite interval exists at this confidence.
 */
export function predictedHalfWidth(sigma: number, n: number, confidence: number): number {
  const { k } = shiftIntervalRank(n, n, confidence);
  if (k === 0) return Number.POSITIVE_INFINITY;
  // Differences of two values have sd σ√2; k/(K + 1) is the plotting position of the k-th of K.
  return sigma * Math.SQRT2 * -normalQuantile(k / (n * n + 1));
}

/** Large-sample standard error of the Hodges-Lehmann shift for normal data: σ·√(π/3 · 2/n). */
export function shiftStandardError(sigma: number, n: number): number {
  return sigma * Math.sqrt(((Math.PI / 3) * 2) / n);
}

export interface ReplicateSearch {
  /** Standard deviation of one replicate (in the compared scale, e.g. of log values). */
  sigma: number;
  /** Two-sided confidence of the interval (and 1 − α of the test). */
  confidence: number;
  /** Start the search here (default 2). */
  from?: number;
  /** Give up above this (default 1000): the answer is then undefined. */
  max?: number;
}

/**
 * Smallest n per side at which a true shift of `effect` (> 0) gives an interval that excludes zero with
 * probability `power` (default 0.8).
 */
export function replicatesToDetect(args: ReplicateSearch & { effect: number; power?: number }): number | undefined {
  const zPower = normalQuantile(args.power ?? 0.8);
  const effect = Math.abs(args.effect);
  if (!(effect > 0) || !(args.sigma >= 0)) return undefined;
  for (let n = Math.max(2, args.from ?? 2); n <= (args.max ?? 1000); n++) {
    const h = predictedHalfWidth(args.sigma, n, args.confidence);
    if (effect - h >= zPower * shiftStandardError(args.sigma, n)) return n;
  }
  return undefined;
}

/** Smallest n per side at which the interval's predicted half-width is at most `halfWidth`. */
export function replicatesToBound(args: ReplicateSearch & { halfWidth: number }): number | undefined {
  if (!(args.halfWidth > 0) || !(args.sigma >= 0)) return undefined;
  for (let n = Math.max(2, args.from ?? 2); n <= (args.max ?? 1000); n++) {
    if (predictedHalfWidth(args.sigma, n, args.confidence) <= args.halfWidth) return n;
  }
  return undefined;
}
