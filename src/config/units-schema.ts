// Zod types for the unit-bearing values of perf.yml: written as "250ms", "100k/s", "50MB", "5%",
// normalised to milliseconds, per-second rates, bytes and fractions.

import { z } from 'zod';
import { convert, parseQuantity, UnitError } from '../model/units.ts';

/** A value as the user would recognise it in an error message. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Date) return 'a date';
  return typeof value === 'object' ? 'a mapping' : typeof value;
}

/** A number or unit text; anything else (a list, .inf, .nan) gets the same advice as a bad unit. */
export function numberOrText(label: string, example: string) {
  return z.union([z.number(), z.string()], {
    error: (iss) => `expected a ${label} such as ${example}, found ${describeValue(iss.input)}`,
  });
}

function unitValue(to: string, label: string, example: string) {
  return numberOrText(label, example).transform((raw, ctx) => {
    if (typeof raw === 'number') return raw;
    try {
      const q = parseQuantity(raw);
      if (q.unit === '') return q.value;
      return convert(q.value, q.unit, to);
    } catch (err) {
      const why = err instanceof UnitError ? err.message : String(err);
      ctx.addIssue({ code: 'custom', message: `expected a ${label} such as ${example}: ${why}` });
      return z.NEVER;
    }
  });
}

/** Node's timers take at most 2^31 − 1 ms (about 24.8 days); a longer one would fire at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1;
/** A duration, in milliseconds. A bare number is milliseconds. */
export const duration = unitValue('ms', 'duration', '250ms, 30s or 5m').pipe(
  z
    .number()
    .nonnegative('a duration cannot be negative')
    .max(MAX_DURATION_MS, 'at most 596h (timers cannot wait longer; a longer one would fire at once)'),
);
/** A rate, per second. */
export const rate = unitValue('/s', 'rate', '500/s or 100k/s').pipe(z.number().positive('a rate must be above 0/s'));
/** A size, in bytes. */
export const size = unitValue('B', 'size', '256B or 50MB').pipe(z.number().nonnegative('a size cannot be negative'));

/** A percentage ("5%") or a fraction (0.05), as a fraction. */
export const percent = numberOrText('percentage', '5%').transform((raw, ctx) => {
  if (typeof raw === 'number') {
    if (raw < 0) {
      ctx.addIssue({ code: 'custom', message: `a percentage cannot be negative (got ${raw})` });
      return z.NEVER;
    }
    if (raw > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `write percentages with a % sign ("${raw}%"), or a fraction such as 0.05`,
      });
      return z.NEVER;
    }
    return raw;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(raw);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `expected a percentage such as 5% (got "${raw}")` });
    return z.NEVER;
  }
  return Number(m[1]) / 100;
});
