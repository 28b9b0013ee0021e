// Load shapes as pure functions of time since the start of the run (ms): how many users should be active
// (closed model) and how many arrivals should have happened (open model). Stages ramp linearly from the
// previous stage's target to their own, k6-style; the first stage ramps from `from` (0 by default).

export interface Stage {
  durationMs: number;
  target: number;
}

/** Piecewise-linear level (users, or requests/s) over time; flat at the last target after the end. */
export function levelAt(stages: readonly Stage[], tMs: number, from = 0): number {
  let start = 0;
  let prev = from;
  for (const s of stages) {
    if (tMs < start + s.durationMs) {
      const f = s.durationMs > 0 ? (tMs - start) / s.durationMs : 1;
      return prev + (s.target - prev) * Math.max(0, f);
    }
    start += s.durationMs;
    prev = s.target;
  }
  return prev;
}

export function totalMs(stages: readonly Stage[]): number {
  return stages.reduce((s, x) => s + x.durationMs, 0);
}

/**
 * Closed model with a constant user count: users arrive at `spawnRate` per second until all are in, then
 * hold for the rest of the run. Expressed as stages so one code path serves both.
 */
export function closedStages(users: number, spawnRatePerS: number | undefined, runMs: number): Stage[] {
  if (!spawnRatePerS)
    return [
      { durationMs: 0, target: users },
      { durationMs: runMs, target: users },
    ];
  const rampMs = Math.min(runMs, (users / spawnRatePerS) * 1000);
  const reached = rampMs < runMs ? users : (spawnRatePerS * rampMs) / 1000;
  return [
    { durationMs: rampMs, target: reached },
    { durationMs: runMs - rampMs, target: reached },
  ];
}

/**
 * Open model: arrivals are the integral of a piecewise-linear rate (per second). `arrivalTime(k)` inverts it
 * exactly (a quadratic per segment), giving each request its intended start time.
 */
export class ArrivalSchedule {
  private readonly segs: { t0: number; d: number; r0: number; r1: number; n0: number }[] = [];
  readonly endMs: number;

  constructor(stages: readonly Stage[], from = 0) {
    let t = 0;
    let n = 0;
    let prev = from;
    for (const s of stages) {
      // Rates are per second; times in ms: the number of arrivals in a segment is its area / 1000.
      this.segs.push({ t0: t, d: s.durationMs, r0: prev, r1: s.target, n0: n });
      n += ((prev + s.target) / 2) * (s.durationMs / 1000);
      t += s.durationMs;
      prev = s.target;
    }
    this.endMs = t;
  }

  /** Expected arrivals in [0, t). */
  countAt(tMs: number): number {
    for (const s of this.segs) {
      if (tMs < s.t0 + s.d) {
        const x = Math.max(0, tMs - s.t0) / 1000;
        const slope = s.d > 0 ? (s.r1 - s.r0) / (s.d / 1000) : 0;
        return s.n0 + s.r0 * x + (slope * x * x) / 2;
      }
    }
    const last = this.segs[this.segs.length - 1];
    return last ? last.n0 + ((last.r0 + last.r1) / 2) * (last.d / 1000) : 0;
  }

  /** When arrival number k (from 0) is due, in ms; Infinity when it falls after the end. */
  arrivalTime(k: number): number {
    for (const s of this.segs) {
      const n1 = s.n0 + ((s.r0 + s.r1) / 2) * (s.d / 1000);
      if (k >= n1 || s.d === 0) continue;
      const need = k - s.n0;
      const a = s.d > 0 ? (s.r1 - s.r0) / (s.d / 1000) / 2 : 0;
      let x: number;
      if (Math.abs(a) < 1e-12) x = need / s.r0;
      else {
        // a x^2 + r0 x - need = 0, the root inside the segment.
        const disc = s.r0 * s.r0 + 4 * a * need;
        x = (-s.r0 + Math.sqrt(Math.max(0, disc))) / (2 * a);
      }
      return s.t0 + x * 1000;
    }
    return Number.POSITIVE_INFINITY;
  }
}

/** Think time between a user's requests: fixed, or uniform in [min, max]. */
export function thinkMs(range: { min: number; max: number } | undefined): number {
  if (!range) return 0;
  return range.min + Math.random() * (range.max - range.min);
}
