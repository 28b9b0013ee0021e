// Digamma ψ(x) = d/dx log Γ(x) and trigamma ψ'(x), for x > 0: the mean and variance of the log of a
// chi-square variable, which the variance moderation in moderate.ts needs. Small arguments are shifted up by
// the recurrences ψ(x) = ψ(x + 1) − 1/x and ψ'(x) = ψ'(x + 1) + 1/x², then the asymptotic series applies
// (at x ≥ 12 its next terms are below 1e-15).

const SHIFT_TO = 12;

export function digamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`digamma is defined here for x > 0 (got ${x})`);
  let acc = 0;
  while (x < SHIFT_TO) {
    acc -= 1 / x;
    x += 1;
  }
  const r = 1 / (x * x);
  // ln x − 1/2x − Σ B₂ₖ / (2k x²ᵏ)
  const series = r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r / 132))));
  return acc + Math.log(x) - 0.5 / x - series;
}

export function trigamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`trigamma is defined here for x > 0 (got ${x})`);
  let acc = 0;
  while (x < SHIFT_TO) {
    acc += 1 / (x * x);
    x += 1;
  }
  const r = 1 / (x * x);
  // 1/x + 1/2x² + Σ B₂ₖ / x²ᵏ⁺¹
  const series = (1 + r * (1 / 6 - r * (1 / 30 - r * (1 / 42 - r / 30)))) / x;
  return acc + 0.5 * r + series;
}

/**
 * The x > 0 with ψ'(x) = y, for y > 0. ψ' falls monotonically from +∞ to 0, so bisection on log x cannot
 * miss; Newton would be faster, but this runs a few times per comparison.
 */
export function inverseTrigamma(y: number): number {
  if (!(y > 0) || !Number.isFinite(y)) throw new RangeError(`inverseTrigamma needs a finite y > 0 (got ${y})`);
  // ψ'(x) ≈ 1/x² near 0 and 1/x for large x bracket the root generously.
  let lo = Math.log(Math.min(1 / y, 1 / Math.sqrt(y)) / 4);
  let hi = Math.log(Math.max(1 / y, 1 / Math.sqrt(y)) * 4 + 1);
  for (let i = 0; i < 200 && hi - lo > 1e-14; i++) {
    const mid = (lo + hi) / 2;
    if (trigamma(Math.exp(mid)) > y) lo = mid;
    else hi = mid;
  }
  return Math.exp((lo + hi) / 2);
}
