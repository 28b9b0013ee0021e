// How fast this machine runs a fixed piece of JavaScript right now. A shared runner can be a third slower
// for minutes when its neighbours are busy; the suites cannot tell that from a slower commit, but a probe
// that never changes can. The runner takes one before each suite and one after the last, and the results
// record their median: the report then says when the baseline's machine was faster or slower than this one.

import { median } from '../stats/quantile.ts';

/** Reused by every unit: allocating per unit made the probe measure the garbage collector (±25%). */
const buffer = new Float64Array(256);

/** One unit of work: fill 256 pseudo-random numbers, sort them, fold them. Integer math, branches, a sort. */
function unit(seed: number): number {
  let x = seed | 1;
  for (let i = 0; i < buffer.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buffer[i] = x;
  }
  buffer.sort();
  return (buffer[0] as number) + (buffer[buffer.length - 1] as number);
}

export interface ProbeOptions {
  /** Untimed work first, in ms (default 30): until the optimising compiler has run, the probe times the JIT. */
  warmupMs?: number;
  /** Timed slices per probe; the probe reports their median (default 10). */
  slices?: number;
  /** Length of one slice in ms (default 10). */
  sliceMs?: number;
  /** The clock, in ms (tests pass their own). */
  now?: () => number;
}

/**
 * Units of work per second, the median of short slices (a slice cut by a context switch does not move the
 * median). Takes warmupMs + slices × sliceMs: 0.13 s by default.
 */
export function probeSpeed(opts: ProbeOptions = {}): number {
  const warmupMs = opts.warmupMs ?? 30;
  const slices = opts.slices ?? 10;
  const sliceMs = opts.sliceMs ?? 10;
  const now = opts.now ?? (() => performance.now());
  let sink = 0;
  let seed = 0;
  const warmStart = now();
  do {
    for (let i = 0; i < 16; i++) sink += unit(seed++);
  } while (now() - warmStart < warmupMs);
  const rates: number[] = [];
  for (let s = 0; s < slices; s++) {
    const start = now();
    let units = 0;
    let elapsed = 0;
    do {
      for (let i = 0; i < 16; i++) sink += unit(units + i);
      units += 16;
      elapsed = now() - start;
    } while (elapsed < sliceMs);
    rates.push((units / elapsed) * 1000);
  }
  // The sink keeps the work from being optimised away; it is never NaN for these inputs.
  if (Number.isNaN(sink)) throw new Error('speed probe: unexpected NaN');
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] as number;
}

/** The middle of the probes taken during a run, rounded to 3 significant digits (the probe's resolution). */
export function speedOf(probes: readonly number[]): number | undefined {
  const ok = probes.filter((p) => Number.isFinite(p) && p > 0);
  if (ok.length === 0) return undefined;
  return Number(median(ok).toPrecision(3));
}
