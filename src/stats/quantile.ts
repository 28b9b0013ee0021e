// Quantiles of sorted samples by linear interpolation between order statistics (Hyndman & Fan type 7,
// the definition numpy, R's default and most spreadsheet tools use).

export function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (q <= 0) return sorted[0] as number;
  if (q >= 1) return sorted[n - 1] as number;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, n - 1)] as number;
  return a + (b - a) * frac;
}

export function sortedCopy(values: readonly number[]): number[] {
  return Float64Array.from(values).sort() as unknown as number[];
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(Array.from(sortedCopy(values)), q);
}

/**
 * The middle value, or the midpoint (a + b) / 2 of the two middle ones. quantile(values, 0.5) computes
 * a + (b - a) / 2, equal in exact arithmetic but not always in the last bit; the verdict's pooled level and the
 * history have used this form, so it stays. NaN for no values.
 */
export function median(values: readonly number[]): number {
  const s = sortedCopy(values);
  const n = s.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
