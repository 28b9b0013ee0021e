// The Mann-Whitney U test (Wilcoxon rank-sum): is one sample shifted against the other? Distribution-free,
// and a single wild replicate moves it by one rank at most.

import { normalSf } from './normal.ts';
import { cdfAt, mannWhitneyNullDistribution, sfAt, subsetSumDistribution, twoSidedP } from './rank-distributions.ts';
import { rank } from './ranks.ts';

export type TestMethod = 'exact' | 'normal';

export interface MannWhitneyOptions {
  /** 'auto' (default): exact when the samples are small enough, else the normal approximation. */
  method?: 'auto' | TestMethod;
}

export interface MannWhitneyResult {
  /** Pairs (x_i, y_j) with y_j > x_i, ties counting one half. Ranges over 0 .. m·n. */
  u: number;
  /** Two-sided p-value for "no shift between x and y". */
  p: number;
  method: TestMethod;
  /** Standardised statistic (normal method only). */
  z?: number;
}

/** Exact without ties up to this many values per sample (the counting table is cached per size pair). */
export const EXACT_MAX_PER_SAMPLE = 50;
/** Exact with ties (a permutation distribution over doubled midranks, computed per call) up to m + n. */
export const EXACT_TIES_MAX_TOTAL = 40;

/** Hard limits for a forced exact computation, to keep memory and time bounded. */
function exactFeasible(m: number, n: number, ties: boolean): boolean {
  return ties ? m + n <= 100 : m * n <= 10_000;
}

export function mannWhitney(
  x: readonly number[],
  y: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('mannWhitney: both samples need at least one value');
  const r = rank([...x, ...y]);
  let sumY2 = 0; // twice the rank sum of y
  for (let j = 0; j < n; j++) sumY2 += r.doubled[m + j] as number;
  const minSumY2 = n * (n + 1);
  const u = (sumY2 - minSumY2) / 2;

  const method = options.method ?? 'auto';
  const exactFits = r.hasTies ? m + n <= EXACT_TIES_MAX_TOTAL : m <= EXACT_MAX_PER_SAMPLE && n <= EXACT_MAX_PER_SAMPLE;
  if (method === 'exact' || (method === 'auto' && exactFits)) {
    if (!exactFeasible(m, n, r.hasTies)) {
      throw new RangeError(
        `mannWhitney: exact distribution for ${m} + ${n} values is too large; use the normal method`,
      );
    }
    if (!r.hasTies) return { u, p: twoSidedP(mannWhitneyNullDistribution(m, n), u), method: 'exact' };
    // With ties, condition on the observed tie pattern: every choice of n positions for y is equally likely.
    const dist = subsetSumDistribution(r.doubled, n);
    return { u, p: twoSidedP(dist, sumY2), method: 'exact' };
  }

  const total = m + n;
  const mean = (m * n) / 2;
  const variance = ((m * n) / 12) * (total + 1 - r.tieTerm / (total * (total - 1)));
  if (!(variance > 0)) return { u, p: 1, method: 'normal', z: 0 };
  // Continuity correction: U moves in steps of (at least) one half, the normal curve is continuous.
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * normalSf(z)), method: 'normal', z: Math.sign(u - mean) * z };
}

export interface OneSidedMannWhitney {
  /** P(a shift towards larger y at least this large | no shift) and its mirror. */
  pGreater: number;
  pLess: number;
  method: TestMethod;
}

/**
 * Both one-sided p-values of the Mann-Whitney test for y against x: exact (ties conditioned on their pattern)
 * while the samples are small, else normal with continuity correction.
 */
export function mannWhitneyOneSided(x: readonly number[], y: readonly number[]): OneSidedMannWhitney {
  const m = x.length;
  const n = y.length;
  if (m === 0 || n === 0) throw new RangeError('mannWhitneyOneSided: both samples need at least one value');
  const r = rank([...x, ...y]);
  let sumY2 = 0;
  for (let j = 0; j < n; j++) sumY2 += r.doubled[m + j] as number;
  const u = (sumY2 - n * (n + 1)) / 2;
  const exactFits = r.hasTies ? m + n <= EXACT_TIES_MAX_TOTAL : m <= EXACT_MAX_PER_SAMPLE && n <= EXACT_MAX_PER_SAMPLE;
  if (exactFits) {
    if (!r.hasTies) {
      const dist = mannWhitneyNullDistribution(m, n);
      return { pGreater: sfAt(dist, u), pLess: cdfAt(dist, u), method: 'exact' };
    }
    const dist = subsetSumDistribution(r.doubled, n);
    return { pGreater: sfAt(dist, sumY2), pLess: cdfAt(dist, sumY2), method: 'exact' };
  }
  const total = m + n;
  const mean = (m * n) / 2;
  const variance = ((m * n) / 12) * (total + 1 - r.tieTerm / (total * (total - 1)));
  if (!(variance > 0)) return { pGreater: 1, pLess: 1, method: 'normal' };
  const sd = Math.sqrt(variance);
  return {
    pGreater: Math.min(1, normalSf((u - mean - 0.5) / sd)),
    pLess: Math.min(1, normalSf((mean - u - 0.5) / sd)),
    method: 'normal',
  };
}
