// One robust level per metric per run, and the oriented scale every test works on.
//
// Replicates (fresh processes) of one run: the better-side quartile (the lower quartile of times, the upper
// of throughputs). Contention on a shared runner only ever slows a process, so the slow half of the
// replicates carries the neighbours' noise and the better quartile the code's speed; unlike the best
// replicate it does not rest on one lucky process. Two or three replicates: their median. Time windows of
// one run (http windows, Locust history, pytest rounds): their median, one level for the run.
//
// Oriented values: log of the value (or the value itself on the linear scale, used when any value is zero
// or below), negated for better: higher, so that a larger oriented value is always worse and a positive
// difference head − base is a slowdown.

import type { Better } from '../model/results.ts';
import type { LevelName } from '../model/verdict.ts';
import { quantile } from '../stats/quantile.ts';

export type Scale = 'log' | 'linear';

export interface RunValues {
  values: readonly number[];
  /** The values are windows of one run, not replicates. */
  windows: boolean;
}

export function levelName(run: RunValues, better: Better): LevelName {
  const n = run.values.length;
  if (n === 1) return 'value';
  if (run.windows) return 'window-median';
  if (n <= 3) return 'median';
  return better === 'lower' ? 'lower-quartile' : 'upper-quartile';
}

export function levelOf(run: RunValues, better: Better): number {
  const name = levelName(run, better);
  if (name === 'lower-quartile') return quantile(run.values, 0.25);
  if (name === 'upper-quartile') return quantile(run.values, 0.75);
  return quantile(run.values, 0.5);
}

export function scaleFor(values: Iterable<number>): Scale {
  for (const v of values) if (!(v > 0)) return 'linear';
  return 'log';
}

export function orient(value: number, better: Better, scale: Scale): number {
  const v = scale === 'log' ? Math.log(value) : value;
  return better === 'lower' ? v : -v;
}

export function unorient(value: number, better: Better, scale: Scale): number {
  const v = better === 'lower' ? value : -value;
  return scale === 'log' ? Math.exp(v) : v;
}

/** min-effect as an oriented difference: log(1 + e), or e·|base| on the linear scale (any change from 0). */
export function effectSize(fraction: number, scale: Scale, base: number): number {
  return scale === 'log' ? Math.log1p(fraction) : fraction * Math.abs(base);
}
