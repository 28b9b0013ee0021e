// Fractions written as percentages: every report, warning, annotation and progress line formats them here,
// so one change reads the same in the comment, the terminal and the log.

/** A relative change: "+7.1%", "-12.0%", "+250%", "0.0%". */
export function formatPercent(fraction: number): string {
  if (Number.isNaN(fraction)) return 'n/a';
  if (!Number.isFinite(fraction)) return fraction > 0 ? '+∞%' : '-∞%';
  const pct = fraction * 100;
  const abs = Math.abs(pct);
  const text = abs >= 100 ? String(Math.round(abs)) : abs.toFixed(1);
  if (Number(text) === 0) return '0.0%';
  return `${pct < 0 ? '-' : '+'}${text}%`;
}

/** An unsigned percentage: "2.1%", "250%". */
export function percentMagnitude(fraction: number): string {
  if (!Number.isFinite(fraction)) return '∞%';
  const abs = Math.abs(fraction * 100);
  return `${abs >= 100 ? Math.round(abs) : abs.toFixed(1)}%`;
}

/** A whole percentage for shares and settings where a tenth would be noise: "42%", "5%". */
export function wholePercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}
