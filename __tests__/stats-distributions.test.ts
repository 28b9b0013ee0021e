import { describe, expect, it } from 'vitest';
import { chiSquareCdf } from '../src/stats/chi-square.ts';
import { normalCdf, normalQuantile, normalSf } from '../src/stats/normal.ts';
import { lognormalDraw, normalDraw, randomIndex } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { mad, sampleSd, scaledMad } from '../src/stats/spread.ts';

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

describe('chi-square distribution', () => {
  it('gives the tabled points, whole and fractional degrees of freedom alike', () => {
    // Points of the tables (to the digits given) and closed forms: df 2 is exponential, df 1 is a squared normal.
    const points: Array<[number, number, number]> = [
      [3.841458820694124, 1, 0.95],
      [0.003932140000019522, 1, 0.05],
      [0.7107230213973241, 4, 0.05],
      [18.307038053275146, 10, 0.95],
      [124.34211340400407, 100, 0.95],
    ];
    for (const [x, df, p] of points) expect(chiSquareCdf(x, df)).toBeCloseTo(p, 9);
    for (const x of [0.01, 0.5, 2, 7, 30]) {
      expect(chiSquareCdf(x, 2)).toBeCloseTo(-Math.expm1(-x / 2), 13);
      expect(chiSquareCdf(x, 1)).toBeCloseTo(1 - 2 * normalSf(Math.sqrt(x)), 12);
    }
    expect(chiSquareCdf(0, 3)).toBe(0);
    expect(chiSquareCdf(Number.POSITIVE_INFINITY, 3)).toBe(1);
    expect(() => chiSquareCdf(1, 0)).toThrow(/degrees of freedom/);
  });

  it('matches the share of seeded sums of squared normals below each point, for fractional df by monotony', () => {
    const rng = makeRng(17);
    for (const df of [1, 3, 8]) {
      const draws = Array.from({ length: 20_000 }, () =>
        Array.from({ length: df }, () => normalDraw(rng) ** 2).reduce((a, b) => a + b, 0),
      );
      for (const x of [0.5 * df, df, 2 * df]) {
        const share = draws.filter((d) => d <= x).length / draws.length;
        expect(Math.abs(share - chiSquareCdf(x, df))).toBeLessThan(0.012);
      }
    }
    // Between whole degrees of freedom the CDF at a point lies between its neighbours' (fewer df: larger).
    for (const x of [0.4, 2.5, 9]) {
      expect(chiSquareCdf(x, 3.5)).toBeLessThan(chiSquareCdf(x, 3));
      expect(chiSquareCdf(x, 3.5)).toBeGreaterThan(chiSquareCdf(x, 4));
    }
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
    expect(Math.abs(sampleSd(xs) - 1)).toBeLessThan(0.02);
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
    expect(Math.abs(sampleSd(logs) - 0.1)).toBeLessThan(0.003);
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

describe('robust spread', () => {
  it('scaled MAD estimates the standard deviation of normal data', () => {
    const rng = makeRng(11);
    for (const sd of [0.03, 1, 250]) {
      const xs = Array.from({ length: 20_000 }, () => 5 + sd * normalDraw(rng));
      expect(Math.abs(scaledMad(xs) / sd - 1)).toBeLessThan(0.03);
    }
  });

  it('is equivariant: shifts do not change it, scaling scales it', () => {
    const rng = makeRng(12);
    for (let t = 0; t < 200; t++) {
      const xs = Array.from({ length: 3 + (t % 9) }, () => normalDraw(rng));
      const c = normalDraw(rng) * 10;
      const k = -3 + 6 * rng();
      expect(mad(xs.map((v) => v + c))).toBeCloseTo(mad(xs), 9);
      expect(mad(xs.map((v) => v * k))).toBeCloseTo(Math.abs(k) * mad(xs), 9);
    }
  });

  it('a wild replicate cannot blow it up, unlike the standard deviation', () => {
    const rng = makeRng(13);
    for (let t = 0; t < 200; t++) {
      const xs = Array.from({ length: 5 + (t % 10) }, () => 100 + normalDraw(rng));
      const spanBefore = Math.max(...xs) - Math.min(...xs);
      const spoiled = [...xs];
      spoiled[t % xs.length] = 1e9;
      expect(mad(spoiled)).toBeLessThanOrEqual(spanBefore);
      expect(sampleSd(spoiled)).toBeGreaterThan(1e6);
    }
  });
});
