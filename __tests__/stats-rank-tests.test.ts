import { describe, expect, it } from 'vitest';
import { hodgesLehmannShift, shiftIntervalRank } from '../src/stats/hodges-lehmann.ts';
import { mannWhitney } from '../src/stats/mann-whitney.ts';
import { normalDraw } from '../src/stats/random.ts';
import { rank } from '../src/stats/ranks.ts';
import { makeRng } from '../src/stats/rng.ts';
import {
  hodgesLehmannOneSample,
  hodgesLehmannPaired,
  wilcoxonPaired,
  wilcoxonSignedRank,
} from '../src/stats/wilcoxon.ts';

/** Every way of choosing k of the indices 0 .. n-1. */
function* subsets(n: number, k: number, start = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) {
    yield acc;
    return;
  }
  for (let i = start; i <= n - (k - acc.length); i++) yield* subsets(n, k, i + 1, [...acc, i]);
}

/** U (pairs with y > x, ties one half) computed from its definition, not from ranks. */
function uByPairs(x: readonly number[], y: readonly number[]): number {
  let u = 0;
  for (const a of x) for (const b of y) u += b > a ? 1 : b === a ? 0.5 : 0;
  return u;
}

/** Two-sided permutation p-value of U by enumerating every split of the pooled values. */
function enumeratedMannWhitneyP(x: readonly number[], y: readonly number[]): number {
  const pooled = [...x, ...y];
  const observed = uByPairs(x, y);
  let total = 0;
  let low = 0;
  let high = 0;
  for (const pick of subsets(pooled.length, y.length)) {
    const chosen = new Set(pick);
    const ys = pick.map((i) => pooled[i] as number);
    const xs = pooled.filter((_, i) => !chosen.has(i));
    const u = uByPairs(xs, ys);
    total++;
    if (u <= observed + 1e-9) low++;
    if (u >= observed - 1e-9) high++;
  }
  return Math.min(1, (2 * Math.min(low, high)) / total);
}

/** Two-sided p of the signed-rank statistic by enumerating all 2^n sign patterns of the non-zero |d|. */
function enumeratedSignedRankP(d: readonly number[]): number {
  const nz = d.filter((v) => v !== 0);
  const r = rank(nz.map(Math.abs)).ranks;
  const observed = nz.reduce((s, v, i) => s + (v > 0 ? (r[i] as number) : 0), 0);
  let low = 0;
  let high = 0;
  const total = 2 ** nz.length;
  for (let mask = 0; mask < total; mask++) {
    let t = 0;
    for (let i = 0; i < nz.length; i++) if (mask & (1 << i)) t += r[i] as number;
    if (t <= observed + 1e-9) low++;
    if (t >= observed - 1e-9) high++;
  }
  return Math.min(1, (2 * Math.min(low, high)) / total);
}

const draws = (n: number, f: () => number) => Array.from({ length: n }, f);

