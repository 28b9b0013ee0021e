// The shared median, quantile and least-squares code, checked as properties on seeded random data and against
// simple-statistics' independent implementations of the same definitions.

import { linearRegression, median as ssMedian, quantileSorted as ssQuantileSorted } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { centredSums, linearFit, slopeOrZero } from '../src/stats/fit.ts';
import { median, quantile, quantileSorted, sortedCopy } from '../src/stats/quantile.ts';
import { makeRng } from '../src/stats/rng.ts';

/** Values with ties, negatives and a wide range: the shapes sample sets take. */
function sample(rng: () => number, n: number): number[] {
  return Array.from({ length: n }, () => (rng() < 0.2 ? Math.round(rng() * 5) : (rng() - 0.3) * 10 ** (rng() * 6)));
}

function shuffled<T>(rng: () => number, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('median', () => {
  it('is the middle order statistic, or the midpoint of the two, whatever the order of the values', () => {
    const rng = makeRng(41);
    for (let trial = 0; trial < 300; trial++) {
      const xs = sample(rng, 1 + Math.floor(rng() * 40));
      const s = [...xs].sort((a, b) => a - b);
      const n = s.length;
      const m = median(xs);
      if (n % 2 === 1) expect(m).toBe(s[(n - 1) / 2]);
      else expect(m).toBe(((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2);
      expect(median(shuffled(rng, xs))).toBe(m);
      // As many values at or below it as at or above it.
      expect(xs.filter((x) => x <= m).length).toBeGreaterThanOrEqual(n / 2);
      expect(xs.filter((x) => x >= m).length).toBeGreaterThanOrEqual(n / 2);
      // The same number as the type-7 quantile and simple-statistics' median, but for rounding.
      const scale = Math.max(1, Math.abs(m));
      expect(Math.abs(m - quantile(xs, 0.5)) / scale).toBeLessThan(1e-12);
      expect(Math.abs(m - ssMedian(xs)) / scale).toBeLessThan(1e-12);
    }
  });

  it('is NaN for no values and leaves its input unsorted', () => {
    expect(median([])).toBeNaN();
    const xs = [3, 1, 2];
    expect(median(xs)).toBe(2);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('quantileSorted', () => {
  it('matches simple-statistics (type 7) exactly, and is monotone in q', () => {
    const rng = makeRng(43);
    for (let trial = 0; trial < 300; trial++) {
      const s = sortedCopy(sample(rng, 1 + Math.floor(rng() * 60)));
      let last = Number.NEGATIVE_INFINITY;
      for (const q of [0, 0.001, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1, rng()].sort((a, b) => a - b)) {
        const v = quantileSorted(s, q);
        expect(v).toBe(ssQuantileSorted(s, q));
        expect(v).toBeGreaterThanOrEqual(last);
        last = v;
      }
    }
  });

  it('clamps q outside [0, 1] to the extremes and is NaN for no values', () => {
    expect(quantileSorted([1, 2, 3], -0.5)).toBe(1);
    expect(quantileSorted([1, 2, 3], 1.5)).toBe(3);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });
});

describe('least squares', () => {
  it('recovers a line through noiseless points, and agrees with simple-statistics on noisy ones', () => {
    const rng = makeRng(47);
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + Math.floor(rng() * 30);
      const a = (rng() - 0.5) * 100;
      const b = (rng() - 0.5) * 10;
      const xs = Array.from({ length: n }, (_, i) => i + rng());
      const exact = linearFit(
        xs,
        xs.map((x) => a + b * x),
      );
      expect(exact.slope).toBeCloseTo(b, 8);
      expect(exact.intercept).toBeCloseTo(a, 6);
      if (b !== 0) expect(exact.r2).toBeCloseTo(1, 9);

      const ys = xs.map((x) => a + b * x + (rng() - 0.5) * 20);
      const fit = linearFit(xs, ys);
      const ref = linearRegression(xs.map((x, i) => [x, ys[i] as number]));
      expect(fit.slope).toBeCloseTo(ref.m, 8);
      expect(fit.intercept).toBeCloseTo(ref.b, 6);
      expect(fit.r2).toBeGreaterThanOrEqual(0);
      expect(fit.r2).toBeLessThanOrEqual(1 + 1e-12);
      // The trend metric is the same slope, to the bit.
      expect(slopeOrZero(xs, ys)).toBe(fit.slope);
      // Residuals of the fitted line sum to zero and are uncorrelated with x.
      const res = xs.map((x, i) => (ys[i] as number) - fit.intercept - fit.slope * x);
      const { sxy } = centredSums(xs, res);
      expect(Math.abs(res.reduce((s, r) => s + r, 0))).toBeLessThan(1e-8 * n * 20);
      expect(Math.abs(sxy)).toBeLessThan(1e-7 * n * 20 * n);
    }
  });

  it('has no slope without two distinct x values: the trend is 0, a fit refuses', () => {
    expect(slopeOrZero([], [])).toBe(0);
    expect(slopeOrZero([1], [5])).toBe(0);
    expect(slopeOrZero([2, 2, 2], [1, 5, 9])).toBe(0);
    expect(slopeOrZero([0, 1, 2], [5, 5, 5])).toBe(0);
    expect(slopeOrZero([0, 1, 2, 3], [10, 12, 14, 16])).toBe(2);
    expect(() => linearFit([2, 2], [1, 3])).toThrow(/equal/);
    expect(() => linearFit([1], [1])).toThrow(/two points/);
  });
});
