// Units of metrics and of criteria values. Every unit belongs to a dimension; values convert only
// within a dimension, so "1s" against a req/s metric is an error instead of a silent nonsense pass.

export type Dimension = 'time' | 'rate' | 'percent' | 'size' | 'bandwidth' | 'count';

interface UnitInfo {
  dimension: Dimension;
  /** Multiplier to the dimension's base unit (ms, per second, percent, bytes, count). */
  factor: number;
}

const TIME: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
};
const SIZE: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};
const COUNT_UNITS = new Set(['', 'count', 'x', 'ratio', 'events', 'requests', 'ops', 'items', 'bytes/op', 'allocs/op']);

/** Describe a unit string; undefined when it is not one perf-action knows. */
export function unitInfo(unit: string): UnitInfo | undefined {
  const u = unit.trim();
  if (u in TIME) return { dimension: 'time', factor: TIME[u] as number };
  if (u in SIZE) return { dimension: 'size', factor: SIZE[u] as number };
  if (u === '%') return { dimension: 'percent', factor: 1 };
  // Byte rates ("MB/s", base B/s) are not event rates: 1 MB/s against a req/s metric is an error.
  const bytes = /^([KMG]i?B|B)\/(s|sec|min|m|h)$/.exec(u);
  if (bytes && (bytes[1] as string) in SIZE) {
    const per = bytes[2] === 'min' || bytes[2] === 'm' ? 1 / 60 : bytes[2] === 'h' ? 1 / 3600 : 1;
    return { dimension: 'bandwidth', factor: (SIZE[bytes[1] as string] as number) * per };
  }
  // Rates: "/s", "req/s", "events/s", "ops/min"; the word before the slash names what is counted.
  const rate = /^([A-Za-z_]*)\/(s|sec|min|m|h)$/.exec(u);
  if (rate) {
    const per = rate[2] === 'min' || rate[2] === 'm' ? 1 / 60 : rate[2] === 'h' ? 1 / 3600 : 1;
    return { dimension: 'rate', factor: per };
  }
  if (COUNT_UNITS.has(u)) return { dimension: 'count', factor: 1 };
  return undefined;
}

export function dimensionOf(unit: string): Dimension | undefined {
  return unitInfo(unit)?.dimension;
}

export class UnitError extends Error {
  override name = 'UnitError';
}

/** Convert a value between two units of the same dimension. */
export function convert(value: number, from: string, to: string): number {
  if (from === to) return value;
  const a = unitInfo(from);
  const b = unitInfo(to);
  if (!a) throw new UnitError(`unknown unit "${from}"`);
  if (!b) throw new UnitError(`unknown unit "${to}"`);
  if (a.dimension !== b.dimension) {
    throw new UnitError(`cannot convert ${a.dimension} (${from}) to ${b.dimension} (${to})`);
  }
  return (value * a.factor) / b.factor;
}

/** A value in another unit when the two convert (charts put series of one dimension on one axis); else undefined. */
export function inUnit(value: number, from: string, to: string): number | undefined {
  if (from === to) return value;
  try {
    return convert(value, from, to);
  } catch {
    return undefined;
  }
}

export interface Quantity {
  value: number;
  /** The unit as written, normalised ("100k/s" has unit "/s" and value 100000); "" when unitless. */
  unit: string;
}

const SI: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, G: 1e9 };

/**
 * Parse "250ms", "30s", "100k/s", "1.5M events/s", "50MB", "5%", "1,000", "1e3".
 * SI prefixes (k, M, G) scale the number when a rate or count follows ("100k/s", "2k").
 */
