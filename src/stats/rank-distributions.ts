// Exact null distributions of rank statistics, by counting arrangements (dynamic programming over
// generating functions). Counts are kept as doubles: they exceed 2^53 for larger samples, but only their
// ratios matter, and those keep double precision.

/** Probabilities indexed by the statistic's value (or by twice its value, where noted). */
export type Distribution = Float64Array;

const mwuCache = new Map<string, Distribution>();

/**
 * Distribution of the Mann-Whitney U (pairs where a value of the second sample exceeds one of the first)
 * for samples of m and n distinct values: P(U = u), u = 0 .. m·n.
 * Uses the recurrence on the largest value: it belongs to the second sample (adding m pairs) or the first.
 */
export function mannWhitneyNullDistribution(m: number, n: number): Distribution {
  // U for (m, n) and (n, m) have the same (symmetric) distribution: cache one orientation.
  const a = Math.min(m, n);
  const b = Math.max(m, n);
  const key = `${a},${b}`;
  const hit = mwuCache.get(key);
  if (hit) return hit;
  // f[i] holds counts for i values of the first sample and the current j of the second, as a polynomial in U.
  // Adding one more value of the second sample on top: the arrangement with i first-sample values below it
  // either ends in that value (every one of the i values is below it: U += i) or not.
  let f: Float64Array[] = Array.from({ length: a + 1 }, () => Float64Array.of(1)); // j = 0: U = 0, one way
  for (let j = 1; j <= b; j++) {
    const next: Float64Array[] = [Float64Array.of(1)]; // i = 0: one arrangement, U = 0
    for (let i = 1; i <= a; i++) {
      const g = new Float64Array(i * j + 1);
      // largest is from the second sample: U(i, j) = U(i, j-1) + i
      const fromSecond = f[i] as Float64Array;
      for (let u = 0; u < fromSecond.length; u++) g[u + i] = (g[u + i] as number) + (fromSecond[u] as number);
      // largest is from the first sample: U(i, j) = U(i-1, j)
      const fromFirst = next[i - 1] as Float64Array;
      for (let u = 0; u < fromFirst.length; u++) g[u] = (g[u] as number) + (fromFirst[u] as number);
      next.push(g);
    }
    f = next;
  }
  const counts = f[a] as Float64Array;
  const out = normalise(counts);
  mwuCache.set(key, out);
  return out;
}

/**
 * Distribution of the sum of `size` weights drawn without replacement from `weights` (non-negative
 * integers), every subset equally likely: the permutation distribution of a rank sum with ties, given
 * doubled midranks. P(sum = s), s = 0 .. Σ weights.
 */
export function subsetSumDistribution(weights: readonly number[], size: number): Distribution {
  let total = 0;
  for (const w of weights) total += w;
  // dp[k] = counts of sums over subsets of k weights seen so far.
  const dp: Float64Array[] = Array.from({ length: size + 1 }, () => new Float64Array(total + 1));
  (dp[0] as Float64Array)[0] = 1;
  let reach = 0;
  weights.forEach((w, t) => {
    reach += w;
    for (let k = Math.min(size, t + 1); k >= 1; k--) {
      const to = dp[k] as Float64Array;
      const from = dp[k - 1] as Float64Array;
      for (let s = reach; s >= w; s--) to[s] = (to[s] as number) + (from[s - w] as number);
    }
  });
  return normalise(dp[size] as Float64Array);
}

/**
 * Distribution of Σ (weights with a + sign) when every weight's sign is + or − with probability ½
 * independently: the signed-rank statistic given (doubled mid)ranks. P(sum = s), s = 0 .. Σ weights.
 */
export function signSumDistribution(weights: readonly number[]): Distribution {
  let total = 0;
  for (const w of weights) total += w;
  const dp = new Float64Array(total + 1);
  dp[0] = 1;
  let reach = 0;
  for (const w of weights) {
    reach += w;
    for (let s = reach; s >= w; s--) dp[s] = (dp[s] as number) + (dp[s - w] as number);
  }
  return normalise(dp);
}

const signedRankCache = new Map<number, Distribution>();

/** Distribution of the signed-rank statistic T+ for n non-zero differences without ties: P(T+ = t). */
export function signedRankNullDistribution(n: number): Distribution {
  const hit = signedRankCache.get(n);
  if (hit) return hit;
  const out = signSumDistribution(Array.from({ length: n }, (_, i) => i + 1));
  signedRankCache.set(n, out);
  return out;
}

function normalise(counts: Float64Array): Distribution {
  let sum = 0;
  for (const c of counts) sum += c;
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) out[i] = (counts[i] as number) / sum;
  return out;
}

/** P(X ≤ x) for a distribution over 0 .. length-1. */
export function cdfAt(dist: Distribution, x: number): number {
  let p = 0;
  const top = Math.min(Math.floor(x), dist.length - 1);
  for (let i = 0; i <= top; i++) p += dist[i] as number;
  return Math.min(1, p);
}

/** P(X ≥ x) for a distribution over 0 .. length-1. */
export function sfAt(dist: Distribution, x: number): number {
  let p = 0;
  for (let i = Math.max(0, Math.ceil(x)); i < dist.length; i++) p += dist[i] as number;
  return Math.min(1, p);
}

/** Two-sided p-value: twice the smaller tail at the observed value, capped at 1. */
export function twoSidedP(dist: Distribution, observed: number): number {
  return Math.min(1, 2 * Math.min(cdfAt(dist, observed), sfAt(dist, observed)));
}

/**
 * The largest c with P(X ≤ c) ≤ tail, or −1 when even P(X ≤ 0) exceeds it. Confidence intervals from
 * inverted rank tests take the (c + 1)-th smallest and largest candidate as their bounds.
 */
export function lowerCritical(dist: Distribution, tail: number): number {
  let p = 0;
  // A hair of tolerance so that P exactly equal to the tail (e.g. 1/252 vs 0.005) is not lost to rounding.
  const limit = tail * (1 + 1e-12);
  for (let c = 0; c < dist.length; c++) {
    p += dist[c] as number;
    if (p > limit) return c - 1;
  }
  return dist.length - 1;
}
