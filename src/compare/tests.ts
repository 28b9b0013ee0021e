// The tests behind a row, each on oriented values (level.ts: larger is worse), each giving the change d
// (head − base, pooled over the head's runs), each head run's own change, and where it has one, both
// one-sided p-values and the interval at any one-sided level. docs/verdict.md states each as math.

import type { TestName } from '../model/verdict.ts';
import { centredSums } from '../stats/fit.ts';
import { boundsAtRank, shiftIntervalRank } from '../stats/hodges-lehmann.ts';
import { mannWhitneyOneSided } from '../stats/mann-whitney.ts';
import { median } from '../stats/quantile.ts';
import { studentQuantile, studentSf } from '../stats/student.ts';

export interface Shift {
  test: TestName;
  /** Oriented levels: base (the history's prediction in the history test) and head (pooled over its runs). */
  base: number;
  head: number;
  /** head − base. */
  d: number;
  /** Each head run's level − base: a regression must show in every run. */
  perRun: number[];
  pWorse?: number;
  pBetter?: number;
  /** The interval of d: its lower end at one-sided level `aLow`, its upper end at `aHigh`. */
  bounds?: (aLow: number, aHigh: number) => [number, number];
  nBase: number;
  nHead: number;
  historyRuns?: number;
  sd?: number;
  df?: number;
  covariate?: number;
  /** The history's slowest run was left out as a slow spell. */
  slowSpell?: boolean;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Rank test: the head's replicates (all its runs pooled) against the baseline's, one-sided Mann-Whitney both
 * ways; the interval is the Hodges-Lehmann (Moses) one, from the same test inverted. d is the difference of
 * the two levels, so Base, Head and Change are one statistic.
 */
export function rankShift(
  base: readonly number[],
  heads: readonly (readonly number[])[],
  levels: {
    base: number;
    heads: readonly number[];
  },
): Shift {
  const head = heads.flat();
  const mw = mannWhitneyOneSided(base, head);
  const diffs = new Float64Array(base.length * head.length);
  let t = 0;
  for (const y of head) for (const x of base) diffs[t++] = y - x;
  diffs.sort();
  const at = (a: number, side: 0 | 1): number => {
    if (!(a > 0) || a >= 0.5) return side === 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    const { k } = shiftIntervalRank(base.length, head.length, 1 - 2 * a);
    return boundsAtRank(diffs, k)[side];
  };
  const headLevel = mean(levels.heads);
  return {
    test: 'rank',
    base: levels.base,
    head: headLevel,
    d: headLevel - levels.base,
    perRun: levels.heads.map((h) => h - levels.base),
    pWorse: mw.pGreater,
    pBetter: mw.pLess,
    bounds: (aLow, aHigh) => [at(aLow, 0), at(aHigh, 1)],
    nBase: base.length,
    nHead: head.length,
  };
}

/** What the history says of one metric before the head is seen. */
export interface HistoryFit {
  /** Prediction of a run's level (at the head's reference level when the covariate is used). */
  predict: (reference?: number) => number;
  /** Residual variance of one run's level around the prediction, and its degrees of freedom. */
  variance: number;
  df: number;
  /** se² of the prediction = variance · factor(k head runs, head's reference level). */
  factor: (k: number, reference?: number) => number;
  runs: number;
  slope?: number;
  /** A slow-spell run left out of the history (slowSpell). */
  slowSpell?: boolean;
}

/** Runs a history needs before its slowest may be left out as a slow spell (slowSpell). */
export const MIN_RUNS_FOR_SLOW_SPELL = 5;

/**
 * The index of the slowest run when it is a slow outlier against the others: its externally studentized
 * residual beyond Student's one-sided quantile at 0.01/H (H − 2 degrees of freedom; Bonferroni over the runs
 * it could have been). Only the slow side: no contention makes a run faster.
 */
export function slowSpell(levels: readonly number[]): number | undefined {
  const h = levels.length;
  if (h < MIN_RUNS_FOR_SLOW_SPELL) return undefined;
  let j = 0;
  for (let i = 1; i < h; i++) if ((levels[i] as number) > (levels[j] as number)) j = i;
  const rest = levels.filter((_, i) => i !== j);
  const m = mean(rest);
  const sd = Math.sqrt(rest.reduce((a, v) => a + (v - m) ** 2, 0) / (h - 2));
  const x = levels[j] as number;
  if (!(sd > 0)) return x > m ? j : undefined;
  const t = (x - m) / (sd * Math.sqrt(1 + 1 / (h - 1)));
  return studentSf(t, h - 2) < 0.01 / h ? j : undefined;
}

/** Earlier runs needed for a history test (two degrees of freedom for the variance). */
export const MIN_HISTORY_RUNS = 3;
/** Runs needed before the reference workload is used as a covariate (three degrees of freedom left). */
export const MIN_COVARIATE_RUNS = 6;

/**
 * The history's runs as a prediction: their mean, or, with the suite's reference workload timed in every run,
 * a least-squares line on it, kept only when it explains more than it costs (its residual variance per
 * degree of freedom is below the plain one: adjusted R² > 0). Decided from the history alone.
 */
export function fitHistory(all: readonly number[], allReferences?: readonly number[]): HistoryFit | undefined {
  // One slow spell in the history (the whole machine slowed for a run) would inflate the spread of every
  // later comparison; contention only slows, so the slowest run is left out when it is an outlier.
  const slow = slowSpell(all);
  const levels = slow === undefined ? all : all.filter((_, i) => i !== slow);
  const references = slow === undefined ? allReferences : allReferences?.filter((_, i) => i !== slow);
  const h = levels.length;
  if (h < MIN_HISTORY_RUNS) return undefined;
  const m = mean(levels);
  const plainVar = levels.reduce((a, v) => a + (v - m) ** 2, 0) / (h - 1);
  const plain: HistoryFit = {
    predict: () => m,
    variance: plainVar,
    df: h - 1,
    factor: (k) => 1 / k + 1 / h,
    runs: h,
    ...(slow !== undefined ? { slowSpell: true } : {}),
  };
  if (!references || references.length !== h || h < MIN_COVARIATE_RUNS) return plain;
  // Levels are centred on the same plain mean as m above, to the bit: the line passes through the plain prediction.
  const { mx: rm, sxx, sxy } = centredSums(references, levels);
  if (!(sxx > 0)) return plain;
  const slope = sxy / sxx;
  let rss = 0;
  for (let i = 0; i < h; i++) rss += ((levels[i] as number) - m - slope * ((references[i] as number) - rm)) ** 2;
  const covVar = rss / (h - 2);
  if (!(covVar < plainVar)) return plain;
  return {
    predict: (r) => m + slope * ((r ?? rm) - rm),
    variance: covVar,
    df: h - 2,
    factor: (k, r) => 1 / k + 1 / h + ((r ?? rm) - rm) ** 2 / sxx,
    runs: h,
    slope,
    ...(slow !== undefined ? { slowSpell: true } : {}),
  };
}

/**
 * The head's level over k runs: their mean, or from three runs on their median, so one run in a slow spell
 * cannot carry the others; and the variance of that level in units of one run's (the median of k normal
 * values: 0.449 at k = 3, π/2k beyond).
 */
export function pooledLevel(levels: readonly number[]): { level: number; variance: number } {
  const k = levels.length;
  if (k < 3) return { level: mean(levels), variance: 1 / k };
  return { level: median(levels), variance: k === 3 ? 0.449 : Math.PI / (2 * k) };
}

/**
 * History test: the head's pooled level (pooledLevel) against the prediction, Student's t on the (moderated)
 * residual variance: se² = s²·(v_k + 1/H [+ covariate term]), v_k the pooled level's variance factor.
 */
export function historyShift(
  fit: HistoryFit,
  moderated: { variance: number; df: number },
  heads: readonly number[],
  reference?: number,
): Shift {
  const k = heads.length;
  const base = fit.predict(reference);
  const pooled = pooledLevel(heads);
  const head = pooled.level;
  const d = head - base;
  const se = Math.sqrt(moderated.variance * (fit.factor(k, reference) - 1 / k + pooled.variance));
  const df = moderated.df;
  const q = (a: number) => (a > 0 && a < 0.5 ? studentQuantile(1 - a, df) : Number.POSITIVE_INFINITY);
  const degenerate = !(se > 0);
  return {
    test: 'history',
    base,
    head,
    d,
    perRun: heads.map((x) => x - base),
    pWorse: degenerate ? (d > 0 ? 0 : 1) : studentSf(d / se, df),
    pBetter: degenerate ? (d < 0 ? 0 : 1) : studentSf(-d / se, df),
    bounds: (aLow, aHigh) => (degenerate ? [d, d] : [d - q(aLow) * se, d + q(aHigh) * se]),
    nBase: fit.runs,
    nHead: k,
    historyRuns: fit.runs,
    sd: Math.sqrt(moderated.variance),
    df,
    ...(fit.slope !== undefined ? { covariate: fit.slope } : {}),
    ...(fit.slowSpell ? { slowSpell: true } : {}),
  };
}

/** One level per run on each side and no history: the levels' difference, judged by a plain threshold. */
export function thresholdShift(base: number, heads: readonly number[]): Shift {
  const head = mean(heads);
  return {
    test: 'threshold',
    base,
    head,
    d: head - base,
    perRun: heads.map((x) => x - base),
    nBase: 1,
    nHead: heads.length,
  };
}

/** Every value on each side equal: the difference is exact. */
export function exactShift(base: number, head: number, nBase: number, nHead: number, runs: number): Shift {
  return {
    test: 'exact',
    base,
    head,
    d: head - base,
    perRun: Array.from({ length: runs }, () => head - base),
    nBase,
    nHead,
  };
}
