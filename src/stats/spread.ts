// Robust spread: the median absolute deviation, which a single wild replicate cannot inflate.

import { median } from './quantile.ts';

/** Median of |x − median(x)|; NaN for no values. */
export function mad(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** 1 / Φ⁻¹(3/4): makes the MAD a consistent estimate of the standard deviation for normal data. */
export const MAD_TO_SD = 1.482602218505602;

/** The MAD scaled to estimate the standard deviation under normality. */
export function scaledMad(values: readonly number[]): number {
  return MAD_TO_SD * mad(values);
}

/** Sample standard deviation (n − 1); NaN for fewer than two values. */
export function sampleSd(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}
