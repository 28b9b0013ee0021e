// The smallest of n values as a statistic: how much it would move if the same n draws were taken again.
//
// Drawing n values again from the n at hand (the bootstrap's resample), the k-th smallest of them is the
// smallest drawn when no value below it is drawn and it is: ((n − k + 1)/n)^n − ((n − k)/n)^n. That gives
// the resampled minimum's whole distribution exactly, with no random draws. It is large when the minimum is
// a lone value far below the rest (a resample misses it about (1 − 1/n)^n ≈ 37% of the time) and small when
// the lowest values sit together, which is what a gate comparing the fastest of n processes needs to know.

import { sortedCopy } from './quantile.ts';

/**
 * Variance of the minimum of n values drawn with replacement from `values` (n of them), computed exactly from
 * the order statistics. 0 for fewer than two values.
 */
export function resampledMinVariance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const sorted = sortedCopy(values);
  const lowest = sorted[0] as number;
  // Moments about the smallest value, for accuracy when the values sit far from zero.
  let mean = 0;
  let square = 0;
  for (let k = 1; k <= n; k++) {
    const p = ((n - k + 1) / n) ** n - ((n - k) / n) ** n;
    const d = (sorted[k - 1] as number) - lowest;
    mean += p * d;
    square += p * d * d;
  }
  return Math.max(0, square - mean * mean);
}