export function parseQuantity(text: string): Quantity {
  const m =
    /^\s*([-+]?(?:\d[\d_,]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-zµ%/_]*(?:\s*[A-Za-z_]*\/[A-Za-z]+)?)\s*$/.exec(
      text,
    );
  if (!m) throw new UnitError(`"${text}" is not a number with an optional unit (e.g. 250ms, 100k/s, 50MB, 5%)`);
  let value = Number((m[1] as string).replace(/[_,]/g, ''));
  let unit = (m[2] as string).replace(/\s+/g, ' ').trim();
  if (!Number.isFinite(value)) throw new UnitError(`"${text}" is not a finite number`);
  // "100k/s", "100k events/s", "2k": a leading SI prefix belongs to the number when a rate or count follows
  // and the whole is not a byte rate ("MB/s" is megabytes per second, not mega-"B/s").
  const prefix = unit[0];
  const rest = unit.slice(1).trim();
  const restDim = rest === '' ? 'count' : unitInfo(rest)?.dimension;
  const byteRate = unitInfo(unit)?.dimension === 'bandwidth';
  if (prefix && prefix in SI && !byteRate && (restDim === 'rate' || restDim === 'count')) {
    value *= SI[prefix] as number;
    unit = rest;
  } else if (unitInfo(unit) === undefined) {
    // "events /s" and the like: spaces inside a unit are not meaningful.
    const compact = unit.replace(/\s+/g, '');
    if (!unitInfo(compact)) {
      throw new UnitError(
        `unknown unit "${unit}" in "${text}"; use one of ns us ms s m h, /s k/s M/s, B KB MB GB KiB MiB GiB, %`,
      );
    }
    unit = compact;
  }
  return { value, unit };
}

/** Parse a quantity and require a dimension; returns the value in `to`. */
export function parseAs(text: string | number, to: string): number {
  if (typeof text === 'number') return text;
  const q = parseQuantity(text);
  const want = dimensionOf(to);
  if (q.unit === '' && want !== 'count') {
    throw new UnitError(`"${text}" needs a unit (${exampleFor(want)})`);
  }
  return convert(q.value, q.unit, to);
}

/** "250ms", "30s", "5m" -> milliseconds. */
export function parseDuration(text: string | number): number {
  return parseAs(text, 'ms');
}

export function exampleFor(dim: Dimension | undefined): string {
  switch (dim) {
    case 'time':
      return 'e.g. 250ms, 30s, 5m';
    case 'rate':
      return 'e.g. 500/s, 100k/s';
    case 'size':
      return 'e.g. 256B, 50MB';
    case 'bandwidth':
      return 'e.g. 10MB/s, 512KiB/s';
    case 'percent':
      return 'e.g. 5%';
    default:
      return 'a plain number';
  }
}

/** Human-friendly rendering of a value in its unit, rescaling durations and sizes ("1.23 s", "456 µs"). */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  const info = unitInfo(unit);
  if (info?.dimension === 'time') {
    const ms = value * info.factor;
    const abs = Math.abs(ms);
    if (abs >= 60_000) return `${round(ms / 60_000)} min`;
    if (abs >= 1000) return `${round(ms / 1000)} s`;
    if (abs >= 1) return `${round(ms)} ms`;
    if (abs >= 1e-3) return `${round(ms * 1e3)} µs`;
    return `${round(ms * 1e6)} ns`;
  }
  if (info?.dimension === 'size') {
    const b = value * info.factor;
    const abs = Math.abs(b);
    if (abs >= 1e9) return `${round(b / 1e9)} GB`;
    if (abs >= 1e6) return `${round(b / 1e6)} MB`;
    if (abs >= 1e3) return `${round(b / 1e3)} KB`;
    return `${round(b)} B`;
  }
  if (info?.dimension === 'bandwidth') {
    const b = value * info.factor;
    const abs = Math.abs(b);
    if (abs >= 1e9) return `${round(b / 1e9)} GB/s`;
    if (abs >= 1e6) return `${round(b / 1e6)} MB/s`;
    if (abs >= 1e3) return `${round(b / 1e3)} KB/s`;
    return `${round(b)} B/s`;
  }
  if (info?.dimension === 'rate') {
    const abs = Math.abs(value);
    const suffix = unit.startsWith('/') ? unit : ` ${unit}`;
    if (abs >= 1e6) return `${round(value / 1e6)}M${suffix}`;
    if (abs >= 1e4) return `${round(value / 1e3)}k${suffix}`;
    return `${round(value)}${suffix}`;
  }
  if (unit === '%') return `${round(value)}%`;
  return unit && unit !== 'count' ? `${round(value)} ${unit}` : `${round(value)}`;
}

/** Three significant digits, without exponent notation for ordinary magnitudes. */
export function round(v: number): string {
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1000) return String(Math.round(v));
  return String(Number(v.toPrecision(3)));
}
