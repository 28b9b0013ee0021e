// The standard normal distribution: CDF and quantile, accurate to close to double precision, because the
// p-values and critical values of the rank tests fall back on it for larger samples.

/**
 * Φ(x), the standard normal CDF. The smaller tail is computed directly, so tail probabilities keep their
 * relative precision (about 1e-13): Hart's rational approximation (as presented by G. West, "Better
 * approximations to cumulative normal functions", 2005) for |x| < 3, and beyond it the Laplace continued
 * fraction of Mills' ratio, (1 − Φ(x)) / φ(x) = 1/(x + 1/(x + 2/(x + 3/(x + ...)))), which converges fast there.
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const a = Math.abs(x);
  let tail: number;
  if (a > 38.5)
    tail = 0; // below the smallest double
  else if (a < 3) {
    let num = 3.52624965998911e-2 * a + 0.700383064443688;
    num = num * a + 6.37396220353165;
    num = num * a + 33.912866078383;
    num = num * a + 112.079291497871;
    num = num * a + 221.213596169931;
    num = num * a + 220.206867912376;
    let den = 8.83883476483184e-2 * a + 1.75566716318264;
    den = den * a + 16.064177579207;
    den = den * a + 86.7807322029461;
    den = den * a + 296.564248779674;
    den = den * a + 637.333633378831;
    den = den * a + 793.826512519948;
    den = den * a + 440.413735824752;
    tail = (Math.exp((-a * a) / 2) * num) / den;
  } else {
    // Evaluated backwards from a fixed depth; 100 terms reach double precision for x ≥ 3.
    let t = a;
    for (let k = 100; k >= 1; k--) t = a + k / t;
    tail = Math.exp((-a * a) / 2) / Math.sqrt(2 * Math.PI) / t;
  }
  return x > 0 ? 1 - tail : tail;
}

/** 1 − Φ(x) without the cancellation of computing it as a difference. */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

// Acklam's rational approximation of the normal quantile (relative error < 1.2e-9), then refined below.
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

function poly(c: readonly number[], x: number): number {
  let r = 0;
  for (const k of c) r = r * x + k;
  return r;
}

function acklam(p: number): number {
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(C, q) / (poly(D, q) * q + 1);
  }
  if (p <= 1 - P_LOW) {
    const q = p - 0.5;
    const r = q * q;
    return (poly(A, r) * q) / (poly(B, r) * r + 1);
  }
  const q = Math.sqrt(-2 * Math.log(1 - p));
  return -poly(C, q) / (poly(D, q) * q + 1);
}

/** Φ⁻¹(p): the x with Φ(x) = p. ±Infinity at 0 and 1, NaN outside [0, 1]. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // Work in the lower half, where Φ is computed without cancellation, and mirror the upper half.
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = acklam(p);
  // One Halley step against the accurate CDF brings the approximation to full precision.
  const err = normalCdf(x) - p;
  const u = err * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  x -= u / (1 + (x * u) / 2);
  return x;
}
