// Percentile bootstrap: resample with replacement, recompute the statistic, read the interval off the
// quantiles of the resampled statistics. Seeded, so the same inputs always give the same interval.

import { quantileSorted } from './quantile.ts';
import { randomIndex, type Uniform } from './random.ts';
import { makeRng } from './rng.ts';

export interface BootstrapOptions {
  /** Resamples to draw (default 2000). */
  resamples?: number;
  /** Two-sided confidence level (default 0.95). */
  confidence?: number;
  /** Seed of the generator (default 1); ignored when `rng` is given. */
  seed?: number;
  rng?: Uniform;
}

export interface BootstrapResult {
  /** The statistic on the original data. */
  estimate: number;
  lower: number;
  upper: number;
  resamples: number;
}

function settings(options: BootstrapOptions): { resamples: number; confidence: number; rng: Uniform } {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new RangeError(`resamples must be a positive integer`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1), got ${confidence}`);
  return { resamples, confidence, rng: options.rng ?? makeRng(options.seed ?? 1) };
}

function resample(values: readonly number[], rng: Uniform, into: number[]): number[] {
  for (let i = 0; i < values.length; i++) into[i] = values[randomIndex(rng, values.length)] as number;
  return into;
}

function interval(estimate: number, stats: number[], confidence: number): BootstrapResult {
  stats.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return {
    estimate,
    lower: quantileSorted(stats, tail),
    upper: quantileSorted(stats, 1 - tail),
    resamples: stats.length,
  };
}

/** Percentile bootstrap interval of `statistic` over one sample. */
export function bootstrap(
  values: readonly number[],
  statistic: (sample: readonly number[]) => number,
  options: BootstrapOptions = {},
): BootstrapResult {
  if (values.length === 0) throw new RangeError('bootstrap: needs at least one value');
  const { resamples, confidence, rng } = settings(options);
  const buffer = new Array<number>(values.length);
  const stats: number[] = [];
  for (let b = 0; b < resamples; b++) stats.push(statistic(resample(values, rng, buffer)));
  return interval(statistic(values), stats, confidence);
}

/** Percentile bootstrap of a two-sample statistic, resampling each sample on its own. */
export function bootstrapTwoSample(
  x: readonly number[],
  y: readonly number[],
  statistic: (x: readonly number[], y: readonly number[]) => number,
  options: BootstrapOptions = {},
): BootstrapResult {
  if (x.length === 0 || y.length === 0) throw new RangeError('bootstrapTwoSample: both samples need values');
  const { resamples, confidence, rng } = settings(options);
  const bx = new Array<number>(x.length);
  const by = new Array<number>(y.length);
  const stats: number[] = [];
  for (let b = 0; b < resamples; b++) stats.push(statistic(resample(x, rng, bx), resample(y, rng, by)));
  return interval(statistic(x, y), stats, confidence);
}
