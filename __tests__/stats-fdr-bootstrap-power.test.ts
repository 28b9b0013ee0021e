import { describe, expect, it } from 'vitest';
import { bootstrap, bootstrapTwoSample } from '../src/stats/bootstrap.ts';
import { benjaminiHochberg } from '../src/stats/fdr.ts';
import { hodgesLehmannShift } from '../src/stats/hodges-lehmann.ts';
import { normalSf } from '../src/stats/normal.ts';
import { predictedHalfWidth, replicatesToBound, replicatesToDetect } from '../src/stats/power.ts';
import { median } from '../src/stats/quantile.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';

/** The adjusted p-values straight from the definition, in O(k²): q_(i) = min over j ≥ i of k·p_(j)/j. */
function bhByDefinition(ps: readonly number[]): number[] {
  const k = ps.length;
  const order = ps.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<number>(k);
  order.forEach(({ i }, r) => {
    let q = 1;
    for (let j = r; j < k; j++) q = Math.min(q, ((order[j] as { p: number }).p * k) / (j + 1));
    out[i] = q;
  });
  return out;
}

/** The step-up procedure as published: reject the r smallest, r the largest rank with p_(r) ≤ r·α/k. */
function bhRejects(ps: readonly number[], alpha: number): boolean[] {
  const k = ps.length;
  const sorted = [...ps].sort((a, b) => a - b);
  let r = 0;
  sorted.forEach((p, j) => {
    if (p <= ((j + 1) * alpha) / k) r = j + 1;
  });
  const cut = r > 0 ? (sorted[r - 1] as number) : Number.NEGATIVE_INFINITY;
  return ps.map((p) => p <= cut);
}

describe('Benjamini-Hochberg', () => {
  it('matches the definition, is monotone, bounded and order-independent', () => {
    const rng = makeRng(401);
    for (let t = 0; t < 500; t++) {
      const k = 1 + (t % 40);
      // Mix of uniform p-values, tiny ones, and exact ties (discrete tests produce many).
      const ps = Array.from({ length: k }, () => (rng() < 0.3 ? rng() * 0.01 : rng() < 0.2 ? 2 / 252 : rng()));
      const q = benjaminiHochberg(ps);
      const ref = bhByDefinition(ps);
      q.forEach((v, i) => {
        expect(v).toBeCloseTo(ref[i] as number, 14);
        expect(v).toBeGreaterThanOrEqual(ps[i] as number);
        expect(v).toBeLessThanOrEqual(1);
      });
      let nonMonotone = 0;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          if ((ps[i] as number) <= (ps[j] as number) && (q[i] as number) > (q[j] as number)) nonMonotone++;
        }
      }
      expect(nonMonotone).toBe(0);
      const perm = ps.map((_, i) => i).sort(() => rng() - 0.5);
      const qp = benjaminiHochberg(perm.map((i) => ps[i] as number));
      perm.forEach((i, pos) => {
        expect(qp[pos]).toBeCloseTo(q[i] as number, 14);
      });
      // q ≤ α reproduces the step-up rejections at every α.
      for (const alpha of [0.01, 0.05, 0.2]) expect(q.map((v) => v <= alpha)).toEqual(bhRejects(ps, alpha));
    }
  });

  it('leaves NaN out of the family', () => {
    const q = benjaminiHochberg([0.01, Number.NaN, 0.02]);
    expect(q[1]).toBeNaN();
    expect(q[0]).toBeCloseTo(0.02, 14);
    expect(q[2]).toBeCloseTo(0.02, 14);
    expect(benjaminiHochberg([])).toEqual([]);
  });

  it('four metrics all at the 5-vs-5 floor p = 2/252 stay below α = 0.01', () => {
    for (const q of benjaminiHochberg([2 / 252, 2 / 252, 2 / 252, 2 / 252])) expect(q).toBeLessThan(0.01);
    // One such metric among twenty cannot: 20 × 2/252 > 0.01.
    expect(benjaminiHochberg([2 / 252, ...new Array(19).fill(0.5)])[0]).toBeGreaterThan(0.01);
  });

  it('controls the false discovery rate in simulation', () => {
    const rng = makeRng(402);
    const alpha = 0.1;
    let fdpSum = 0;
    let anyUnderNull = 0;
    const runs = 3000;
    for (let t = 0; t < runs; t++) {
      // 15 true nulls (uniform p), 5 real effects (z shifted by 3).
      const ps = Array.from({ length: 20 }, (_, i) => (i < 15 ? rng() : 2 * normalSf(Math.abs(3 + normalDraw(rng)))));
      const rejected = benjaminiHochberg(ps).map((q) => q <= alpha);
      const r = rejected.filter(Boolean).length;
      const falseR = rejected.slice(0, 15).filter(Boolean).length;
      fdpSum += r > 0 ? falseR / r : 0;
      const nulls = Array.from({ length: 20 }, () => rng());
      if (benjaminiHochberg(nulls).some((q) => q <= alpha)) anyUnderNull++;
    }
    // FDR ≤ α·(15/20) in theory; with all nulls true the chance of any rejection is ≤ α.
    expect(fdpSum / runs).toBeLessThanOrEqual(alpha * 0.75 + 0.01);
    expect(anyUnderNull / runs).toBeLessThanOrEqual(alpha + 0.015);
  });
});

