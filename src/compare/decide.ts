// From a row's test to its verdict, with one multiple-comparison scheme for the whole run.
//
// Family: every row with a p-value (history and rank tests). Benjamini-Hochberg at α/K on each side (α =
// 1 − confidence, K = the most head runs the gate may take: Bonferroni over its looks), giving R rejections
// on the worse side out of m. Each row's interval then has its lower end at the one-sided level α·max(R,1)/(mK)
// and its upper end likewise for the better side (false-coverage-rate intervals, Benjamini & Yekutieli 2005):
// a row's interval clears zero exactly when the procedure rejects it, so the interval shown is the test.
//
// With e = min-effect and e₂ = twice it, on the oriented scale (positive is worse):
//   regressed     lower end > 0, d > e, and every head run's own change > e
//   improved      upper end < 0, d < −e, and every head run's own change < −e
//   unchanged     otherwise, when |d| ≤ e and the row's own interval at α/K lies within (−e₂, e₂): an
//                 equivalence claim per metric (two one-sided tests), since a false "unchanged" fails nothing
//   inconclusive  otherwise
// Threshold rows: regressed when every run is beyond the threshold, improved likewise, else unchanged.
// Exact rows: beyond min-effect or not, exactly.

import type { ComparisonVerdict } from '../model/verdict.ts';
import { benjaminiHochberg } from '../stats/fdr.ts';
import type { Shift } from './tests.ts';

export interface Rule {
  /** min-effect, twice it, and the threshold, as oriented differences for this row. */
  e: number;
  e2: number;
  threshold: number;
}

export interface RowDecision {
  verdict: Exclude<ComparisonVerdict, 'new' | 'missing'>;
  interval?: [number, number];
  /** One-sided level of the interval's lower (worse-side) end. */
  alpha?: number;
  /** The smallest change the test would have called regressed (oriented), when the interval is finite. */
  detectable?: number;
  /** Significant beyond min-effect as a whole, but not in every head run. */
  unconfirmed?: boolean;
  /** The row's own interval at α/K behind an `unchanged` (oriented). */
  equivalence?: [number, number];
}

export interface FamilyLevels {
  /** One-sided levels of the worse and better ends, for every row of the family. */
  worse: number;
  better: number;
  /** α/K: one row's own level, for the equivalence behind `unchanged`. */
  row: number;
  size: number;
  rejected: number;
}

/** Benjamini-Hochberg on each side at α/looks, and the false-coverage levels that go with it. */
export function familyLevels(shifts: readonly Shift[], alpha: number, looks: number): FamilyLevels {
  const tested = shifts.filter((s) => s.pWorse !== undefined);
  const m = tested.length;
  const a = alpha / Math.max(1, looks);
  const rejections = (ps: number[]) => benjaminiHochberg(ps).filter((q) => q <= a).length;
  const rw = m > 0 ? rejections(tested.map((s) => s.pWorse as number)) : 0;
  const rb = m > 0 ? rejections(tested.map((s) => s.pBetter as number)) : 0;
  const level = (r: number) => (a * Math.max(r, 1)) / Math.max(m, 1);
  return { worse: level(rw), better: level(rb), row: a, size: m, rejected: rw };
}

export function decideRow(shift: Shift, rule: Rule, family: FamilyLevels): RowDecision {
  const { d, perRun } = shift;
  const { e, e2 } = rule;
  if (shift.test === 'exact') {
    return { verdict: d > e ? 'regressed' : d < -e ? 'improved' : 'unchanged', interval: [d, d] };
  }
  if (shift.test === 'threshold') {
    const t = rule.threshold;
    if (perRun.every((x) => x > t)) return { verdict: 'regressed' };
    if (perRun.every((x) => x < -t)) return { verdict: 'improved' };
    return { verdict: 'unchanged' };
  }
  const [lo, hi] = shift.bounds ? shift.bounds(family.worse, family.better) : [-Infinity, Infinity];
  const out = { interval: [lo, hi] as [number, number], alpha: family.worse };
  const detectable = Number.isFinite(lo) ? Math.max(e, d - lo) : undefined;
  const withDetectable = detectable !== undefined ? { ...out, detectable } : out;
  if (lo > 0 && d > e) {
    if (perRun.every((x) => x > e)) return { verdict: 'regressed', ...withDetectable };
    return { verdict: 'inconclusive', unconfirmed: true, ...withDetectable };
  }
  if (hi < 0 && d < -e) {
    if (perRun.every((x) => x < -e)) return { verdict: 'improved', ...withDetectable };
    return { verdict: 'inconclusive', ...withDetectable };
  }
  if (Math.abs(d) <= e && shift.bounds) {
    const eq = shift.bounds(family.row, family.row);
    if (eq[0] > -e2 && eq[1] < e2) return { verdict: 'unchanged', ...withDetectable, equivalence: eq };
  }
  return { verdict: 'inconclusive', ...withDetectable };
}
