// Variance moderation (empirical Bayes, after Smyth 2004): many variances, each estimated from few degrees
// of freedom, borrow strength from one another. Their spread tells how different the true variances are:
// if the estimates scatter no more than chi-square sampling explains, they share one variance and each
// estimate is pulled all the way to the common value; the more they scatter beyond that, the less each is
// pulled. The result is a posterior variance per item with more degrees of freedom than its own estimate.
//
// Model: s²ᵢ ~ σ²ᵢ χ²(dᵢ)/dᵢ, with 1/σ²ᵢ ~ χ²(d₀)/(d₀ s₀²). The prior (d₀, s₀²) comes from the moments of
// log s²ᵢ, whose mean and variance for a chi-square are known through digamma and trigamma.
// Only valid for independent items: variances that share a component (every metric slowed by the same
// machine) must have it removed first, or the agreement would pass for certainty.

import { digamma, inverseTrigamma, trigamma } from './polygamma.ts';

export interface VariancePrior {
  /** Prior degrees of freedom: how many degrees of freedom the shared value is worth to each item. */
  df: number;
  /** Prior (typical) variance. */
  variance: number;
}

export interface ModeratedVariance {
  variance: number;
  df: number;
}

/** Fewer items than this say too little about how their variances differ. */
export const MIN_ITEMS_TO_MODERATE = 8;

/**
 * The prior from estimated variances and their degrees of freedom; undefined when fewer than
 * MIN_ITEMS_TO_MODERATE are positive and finite. `df` is capped at the degrees of freedom all items hold
 * together (the common value is estimated from them, and is worth no more).
 *
 * `trust` (0 to 1) scales the prior's degrees of freedom down. The fit is exact when the true variances
 * follow the model; real ones (log-normal across metrics, say) put more weight in the far tail, and a
 * quantile far out (Bonferroni across twenty metrics) then misses more often than it says. At 1/4 the far
 * tails hold in simulation for variances up to a factor of 10 apart (__tests__/stats-moderate.test.ts).
 */
export function fitVariancePrior(
  variances: readonly number[],
  dfs: readonly number[],
  trust = 1,
): VariancePrior | undefined {
  if (!(trust > 0 && trust <= 1)) throw new RangeError(`fitVariancePrior: trust must lie in (0, 1] (got ${trust})`);
  if (variances.length !== dfs.length) throw new RangeError('fitVariancePrior: one df per variance');
  const items: Array<{ s2: number; d: number }> = [];
  variances.forEach((s2, i) => {
    const d = dfs[i] as number;
    if (s2 > 0 && Number.isFinite(s2) && d > 0 && Number.isFinite(d)) items.push({ s2, d });
  });
  const g = items.length;
  if (g < MIN_ITEMS_TO_MODERATE) return undefined;
  // e = log s² − E[log χ²(d)/d] + log σ²: unbiased for log σ² when every σ² is the same.
  const e = items.map(({ s2, d }) => Math.log(s2) - digamma(d / 2) + Math.log(d / 2));
  const mean = e.reduce((a, b) => a + b, 0) / g;
  const scatter = e.reduce((a, b) => a + (b - mean) ** 2, 0) / (g - 1);
  const sampling = items.reduce((a, { d }) => a + trigamma(d / 2), 0) / g;
  const total = items.reduce((a, { d }) => a + d, 0);
  const excess = scatter - sampling;
  // No scatter beyond sampling: one shared variance, estimated best by pooling (the df-weighted mean), and
  // as sure as all the items together make it.
  if (!(excess > 0)) {
    return { df: trust * total, variance: items.reduce((a, { s2, d }) => a + d * s2, 0) / total };
  }
  const d0 = Math.min(2 * inverseTrigamma(excess), total);
  return { df: trust * d0, variance: Math.exp(mean + digamma(d0 / 2) - Math.log(d0 / 2)) };
}

/** An item's posterior variance: its own estimate and the prior, weighted by their degrees of freedom. */
export function moderateVariance(variance: number, df: number, prior: VariancePrior | undefined): ModeratedVariance {
  if (!prior || !(prior.df > 0)) return { variance, df };
  const d = Number.isFinite(variance) && df > 0 ? df : 0;
  const own = d > 0 ? variance : 0;
  return { variance: (prior.df * prior.variance + d * own) / (prior.df + d), df: prior.df + d };
}
