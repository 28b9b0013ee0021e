import { sampleStandardDeviation } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile, normalSf } from '../src/stats/normal.ts';
import { lognormalDraw, normalDraw, randomIndex } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';

const density = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);

/** ∫_a^b φ by composite Simpson's rule: an independent reference for the CDF. */
function integrate(a: number, b: number, steps: number): number {
  const h = (b - a) / steps;
  let s = density(a) + density(b);
  for (let i = 1; i < steps; i++) s += (i % 2 === 1 ? 4 : 2) * density(a + i * h);
  return (s * h) / 3;
}

describe('normal distribution', () => {
  it('matches numerical integration of the density, with relative precision in the tails', () => {
    for (const a of [0, 0.3, 1, 1.96, 2.5, 2.99, 3, 3.7, 5, 6.5, 7.5, 9, 12, 20, 30]) {
      // Upper tail from a: integrate far enough out that the rest is negligible.
      const tail = integrate(a, a + 12, 200_000);
      expect(Math.abs(normalSf(a) - tail) / tail).toBeLessThan(1e-11);
      expect(Math.abs(normalCdf(-a) - tail) / tail).toBeLessThan(1e-11);
    }
  });

  it('is symmetric and monotone', () => {
    let prev = 0;
    for (let x = -10; x <= 10; x += 0.01) {
      const v = normalCdf(x);
      expect(v).toBeGreaterThanOrEqual(prev);
      expect(v + normalCdf(-x)).toBeCloseTo(1, 14);
      prev = v;
    }
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
  });

  it('quantile inverts the CDF across the whole range', () => {
    // Down to where Φ itself underflows (about 1e-300 at x = -37).
    for (let e = -290; e <= Math.log10(0.5); e += 0.37) {
      const p = 10 ** e;
      const x = normalQuantile(p);
      expect(Math.abs(normalCdf(x) - p) / p).toBeLessThan(1e-12);
      // 1 - p is only representable to about 1e-16, so the mirror image holds to that precision.
      if (p > 1e-10) expect(normalQuantile(1 - p) + x).toBeCloseTo(0, 5);
    }
    for (const x of [-8, -3, -1.5, -0.2, 0, 0.7, 2.2, 4]) expect(normalQuantile(normalCdf(x))).toBeCloseTo(x, 9);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe('seeded draws', () => {
  it('repeats the same sequence for the same seed, and another for another seed', () => {
    const a = makeRng(42);
    const b = makeRng(42);
    const c = makeRng(43);
    const xs = Array.from({ length: 50 }, () => normalDraw(a));
    expect(Array.from({ length: 50 }, () => normalDraw(b))).toEqual(xs);
    expect(Array.from({ length: 50 }, () => normalDraw(c))).not.toEqual(xs);
  });

  it('normal draws have the moments and tail shares of N(0, 1)', () => {
    const rng = makeRng(7);
    const n = 40_000;
    const xs = Array.from({ length: n }, () => normalDraw(rng));
    const mean = xs.reduce((s, v) => s + v, 0) / n;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(sampleStandardDeviation(xs) - 1)).toBeLessThan(0.02);
    for (const z of [1, 1.96, 2.58]) {
      const share = xs.filter((v) => Math.abs(v) > z).length / n;
      const expected = 2 * normalSf(z);
      expect(Math.abs(share - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / n));
    }
  });

  it('lognormal draws have median exp(mu) and log-sd sigma', () => {
    const rng = makeRng(9);
    const xs = Array.from({ length: 20_000 }, () => lognormalDraw(rng, Math.log(50), 0.1));
    const logs = xs.map(Math.log);
    expect(xs.every((v) => v > 0)).toBe(true);
    expect(Math.abs(sampleStandardDeviation(logs) - 0.1)).toBeLessThan(0.003);
    const below = xs.filter((v) => v < 50).length / xs.length;
    expect(Math.abs(below - 0.5)).toBeLessThan(0.02);
  });

  it('random indices stay in range and cover it evenly', () => {
    const rng = makeRng(3);
    const counts = new Array<number>(7).fill(0);
    let outOfRange = 0;
    for (let i = 0; i < 70_000; i++) {
      const k = randomIndex(rng, 7);
      if (!(Number.isInteger(k) && k >= 0 && k < 7)) outOfRange++;
      else counts[k] = (counts[k] as number) + 1;
    }
    expect(outOfRange).toBe(0);
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});
