// The gate's decision for one metric, from the evidence the statistics produced.
//
// Everything is on the log scale of head/base, oriented so that positive means worse (slower, or less
// throughput): b̂ is the Hodges-Lehmann shift, [bL, bU] its rank-based interval at the configured confidence,
// p the Mann-Whitney p-value and q the same after Benjamini-Hochberg adjustment across all metrics compared
// in the run.
// With α = 1 − confidence, e = log(1 + minEffect) and e₂ = log(1 + 2·minEffect):
//
//   regressed     q < α  and  bL > 0  and  b̂ > e      significant, every plausible shift is worse, and the
//                                                     estimated change exceeds min-effect
//   improved      q < α  and  bU < 0  and  b̂ < −e     the mirror image
//   unchanged     −e ≤ bL and bU ≤ e                   every plausible change is within min-effect
//              or |b̂| ≤ e and p ≥ α and −e₂ < bL and bU < e₂
//                                                     small, not significant, and changes of twice
//                                                     min-effect are ruled out
//   inconclusive  everything else, and always when a side has fewer than 2 replicates
//
// For a metric compared by its best replicate (level.ts), p is Student's t against the history's drift and
// the interval is at the level the false-discovery control leaves (compare.ts bestIntervals); the rule is
// the same.
//
// The thresholds are symmetric in log space, so a 5% min-effect means ×1.05 worse or ×1/1.05 better, and
// inverting every value (time ↔ rate) mirrors the verdict exactly. All three conditions of a regression are
// needed: significance alone flags tiny real changes on quiet metrics, size alone flags noise. Claiming
// "unchanged" uses the unadjusted p: the correction guards against false alarms of change, and must not make
// a visible small change easier to wave through.

import type { Better } from '../model/results.ts';

export type ShiftVerdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive';

export interface ShiftEvidence {
  /** log(head / base) estimate and interval; ±Infinity allowed (unbounded interval, zero baseline). */
  estimate: number;
  lower: number;
  upper: number;
  /** Raw and adjusted p-values; absent when the metric was not tested. */
  p?: number;
  q?: number;
  better: Better;
  nBase: number;
  nHead: number;
}

export interface DecisionRule {
  minEffect: number;
  confidence: number;
}

export interface Decision {
  verdict: ShiftVerdict;
  /** Why, in a few trusted words, for reports. */
  reason: string;
}

/** Log-scale thresholds of the rule: e and e₂ above. */
export function thresholds(minEffect: number): { effect: number; wide: number } {
  return { effect: Math.log1p(minEffect), wide: Math.log1p(2 * minEffect) };
}

/** Orient a log-ratio interval so that positive is worse. */
export function towardsWorse(
  better: Better,
  estimate: number,
  lower: number,
  upper: number,
): { est: number; lo: number; hi: number } {
  return better === 'lower' ? { est: estimate, lo: lower, hi: upper } : { est: -estimate, lo: -upper, hi: -lower };
}

export function decide(evidence: ShiftEvidence, rule: DecisionRule): Decision {
  if (evidence.nBase < 2 || evidence.nHead < 2) {
    return { verdict: 'inconclusive', reason: 'fewer than 2 replicates on a side' };
  }
  const alpha = 1 - rule.confidence;
  const { effect: e, wide: e2 } = thresholds(rule.minEffect);
  const { est, lo, hi } = towardsWorse(evidence.better, evidence.estimate, evidence.lower, evidence.upper);
  const significant = evidence.q !== undefined && evidence.q < alpha;

  if (significant && lo > 0 && est > e) {
    return { verdict: 'regressed', reason: 'significant, whole interval worse, beyond min-effect' };
  }
  if (significant && hi < 0 && est < -e) {
    return { verdict: 'improved', reason: 'significant, whole interval better, beyond min-effect' };
  }
  if (lo >= -e && hi <= e) return { verdict: 'unchanged', reason: 'interval within min-effect' };
  const rawSignificant = evidence.p !== undefined && evidence.p < alpha;
  if (Math.abs(est) <= e && !rawSignificant && lo > -e2 && hi < e2) {
    return { verdict: 'unchanged', reason: 'small, not significant, and changes of twice min-effect ruled out' };
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    return { verdict: 'inconclusive', reason: 'too few replicates for a finite interval at this confidence' };
  }
  if (Math.abs(est) > e) {
    if ((est > 0 && lo > 0) || (est < 0 && hi < 0)) {
      return { verdict: 'inconclusive', reason: 'not significant after correcting for the number of metrics' };
    }
    return { verdict: 'inconclusive', reason: 'change beyond min-effect, but the interval includes no change' };
  }
  if (rawSignificant) {
    return { verdict: 'inconclusive', reason: 'a small change is likely, but the interval reaches beyond min-effect' };
  }
  return { verdict: 'inconclusive', reason: 'interval too wide to rule out a change beyond min-effect' };
}
