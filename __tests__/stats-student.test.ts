// Student's t: the quantiles the drift allowance uses, against published table values.

import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../src/stats/normal.ts';
import { incompleteBeta, logGamma, studentQuantile, studentSf } from '../src/stats/student.ts';

describe("Student's t", () => {
  it('matches table quantiles', () => {
    // Two-sided 95% and 99% critical values from standard t tables.
    const table: Array<[number, number, number]> = [
      [0.975, 1, 12.7062],
      [0.975, 8, 2.306],
      [0.995, 3, 5.8409],
      [0.995, 6, 3.7074],
      [0.995, 30, 2.75],
      [0.9995, 10, 4.5869],
    ];
    for (const [p, df, t] of table) expect(studentQuantile(p, df)).toBeCloseTo(t, 3);
  });

  it('is symmetric, inverts its distribution function, and tends to the normal', () => {
    for (const df of [1.5, 4, 6, 20]) {
      for (const p of [0.6, 0.9, 0.995, 0.99975]) {
        const t = studentQuantile(p, df);
        expect(studentQuantile(1 - p, df)).toBeCloseTo(-t, 9);
        expect(1 - studentSf(t, df)).toBeCloseTo(p, 9);
      }
    }
    expect(studentQuantile(0.995, 1e6)).toBeCloseTo(normalQuantile(0.995), 4);
    // Fewer degrees of freedom, heavier tails.
    expect(studentQuantile(0.995, 4)).toBeGreaterThan(studentQuantile(0.995, 8));
  });

  it('rests on an accurate log-gamma and incomplete beta', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    // I_x(1, 1) = x; I_x(a, b) = 1 − I_{1−x}(b, a).
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(incompleteBeta(0.2, 2.5, 4)).toBeCloseTo(1 - incompleteBeta(0.8, 4, 2.5), 12);
    expect(() => studentSf(1, 0)).toThrow(/degrees of freedom/);
    expect(() => studentQuantile(1, 3)).toThrow(RangeError);
  });
});
