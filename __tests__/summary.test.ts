import { describe, expect, it } from 'vitest';
import { linearFit, logLogSlope } from '../src/stats/fit.ts';
import { quantile } from '../src/stats/quantile.ts';
import { makeRng } from '../src/stats/rng.ts';
import { summarize, summarizeWeighted } from '../src/stats/summary.ts';

describe('summaries', () => {
  it('summarize agrees with direct definitions on random data (seeded)', () => {
    const rng = makeRng(11);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rng() * 50);
      const xs = Array.from({ length: n }, () => rng() * 100 - 20);
      const s = summarize(xs);
      const sorted = [...xs].sort((a, b) => a - b);
      const mean = xs.reduce((a, b) => a + b, 0) / n;
      expect(s.n).toBe(n);
      expect(s.min).toBe(sorted[0]);
      expect(s.max).toBe(sorted[n - 1]);
      expect(s.mean).toBeCloseTo(mean, 9);
      // Quantiles are monotone and bracketed by min and max.
      const qs = [s.min, s.p50, s.p75, s.p90, s.p95, s.p99, s.p999, s.max] as number[];
      for (let i = 1; i < qs.length; i++) expect(qs[i]).toBeGreaterThanOrEqual(qs[i - 1] as number);
      expect(s.median).toBe(s.p50);
      if (n % 2 === 1) expect(s.median).toBe(sorted[(n - 1) / 2]);
      if (n > 1) {
        const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
        expect(s.sd).toBeCloseTo(Math.sqrt(v), 9);
      } else expect(s.sd).toBeUndefined();
    }
    expect(() => summarize([])).toThrow(/empty/);
  });

  it('interpolates quantiles between order statistics', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([10, 0], 0.25)).toBe(2.5);
    expect(quantile([5], 0.99)).toBe(5);
  });

  it('pooled weighted summaries match the summary of the concatenated data', () => {
    const rng = makeRng(5);
    const groups = Array.from({ length: 5 }, (_, g) => Array.from({ length: 200 }, () => 10 + g + rng() * 3));
    const pooled = summarizeWeighted(groups.map((values) => ({ values, count: values.length })));
    const direct = summarize(groups.flat());
    expect(pooled.n).toBe(direct.n);
    expect(pooled.mean).toBeCloseTo(direct.mean, 9);
    expect(pooled.min).toBe(direct.min);
    expect(pooled.max).toBe(direct.max);
    // Weighted quantiles pick an order statistic: within one step of the interpolated value.
    const step = (direct.max - direct.min) / 50;
    for (const k of ['median', 'p90', 'p99'] as const) {
      expect(Math.abs((pooled[k] as number) - (direct[k] as number))).toBeLessThan(step);
    }
  });

  it('a down-sampled group stands for its full count', () => {
    const big = { values: [1, 1, 1], count: 3000 };
    const small = { values: [100], count: 1 };
    const s = summarizeWeighted([big, small]);
    expect(s.n).toBe(3001);
    expect(s.p99).toBe(1);
    expect(s.max).toBe(100);
  });
});

describe('fits', () => {
  it('recovers exponents of power laws', () => {
    const xs = [100, 500, 1000, 2000];
    for (const k of [0.5, 1, 1.5, 2, 3]) {
      const fit = logLogSlope(
        xs,
        xs.map((x) => 3.7 * x ** k),
      );
      expect(fit.slope).toBeCloseTo(k, 9);
      expect(fit.r2).toBeCloseTo(1, 9);
    }
  });

  it('fits lines and rejects degenerate input', () => {
    const f = linearFit([0, 1, 2], [1, 3, 5]);
    expect(f.slope).toBeCloseTo(2);
    expect(f.intercept).toBeCloseTo(1);
    expect(() => linearFit([1], [1])).toThrow(/two points/);
    expect(() => linearFit([2, 2], [1, 3])).toThrow(/equal/);
    expect(() => logLogSlope([1, 2], [0, 1])).toThrow(/positive/);
  });
});
