// Digamma, trigamma and its inverse, and variance moderation (empirical Bayes): known values, identities,
// and simulations with fixed seeds that the moderated variances recover the prior and beat the raw ones.

import { describe, expect, it } from 'vitest';
import { fitVariancePrior, MIN_ITEMS_TO_MODERATE, moderateVariance } from '../src/stats/moderate.ts';
import { digamma, inverseTrigamma, trigamma } from '../src/stats/polygamma.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { studentQuantile } from '../src/stats/student.ts';

const EULER = 0.5772156649015329;

describe('digamma and trigamma', () => {
  it('match known values', () => {
    expect(digamma(1)).toBeCloseTo(-EULER, 12);
    expect(digamma(0.5)).toBeCloseTo(-EULER - 2 * Math.LN2, 12);
    expect(digamma(10)).toBeCloseTo(2.251752589066721, 12);
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 12);
    expect(trigamma(0.5)).toBeCloseTo(Math.PI ** 2 / 2, 12);
    expect(trigamma(100)).toBeCloseTo(0.010050166663333571, 14);
  });

  it('follow the recurrences and trigamma is the derivative of digamma, over seven decades', () => {
    const rng = makeRng(11);
    for (let i = 0; i < 300; i++) {
      const x = 10 ** (-3 + 7 * rng());
      expect(digamma(x + 1) - digamma(x)).toBeCloseTo(1 / x, Math.max(0, 9 - Math.log10(1 / x + 1)));
      expect((trigamma(x) - trigamma(x + 1)) * x * x).toBeCloseTo(1, 9);
      const h = x * 1e-5;
      const slope = (digamma(x + h) - digamma(x - h)) / (2 * h);
      expect(slope / trigamma(x)).toBeCloseTo(1, 6);
    }
  });

  it('inverseTrigamma undoes trigamma from tiny to huge arguments', () => {
    for (const x of [1e-4, 0.01, 0.3, 1, 2.5, 17, 400, 1e5]) {
      expect(inverseTrigamma(trigamma(x)) / x).toBeCloseTo(1, 9);
    }
  });

  it('reject arguments outside their domain', () => {
    expect(() => digamma(0)).toThrow(RangeError);
    expect(() => trigamma(-1)).toThrow(RangeError);
    expect(() => inverseTrigamma(0)).toThrow(RangeError);
    expect(() => inverseTrigamma(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

/** A variance estimate with `df` degrees of freedom around `sigma2` (a chi-square draw scaled by df). */
function estimate(rng: () => number, sigma2: number, df: number): number {
  let ss = 0;
  for (let k = 0; k < df; k++) ss += normalDraw(rng) ** 2;
  return (sigma2 * ss) / df;
}

describe('fitVariancePrior', () => {
  it('recovers the prior the true variances were drawn from', () => {
    const rng = makeRng(21);
    const d0 = 8;
    const s0 = 0.04;
    const variances: number[] = [];
    const dfs: number[] = [];
    for (let i = 0; i < 4000; i++) {
      // 1/σ² ~ χ²(d0) / (d0 s0²)
      const sigma2 = 1 / estimate(rng, 1 / s0, d0);
      variances.push(estimate(rng, sigma2, 3));
      dfs.push(3);
    }
    const prior = fitVariancePrior(variances, dfs);
    expect(prior?.df).toBeGreaterThan(d0 * 0.7);
    expect(prior?.df).toBeLessThan(d0 * 1.4);
    expect(prior?.variance).toBeGreaterThan(s0 * 0.9);
    expect(prior?.variance).toBeLessThan(s0 * 1.1);
  });

  it('with one shared variance, mostly pools everything', () => {
    const rng = makeRng(22);
    let pooled = 0;
    for (let k = 0; k < 200; k++) {
      const prior = fitVariancePrior(
        Array.from({ length: 50 }, () => estimate(rng, 0.01, 2)),
        Array(50).fill(2),
      );
      expect(prior?.df).toBeLessThanOrEqual(100);
      if ((prior?.df ?? 0) > 30) pooled++;
    }
    expect(pooled / 200).toBeGreaterThan(0.5);
  });

  /** Share of fresh values x ~ N(0, σ²) beyond t(1 − tail, df̃) · s̃, over sets of 20 items with 2 df each. */
  function beyond(seed: number, spread: number, tail: number, trust: number, values: number): number {
    const rng = makeRng(seed);
    let out = 0;
    let count = 0;
    while (count < values) {
      const truths = Array.from({ length: 20 }, () => 0.0004 * Math.exp(spread * normalDraw(rng)));
      const raw = truths.map((v) => estimate(rng, v, 2));
      const prior = fitVariancePrior(raw, Array(20).fill(2), trust);
      // Every item has 2 df, so every posterior has the same df: one quantile per set.
      const q = studentQuantile(1 - tail, moderateVariance(1, 2, prior).df);
      raw.forEach((v, i) => {
        const x = Math.sqrt(truths[i] as number) * normalDraw(rng);
        if (Math.abs(x) > q * Math.sqrt(moderateVariance(v, 2, prior).variance)) out++;
        count++;
      });
    }
    return out / count;
  }

  it('moderated t statistics hold their nominal tail when the items share one variance', () => {
    // 20,000 values at 1% (two-sided): a standard error of 0.07%.
    const share = beyond(25, 0, 0.005, 1, 20_000);
    expect(share).toBeLessThan(0.0125);
    expect(share).toBeGreaterThan(0.0075);
  });

  it('with variances unlike the model, the far tail misses too often at full trust and holds at 1/4', () => {
    // Log-normal variances a factor of about 2 apart; a two-sided 0.1% tail, as for Bonferroni across metrics.
    const full = beyond(26, 0.7, 0.0005, 1, 100_000);
    expect(full).toBeGreaterThan(0.001 * 2);
    for (const spread of [0, 0.7, 1.5, 2.3]) {
      // 100,000 values at 0.1%: about 100 expected, a standard error of 10%.
      expect(beyond(27 + spread, spread, 0.0005, 0.25, 100_000)).toBeLessThan(0.001 * 1.25);
    }
  });

  it('needs a few positive finite items and one df per variance', () => {
    expect(MIN_ITEMS_TO_MODERATE).toBe(8);
    const seven = [1, 2, 3, 4, 5, 6, 7];
    expect(fitVariancePrior(seven, Array(7).fill(2))).toBeUndefined();
    expect(fitVariancePrior([...seven, 0, Number.NaN], Array(9).fill(2))).toBeUndefined();
    expect(fitVariancePrior([...seven, 8], [...Array(7).fill(2), 0])).toBeUndefined();
    expect(fitVariancePrior([...seven, 8], Array(8).fill(2))).toBeDefined();
    expect(() => fitVariancePrior(seven, Array(6).fill(2))).toThrow(RangeError);
    expect(() => fitVariancePrior([...seven, 8], Array(8).fill(2), 0)).toThrow(RangeError);
    // Trust scales the prior's degrees of freedom, not its value.
    const full = fitVariancePrior([...seven, 8], Array(8).fill(2));
    const quarter = fitVariancePrior([...seven, 8], Array(8).fill(2), 0.25);
    expect(quarter?.df).toBeCloseTo((full?.df ?? 0) / 4, 12);
    expect(quarter?.variance).toBe(full?.variance);
  });
});

describe('moderateVariance', () => {
  it('lies between the item and the prior, weighted by their degrees of freedom', () => {
    const rng = makeRng(23);
    for (let i = 0; i < 200; i++) {
      const own = 10 ** (-4 + 3 * rng());
      const prior = { df: 0.5 + 20 * rng(), variance: 10 ** (-4 + 3 * rng()) };
      const df = 1 + 10 * rng();
      const m = moderateVariance(own, df, prior);
      expect(m.variance).toBeGreaterThanOrEqual(Math.min(own, prior.variance) * (1 - 1e-12));
      expect(m.variance).toBeLessThanOrEqual(Math.max(own, prior.variance) * (1 + 1e-12));
      expect(m.df).toBeCloseTo(df + prior.df, 12);
      expect(m.variance).toBeCloseTo((df * own + prior.df * prior.variance) / (df + prior.df), 15);
    }
    expect(moderateVariance(0.3, 2, undefined)).toEqual({ variance: 0.3, df: 2 });
  });

  it('in simulation, moderated variances are closer to the truth than the raw estimates', () => {
    const rng = makeRng(24);
    const truths: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < 40; i++) {
      const sigma2 = 0.0001 * Math.exp(0.5 * normalDraw(rng));
      truths.push(sigma2);
      raw.push(estimate(rng, sigma2, 2));
    }
    const prior = fitVariancePrior(raw, Array(40).fill(2));
    const moderated = raw.map((v) => moderateVariance(v, 2, prior).variance);
    const logError = (xs: number[]) => xs.reduce((a, x, i) => a + Math.log(x / (truths[i] as number)) ** 2, 0);
    expect(logError(moderated)).toBeLessThan(logError(raw) / 2);
  });
});
