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

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
