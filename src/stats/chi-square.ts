// The chi-square distribution: how far a variance estimated with few degrees of freedom falls below the
// true one by chance (df · s² / σ² follows it for normal values).

import { logGamma } from './student.ts';

/** Regularised lower incomplete gamma P(a, x) by its power series; converges fast for x < a + 1. */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 1000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Regularised upper incomplete gamma Q(a, x) by its continued fraction (modified Lentz), for x ≥ a + 1. */
function gammaFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let f = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    f *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return f * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** P(X ≤ x) for X chi-square with `df` degrees of freedom (any positive df, not only whole ones). */
export function chiSquareCdf(x: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`chi-square degrees of freedom must be positive (got ${df})`);
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  const a = df / 2;
  const h = x / 2;
  return h < a + 1 ? gammaSeries(a, h) : 1 - gammaFraction(a, h);
}
