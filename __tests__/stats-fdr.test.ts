import { describe, expect, it } from 'vitest';
import { benjaminiHochberg } from '../src/stats/fdr.ts';
import { normalSf } from '../src/stats/normal.ts';
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
