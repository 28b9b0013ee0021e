// Benjamini-Hochberg adjusted p-values: controls the expected share of false alarms among the metrics
// flagged in one run, instead of letting each of dozens of metrics raise its own 1% false alarm.

/**
 * Adjusted p-values in input order: q_(i) = min over j ≥ i of min(1, p_(j) · k / j) for the sorted p's.
 * Flagging every metric with q < α keeps the false discovery rate at or under α (independent or positively
 * dependent tests). NaN entries are left out of the family and stay NaN.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const out = pValues.map(() => Number.NaN);
  const idx: number[] = [];
  pValues.forEach((p, i) => {
    if (!Number.isNaN(p)) idx.push(i);
  });
  const k = idx.length;
  idx.sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  let running = 1;
  // Walk from the largest p down, keeping the running minimum so the adjusted values stay monotone.
  for (let r = k; r >= 1; r--) {
    const i = idx[r - 1] as number;
    running = Math.min(running, ((pValues[i] as number) * k) / r);
    out[i] = Math.min(1, Math.max(0, running));
  }
  return out;
}