describe('percentile bootstrap', () => {
  it('is reproducible from its seed', () => {
    const xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const a = bootstrap(xs, median, { seed: 5, resamples: 500 });
    expect(bootstrap(xs, median, { seed: 5, resamples: 500 })).toEqual(a);
    const b = bootstrap(xs, (s) => s.reduce((x, y) => x + y, 0) / s.length, { seed: 6, resamples: 500 });
    const c = bootstrap(xs, (s) => s.reduce((x, y) => x + y, 0) / s.length, { seed: 7, resamples: 500 });
    expect(b.lower === c.lower && b.upper === c.upper).toBe(false);
    expect(a.estimate).toBe(median(xs));
    expect(() => bootstrap([], median)).toThrow(RangeError);
  });

  it('covers the mean of normal data near the nominal rate', () => {
    const rng = makeRng(403);
    const sims = 400;
    let covered = 0;
    for (let t = 0; t < sims; t++) {
      const xs = Array.from({ length: 40 }, () => 10 + 2 * normalDraw(rng));
      const mean = (s: readonly number[]) => s.reduce((a, b) => a + b, 0) / s.length;
      const r = bootstrap(xs, mean, { rng, resamples: 400, confidence: 0.9 });
      if (r.lower <= 10 && 10 <= r.upper) covered++;
    }
    // Percentile intervals run a little short at n = 40; they must still be close to 90%.
    expect(covered / sims).toBeGreaterThan(0.84);
    expect(covered / sims).toBeLessThan(0.95);
  });

  it('two-sample bootstrap of a difference of medians brackets a real shift', () => {
    const rng = makeRng(404);
    let covered = 0;
    const sims = 200;
    for (let t = 0; t < sims; t++) {
      const x = Array.from({ length: 30 }, () => normalDraw(rng));
      const y = Array.from({ length: 30 }, () => 1.5 + normalDraw(rng));
      const r = bootstrapTwoSample(x, y, (a, b) => median(b) - median(a), { rng, resamples: 300, confidence: 0.9 });
      expect(r.lower).toBeLessThanOrEqual(r.upper);
      if (r.lower <= 1.5 && 1.5 <= r.upper) covered++;
    }
    expect(covered / sims).toBeGreaterThan(0.82);
  });
});

describe('replicate planning', () => {
  it('has no finite 99% interval below 5 per side, and narrows as replicates grow', () => {
    expect(predictedHalfWidth(0.03, 4, 0.99)).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isFinite(predictedHalfWidth(0.03, 5, 0.99))).toBe(true);
    let prev = Number.POSITIVE_INFINITY;
    for (let n = 5; n <= 200; n++) {
      const h = predictedHalfWidth(0.03, n, 0.99);
      expect(h).toBeLessThanOrEqual(prev * 1.05);
      prev = h;
    }
    expect(predictedHalfWidth(0.03, 200, 0.99)).toBeLessThan(predictedHalfWidth(0.03, 20, 0.99) / 2.5);
  });

  it('predicts the half-width the interval actually has', () => {
    const rng = makeRng(405);
    for (const n of [5, 8, 15, 30]) {
      const widths: number[] = [];
      for (let t = 0; t < 300; t++) {
        const x = Array.from({ length: n }, () => 0.05 * normalDraw(rng));
        const y = Array.from({ length: n }, () => 0.05 * normalDraw(rng));
        const r = hodgesLehmannShift(x, y, 0.99);
        widths.push((r.upper - r.lower) / 2);
      }
      const actual = median(widths);
      expect(Math.abs(actual / predictedHalfWidth(0.05, n, 0.99) - 1)).toBeLessThan(0.15);
    }
  });

  it('replicates to detect: fewer for bigger shifts, and they deliver about the promised power', () => {
    const sigma = 0.04;
    const nSmall = replicatesToDetect({ sigma, effect: 0.05, confidence: 0.99 }) as number;
    const nBig = replicatesToDetect({ sigma, effect: 0.2, confidence: 0.99 }) as number;
    expect(nBig).toBeLessThan(nSmall);
    expect(nBig).toBeGreaterThanOrEqual(5);
    expect(replicatesToDetect({ sigma, effect: 0, confidence: 0.99 })).toBeUndefined();
    const rng = makeRng(406);
    const powerAt = (n: number) => {
      let hits = 0;
      for (let t = 0; t < 400; t++) {
        const x = Array.from({ length: n }, () => sigma * normalDraw(rng));
        const y = Array.from({ length: n }, () => 0.05 + sigma * normalDraw(rng));
        if (hodgesLehmannShift(x, y, 0.99).lower > 0) hits++;
      }
      return hits / 400;
    };
    expect(powerAt(nSmall)).toBeGreaterThan(0.7);
    expect(powerAt(Math.max(5, Math.floor(nSmall / 2)))).toBeLessThan(0.7);
  });

  it('replicates to bound: enough to bring the interval inside the target', () => {
    const n = replicatesToBound({ sigma: 0.03, halfWidth: 0.02, confidence: 0.99 }) as number;
    expect(predictedHalfWidth(0.03, n, 0.99)).toBeLessThanOrEqual(0.02);
    expect(predictedHalfWidth(0.03, n - 1, 0.99)).toBeGreaterThan(0.02);
    // No noise: the floor is the smallest sample with a finite interval.
    expect(replicatesToBound({ sigma: 0, halfWidth: 0.01, confidence: 0.99 })).toBe(5);
    expect(replicatesToBound({ sigma: 1, halfWidth: 1e-4, confidence: 0.99 })).toBeUndefined();
  });
});
