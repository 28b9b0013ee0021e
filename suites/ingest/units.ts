// One convention for every tool: durations in ms, sizes in B, byte rates in MB/s, other rates per second
// (ops/s, req/s, elem/s), percentages in %, plain counts as "count". Tools print ns, µs, s, ops/ms, KiB/s...;
// everything converts here, so a criterion like `p95 < 1s` or `>= 500MB/s` means the same whatever the tool.

import type { Better } from '../../src/model/results.ts';

export type UnitKind = 'time' | 'rate' | 'size' | 'percent' | 'count' | 'unknown';

export interface NormalUnit {
  /** The unit perf-action stores. */
  unit: string;
  /** Multiply the tool's value by this to get it in `unit`. */
  factor: number;
  kind: UnitKind;
}

// Maps, not object literals: a unit read from a file ("constructor", "__proto__") must not find
// Object.prototype's members and come back as a factor that is a function.

/** Milliseconds per unit of time. */
const TIME_MS = new Map<string, number>(
  Object.entries({
    ps: 1e-9,
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    μs: 1e-3,
    ms: 1,
    s: 1000,
    sec: 1000,
    secs: 1000,
    second: 1000,
    seconds: 1000,
    min: 60_000,
    minute: 60_000,
    minutes: 60_000,
    h: 3_600_000,
    hour: 3_600_000,
  }),
);

/** Bytes per unit of size. */
const SIZE_B = new Map<string, number>(
  Object.entries({
    B: 1,
    b: 1,
    byte: 1,
    bytes: 1,
    KB: 1e3,
    kB: 1e3,
    MB: 1e6,
    GB: 1e9,
    KiB: 1024,
    MiB: 1024 ** 2,
    GiB: 1024 ** 3,
  }),
);

const PER_OP = /\/(op|ops|iter|iteration|call|run|invocation)$/;
const COUNTS = new Set(['', 'count', 'counts', '#', 'x', 'times', 'allocs', 'allocs/op', 'objects', 'items']);
const PERCENT = new Set(['%', 'percent', 'percentage', 'pct']);
const SI = new Map<string, number>(Object.entries({ K: 1e3, k: 1e3, M: 1e6, G: 1e9 }));

export function normalizeUnit(raw: string): NormalUnit {
  const u = raw.trim();
  const time = TIME_MS.get(u);
  if (time !== undefined) return { unit: 'ms', factor: time, kind: 'time' };
  if (PERCENT.has(u.toLowerCase())) return { unit: '%', factor: 1, kind: 'percent' };
  if (COUNTS.has(u.toLowerCase())) return { unit: 'count', factor: 1, kind: 'count' };
  const size = SIZE_B.get(u);
  if (size !== undefined) return { unit: 'B', factor: size, kind: 'size' };
  // "ns/op", "ms/iter", "B/op": a time or size per operation is just that time or size.
  const perOp = PER_OP.exec(u);
  if (perOp) {
    const head = u.slice(0, perOp.index);
    const headTime = TIME_MS.get(head);
    if (headTime !== undefined) return { unit: 'ms', factor: headTime, kind: 'time' };
    const headSize = SIZE_B.get(head);
    if (headSize !== undefined) return { unit: 'B', factor: headSize, kind: 'size' };
    if (COUNTS.has(head.toLowerCase())) return { unit: 'count', factor: 1, kind: 'count' };
  }
  // Rates: "<what>/<time>", the time converted to seconds; byte rates to MB/s (Go's and most tools' unit).
  const rate = /^(.*?)\/\s*([A-Za-zµμ]+)$/.exec(u);
  const per = rate ? TIME_MS.get(rate[2] as string) : undefined;
  if (rate && per !== undefined) {
    const perSecond = 1000 / per;
    const what = (rate[1] as string).trim();
    const bytes = SIZE_B.get(what);
    if (bytes !== undefined) return { unit: 'MB/s', factor: (bytes / 1e6) * perSecond, kind: 'rate' };
    // "Kelem/s", "Mops/s": an SI prefix on the counted thing (criterion, Google Benchmark's text).
    const prefixed = /^([KkMG])(elem|ops|op|req|items|events)$/.exec(what);
    if (prefixed) {
      return { unit: `${prefixed[2]}/s`, factor: (SI.get(prefixed[1] as string) as number) * perSecond, kind: 'rate' };
    }
    const word = what === '' ? '' : /^[A-Za-z_]+$/.test(what) ? what : undefined;
    if (word !== undefined) return { unit: `${word}/s`, factor: perSecond, kind: 'rate' };
  }
  return { unit: u, factor: 1, kind: 'unknown' };
}

/** The direction a unit implies: rates up, everything else down. Percentages depend on what they count. */
export function betterFor(kind: UnitKind): Better {
  return kind === 'rate' ? 'higher' : 'lower';
}
