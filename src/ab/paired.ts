// The paired analysis of same-runner A/B mode: base and head ran interleaved, so round i gives one pair per
// metric and the noise both sides share (a slow hour, a busy neighbour) cancels in the log ratio head/base.
//
// Per metric: d_i = log(head_i / base_i); the Hodges-Lehmann estimate of the median d with its signed-rank
// interval, and the Wilcoxon signed-rank p-value; Benjamini-Hochberg across the metrics of the run. The
// verdict uses the same rule as stored-baseline mode (compare/decide.ts).
//
// Sequential looks: the rounds are analysed after n0, 2·n0, 3·n0, ... pairs. Each look spends an equal share
// of α (Bonferroni over the planned looks), so stopping at the first clear look keeps the overall false-alarm
// rate at or below α while a clear result stops early and an unclear one gets more rounds.

import { decideRow, familyLevels, type RowDecision } from '../compare/decide.ts';
import type { Shift } from '../compare/tests.ts';
import type { Better } from '../model/results.ts';
import { hodgesLehmannOneSample, wilcoxonSignedRank } from '../stats/wilcoxon.ts';

export interface PairedSeries {
  id: string;
  unit: string;
  better: Better;
  /** One value per round on each side, same order; a round a side failed to measure is NaN. */
  base: number[];
  head: number[];
}

export interface PairedAnalysis {
  id: string;
  better: Better;
  /** Pairs used (rounds where both sides measured a positive value). */
  n: number;
  /** head/base as a ratio: the estimate and its interval at the look's confidence (absent when unbounded). */
  ratio: number;
  ci?: [number, number];
  /** One-sided p of the worse direction. */
  p: number;
  /** One-sided level of the interval's worse end, and the look's family. */
  alpha: number;
  family: { size: number; rejected: number };
  decision: RowDecision;
}

export interface LookPlan {
  /** Pairs at the first look; later looks at multiples of it. */
  first: number;
  /** No more pairs than this. */
  max: number;
}

/**
 * The planned looks and the confidence each is tested at: n0, 2·n0, ... up to max (always ending at max),
 * each spending an equal share of α = 1 − confidence. A look with too few pairs to ever reach its share would
 * only waste α, so it is dropped and the rest share it: the signed-rank test's smallest p is 2^(1−n), and
 * Benjamini-Hochberg across m metrics multiplies a lone change's p by m.
 */
export function plannedLooks(plan: LookPlan, confidence: number, metrics = 1): { looks: number[]; confidence: number } {
  if (!(plan.first >= 2) || !(plan.max >= plan.first)) {
    throw new RangeError(`looks need 2 <= first (${plan.first}) <= max (${plan.max})`);
  }
  let looks: number[] = [];
  for (let n = plan.first; n < plan.max; n += plan.first) looks.push(n);
  looks.push(plan.max);
  for (;;) {
    const perLook = lookConfidence(confidence, looks.length);
    const useful = looks.filter((n) => 2 ** (1 - n) * Math.max(1, metrics) < 1 - perLook);
    if (useful.length === looks.length || useful.length === 0) {
      // Even the last look cannot reach significance: keep it so the run still reports an estimate.
      return useful.length === 0
        ? { looks: [plan.max], confidence: lookConfidence(confidence, 1) }
        : { looks, confidence: perLook };
    }
    looks = useful;
  }
}

/** The confidence each look is tested at, so that all looks together spend at most 1 − confidence. */
export function lookConfidence(confidence: number, looks: number): number {
  return 1 - (1 - confidence) / looks;
}

function logPairs(s: PairedSeries): number[] {
  const d: number[] = [];
  const n = Math.min(s.base.length, s.head.length);
  for (let i = 0; i < n; i++) {
    const b = s.base[i] as number;
    const h = s.head[i] as number;
    if (b > 0 && h > 0 && Number.isFinite(b) && Number.isFinite(h)) d.push(Math.log(h / b));
  }
  return d;
}

/**
 * Analyse every metric's pairs at one look, with the stored-baseline mode's rule (compare/decide.ts): the
 * Hodges-Lehmann estimate of the paired log ratios and its signed-rank interval on the oriented scale, one
 * Benjamini-Hochberg family for the look. `confidence` is the look's (see lookConfidence).
 */
export function analyzePairs(
  series: readonly PairedSeries[],
  opts: { confidence: number; minEffect: number },
): PairedAnalysis[] {
  const prepared = series.map((s) => {
    const sign = s.better === 'lower' ? 1 : -1;
    const d = logPairs(s).map((x) => sign * x);
    const test = d.length > 0 ? wilcoxonSignedRank(d) : undefined;
    const est = d.length > 0 ? hodgesLehmannOneSample(d, 0.5).estimate : 0;
    // The signed-rank null is symmetric: the one-sided p of the observed side is half the two-sided one.
    const half = (test?.p ?? 1) / 2;
    const pWorse = test && test.tPlus * 2 > (test.n * (test.n + 1)) / 2 ? half : 1 - half;
    const pBetter = test && test.tPlus * 2 < (test.n * (test.n + 1)) / 2 ? half : 1 - half;
    const at = (a: number, side: 0 | 1) =>
      d.length > 0 && a > 0 && a < 0.5
        ? side === 0
          ? hodgesLehmannOneSample(d, 1 - 2 * a).lower
          : hodgesLehmannOneSample(d, 1 - 2 * a).upper
        : side === 0
          ? Number.NEGATIVE_INFINITY
          : Number.POSITIVE_INFINITY;
    const shift: Shift = {
      test: 'paired',
      base: 0,
      head: est,
      d: est,
      perRun: [est],
      pWorse: d.length > 0 ? pWorse : 1,
      pBetter: d.length > 0 ? pBetter : 1,
      bounds: (aLow, aHigh) => [at(aLow, 0), at(aHigh, 1)],
      nBase: d.length,
      nHead: d.length,
    };
    return { s, sign, d, shift };
  });
  const family = familyLevels(
    prepared.map((x) => x.shift),
    1 - opts.confidence,
    1,
  );
  const e = Math.log1p(opts.minEffect);
  const rule = { e, e2: Math.log1p(2 * opts.minEffect), threshold: Number.POSITIVE_INFINITY };
  return prepared.map(({ s, sign, d, shift }) => {
    const decision = decideRow(shift, rule, family);
    const [lo, hi] = decision.interval ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    const ci: [number, number] = sign > 0 ? [Math.exp(lo), Math.exp(hi)] : [Math.exp(-hi), Math.exp(-lo)];
    return {
      id: s.id,
      better: s.better,
      n: d.length,
      ratio: Math.exp(sign * shift.d),
      ...(ci.every(Number.isFinite) ? { ci } : {}),
      p: shift.pWorse as number,
      alpha: family.worse,
      family: { size: family.size, rejected: family.rejected },
      decision,
    };
  });
}

/** True when another round could still change a verdict: some metric is inconclusive. */
export function needsMoreRounds(analyses: readonly PairedAnalysis[]): boolean {
  return analyses.some((a) => a.decision.verdict === 'inconclusive');
}

/** Which side runs first in round i: ABBA (base, head, head, base, ...) or a seeded coin. */
export function roundOrder(
  i: number,
  order: 'abba' | 'random',
  rng: () => number,
): ['base', 'head'] | ['head', 'base'] {
  const baseFirst = order === 'abba' ? i % 2 === 0 : rng() < 0.5;
  return baseFirst ? ['base', 'head'] : ['head', 'base'];
}