describe('Mann-Whitney U', () => {
  it('exact p equals the enumerated permutation p, without ties', () => {
    const rng = makeRng(101);
    for (let t = 0; t < 60; t++) {
      const m = 1 + (t % 6);
      const n = 1 + ((t * 5) % 7);
      const x = draws(m, () => normalDraw(rng));
      const y = draws(n, () => normalDraw(rng) + (t % 3) * 0.7);
      const r = mannWhitney(x, y);
      expect(r.method).toBe('exact');
      expect(r.u).toBeCloseTo(uByPairs(x, y), 9);
      expect(r.p).toBeCloseTo(enumeratedMannWhitneyP(x, y), 12);
    }
  });

  it('exact p with ties equals the enumerated permutation p given the tie pattern', () => {
    const rng = makeRng(102);
    for (let t = 0; t < 60; t++) {
      const m = 2 + (t % 5);
      const n = 2 + ((t * 3) % 6);
      // Values on a coarse grid: ties within and across samples, as with timings rounded to the millisecond.
      const x = draws(m, () => Math.floor(rng() * 4));
      const y = draws(n, () => Math.floor(rng() * 4) + (t % 2));
      const r = mannWhitney(x, y);
      expect(r.method).toBe('exact');
      expect(r.u).toBeCloseTo(uByPairs(x, y), 9);
      expect(r.p).toBeCloseTo(enumeratedMannWhitneyP(x, y), 12);
    }
  });

  it('gives the textbook extremes: complete separation of 5 vs 5 is p = 2/252', () => {
    const r = mannWhitney([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.p).toBeCloseTo(2 / 252, 15);
    expect(r.u).toBe(25);
    // A tied baseline (e.g. five zero counts) completely below the head is just as extreme.
    expect(mannWhitney([0, 0, 0, 0, 0], [1, 2, 3, 4, 5]).p).toBeCloseTo(2 / 252, 15);
    expect(mannWhitney([3, 3, 3], [3, 3, 3]).p).toBe(1);
  });

  it('is symmetric in its samples and invariant under monotone transforms', () => {
    const rng = makeRng(103);
    for (let t = 0; t < 200; t++) {
      const x = draws(2 + (t % 12), () => Math.exp(normalDraw(rng)));
      const y = draws(2 + ((t * 7) % 15), () => Math.exp(normalDraw(rng) + 0.5));
      const a = mannWhitney(x, y);
      const b = mannWhitney(y, x);
      expect(a.p).toBeCloseTo(b.p, 12);
      expect(a.u + b.u).toBeCloseTo(x.length * y.length, 9);
      expect(mannWhitney(x.map(Math.log), y.map(Math.log)).p).toBeCloseTo(a.p, 12);
      expect(a.p).toBeGreaterThan(0);
      expect(a.p).toBeLessThanOrEqual(1);
    }
  });

  it('exact and normal p-values agree at moderate sample sizes', () => {
    const rng = makeRng(104);
    let worst = 0;
    for (let t = 0; t < 300; t++) {
      const x = draws(20, () => normalDraw(rng));
      const y = draws(20, () => normalDraw(rng) + (t % 4) * 0.3);
      const exact = mannWhitney(x, y, { method: 'exact' });
      const approx = mannWhitney(x, y, { method: 'normal' });
      worst = Math.max(worst, Math.abs(exact.p - approx.p));
      // Relative agreement in the body; deep in the tail only the absolute error is small.
      if (exact.p >= 0.05) expect(Math.abs(Math.log(approx.p / exact.p))).toBeLessThan(0.05);
      else if (exact.p >= 0.01) expect(Math.abs(Math.log(approx.p / exact.p))).toBeLessThan(0.15);
    }
    expect(worst).toBeLessThan(0.005);
  });

  it('p-values are uniform (or conservative) under the null hypothesis, exact and approximate', () => {
    const rng = makeRng(105);
    const runs = 4000;
    for (const [m, n, method, grid] of [
      [8, 8, 'exact', 0],
      [6, 9, 'exact', 3],
      [30, 30, 'normal', 0],
      [25, 35, 'normal', 4],
    ] as const) {
      const ps: number[] = [];
      for (let t = 0; t < runs; t++) {
        const gen = () => (grid ? Math.round(normalDraw(rng) * grid) : normalDraw(rng));
        const x = draws(m, gen);
        const y = draws(n, gen);
        const r = mannWhitney(x, y, { method });
        ps.push(r.p);
      }
      for (const a of [0.01, 0.05, 0.1, 0.25, 0.5]) {
        const share = ps.filter((p) => p <= a).length / runs;
        const se = Math.sqrt((a * (1 - a)) / runs);
        // Never anti-conservative beyond sampling noise, and not grossly conservative either.
        expect(share).toBeLessThanOrEqual(a + 3 * se);
        expect(share).toBeGreaterThan(a * 0.6 - 3 * se);
      }
    }
  });

  it('has power: a clear shift gives small p-values', () => {
    const rng = makeRng(106);
    let hits = 0;
    for (let t = 0; t < 200; t++) {
      const x = draws(10, () => normalDraw(rng));
      const y = draws(10, () => normalDraw(rng) + 2.5);
      if (mannWhitney(x, y).p < 0.01) hits++;
    }
    expect(hits / 200).toBeGreaterThan(0.95);
  });
});

describe('Hodges-Lehmann shift and its rank-based interval', () => {
  it('estimates the median of pairwise differences and is shift-equivariant', () => {
    const rng = makeRng(201);
    for (let t = 0; t < 200; t++) {
      const x = draws(1 + (t % 9), () => normalDraw(rng));
      const y = draws(1 + ((t * 3) % 11), () => normalDraw(rng));
      const diffs = y.flatMap((b) => x.map((a) => b - a)).sort((a, b) => a - b);
      const mid = diffs.length / 2;
      const med = diffs.length % 2 ? diffs[Math.floor(mid)] : ((diffs[mid - 1] as number) + (diffs[mid] as number)) / 2;
      const r = hodgesLehmannShift(x, y, 0.9);
      expect(r.estimate).toBeCloseTo(med as number, 12);
      const c = normalDraw(rng) * 5;
      const shifted = hodgesLehmannShift(
        x,
        y.map((v) => v + c),
        0.9,
      );
      expect(shifted.estimate).toBeCloseTo(r.estimate + c, 9);
      if (Number.isFinite(r.lower)) {
        expect(shifted.lower).toBeCloseTo(r.lower + c, 9);
        expect(shifted.upper).toBeCloseTo(r.upper + c, 9);
        expect(r.lower).toBeLessThanOrEqual(r.estimate);
        expect(r.upper).toBeGreaterThanOrEqual(r.estimate);
      }
      expect(r.confidence).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('the interval bound ranks are the exact critical values (5 vs 5 at 99% spans all differences)', () => {
    expect(shiftIntervalRank(5, 5, 0.99)).toMatchObject({ k: 1, method: 'exact' });
    expect(shiftIntervalRank(5, 5, 0.99).confidence).toBeCloseTo(1 - 2 / 252, 12);
    // 4 vs 4 cannot reach 99%: the interval is unbounded rather than falsely precise.
    expect(shiftIntervalRank(4, 4, 0.99).k).toBe(0);
    const r = hodgesLehmannShift([1, 2, 3, 4], [2, 3, 4, 5], 0.99);
    expect(r.lower).toBe(Number.NEGATIVE_INFINITY);
    expect(r.upper).toBe(Number.POSITIVE_INFINITY);
    // Achieved coverage never falls below the request, and sizes beyond the exact table use the normal ranks.
    for (const [m, n] of [
      [3, 7],
      [10, 12],
      [20, 20],
      [60, 70],
    ] as const) {
      for (const c of [0.8, 0.9, 0.95, 0.99])
        expect(shiftIntervalRank(m, n, c).confidence).toBeGreaterThanOrEqual(c - 1e-3);
    }
  });

  it('covers the true log-ratio at the nominal rate under lognormal noise with outliers', () => {
    const rng = makeRng(202);
    const sims = 2000;
    for (const [m, n, confidence, heavy] of [
      [5, 5, 0.99, false],
      [8, 8, 0.99, true],
      [10, 12, 0.95, true],
      [60, 55, 0.99, false],
    ] as const) {
      let covered = 0;
      for (let t = 0; t < sims; t++) {
        const truth = (rng() - 0.5) * 0.6;
        const level = Math.log(1 + 100 * rng());
        // Heavy noise: 10% hiccups that cost 20-100% more, identical in distribution on both sides.
        const noise = () => 0.03 * normalDraw(rng) + (heavy && rng() < 0.1 ? Math.log(1.2 + 0.8 * rng()) : 0);
        const base = draws(m, () => level + noise());
        const head = draws(n, () => level + truth + noise());
        const r = hodgesLehmannShift(base, head, confidence);
        if (r.lower <= truth && truth <= r.upper) covered++;
      }
      const coverage = covered / sims;
      const se = Math.sqrt((confidence * (1 - confidence)) / sims);
      expect(coverage).toBeGreaterThanOrEqual(confidence - 3 * se);
      // The discreteness overshoot is known; the interval is not needlessly wide beyond it.
      expect(coverage).toBeLessThanOrEqual(shiftIntervalRank(m, n, confidence).confidence + 3 * se);
    }
  });
});

describe('Wilcoxon signed-rank and the one-sample Hodges-Lehmann estimate', () => {
  it('exact p equals the enumerated sign-flip p for small samples, with ties and zeros', () => {
    const rng = makeRng(301);
    for (let t = 0; t < 80; t++) {
      const n = 1 + (t % 12);
      const coarse = t % 2 === 0;
      const d = draws(n, () => (coarse ? Math.round(normalDraw(rng) * 2 + 0.5) : normalDraw(rng) + 0.4));
      const r = wilcoxonSignedRank(d);
      expect(r.zeros).toBe(d.filter((v) => v === 0).length);
      if (r.n === 0) expect(r.p).toBe(1);
      else {
        expect(r.method).toBe('exact');
        expect(r.p).toBeCloseTo(enumeratedSignedRankP(d), 12);
      }
    }
  });

  it('small known cases: all positive among n gives p = 2 / 2^n', () => {
    for (let n = 1; n <= 10; n++) {
      const d = Array.from({ length: n }, (_, i) => i + 1);
      expect(wilcoxonSignedRank(d).p).toBeCloseTo(Math.min(1, 2 / 2 ** n), 14);
      expect(wilcoxonSignedRank(d.map((v) => -v)).p).toBeCloseTo(Math.min(1, 2 / 2 ** n), 14);
      // Zeros say nothing about direction and are dropped.
      expect(wilcoxonSignedRank([...d, 0, 0]).p).toBeCloseTo(wilcoxonSignedRank(d).p, 14);
    }
  });

  it('paired test looks at differences, not levels', () => {
    const rng = makeRng(302);
    const x = draws(12, () => 100 * Math.exp(normalDraw(rng)));
    const y = x.map((v) => v * 1.05 + 0.01 * normalDraw(rng));
    // Levels vary over an order of magnitude; the paired shift is consistent and the test sees it.
    expect(wilcoxonPaired(x, y).p).toBeLessThan(0.001);
    expect(mannWhitney(x, y).p).toBeGreaterThan(0.05);
    const hl = hodgesLehmannPaired(x.map(Math.log), y.map(Math.log), 0.95);
    expect(Math.exp(hl.lower)).toBeLessThan(1.05);
    expect(Math.exp(hl.upper)).toBeGreaterThan(1.04);
    expect(() => wilcoxonPaired([1, 2], [1])).toThrow(RangeError);
  });

  it('exact and normal p-values agree at moderate n', () => {
    const rng = makeRng(303);
    for (let t = 0; t < 200; t++) {
      const d = draws(40, () => normalDraw(rng) + (t % 4) * 0.15);
      const exact = wilcoxonSignedRank(d, { method: 'exact' });
      const approx = wilcoxonSignedRank(d, { method: 'normal' });
      expect(Math.abs(exact.p - approx.p)).toBeLessThan(0.005);
    }
  });

  it('the median of Walsh averages covers the centre of symmetry at the nominal rate', () => {
    const rng = makeRng(304);
    const sims = 2000;
    for (const [n, confidence] of [
      [8, 0.95],
      [15, 0.99],
      [70, 0.95],
    ] as const) {
      let covered = 0;
      for (let t = 0; t < sims; t++) {
        const centre = normalDraw(rng);
        // Symmetric but heavy-tailed: a normal mixed with a wide normal.
        const d = draws(n, () => centre + normalDraw(rng) * (rng() < 0.1 ? 5 : 1));
        const r = hodgesLehmannOneSample(d, confidence);
        if (r.lower <= centre && centre <= r.upper) covered++;
      }
      const se = Math.sqrt((confidence * (1 - confidence)) / sims);
      expect(covered / sims).toBeGreaterThanOrEqual(confidence - 3 * se);
      expect(covered / sims).toBeLessThanOrEqual(1 - (1 - confidence) / 3);
    }
  });
});
