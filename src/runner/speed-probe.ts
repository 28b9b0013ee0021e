// How fast this machine runs a fixed piece of JavaScript right now. A shared runner can be a third slower
// for minutes when its neighbours are busy; the suites cannot tell that from a slower commit, but a probe
// that never changes can. The runner takes one before each suite and one after the last, and the results
// record their median: the report then says when the baseline's machine was faster or slower than this one.

/** One unit of work: fill 256 pseudo-random numbers, sort them, fold them. Allocation, branches, a sort. */
function unit(seed: number): number {
  const a = new Float64Array(256);
  let x = seed | 1;
  for (let i = 0; i < a.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    a[i] = x;
  }
  a.sort();
  return (a[0] as number) + (a[a.length - 1] as number);
}

export interface ProbeOptions {
  /** Timed slices per probe; the probe reports their median (default 5). */
  slices?: number;
  /** Length of one slice in ms (default 20). */
  sliceMs?: number;
  /** The clock, in ms (tests pass their own). */
  now?: () => number;
}

/**
 * Units of work per second, the median of a few short slices (a slice cut by a context switch or a GC does
 * not move the median). About slices × sliceMs plus a short warm-up.
 */
export function probeSpeed(opts: ProbeOptions = {}): number {
  const slices = opts.slices ?? 5;
  const sliceMs = opts.sliceMs ?? 20;
  const now = opts.now ?? (() => performance.now());
  let sink = 0;
  // Warm-up: the first calls run in the interpreter, not the optimised code the slices should time.
  for (let i = 0; i < 200; i++) sink += unit(i);
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
  const ok = probes.filter((p) => Number.isFinite(p) && p > 0).sort((a, b) => a - b);
  if (ok.length === 0) return undefined;
  const mid = ok.length / 2;
  const median = ok.length % 2 ? (ok[Math.floor(mid)] as number) : ((ok[mid - 1] as number) + (ok[mid] as number)) / 2;
  return Number(median.toPrecision(3));
}
