// Zod types for the unit-bearing values of perf.yml: written as "250ms", "100k/s", "50MB", "5%",
// normalised to milliseconds, per-second rates, bytes and fractions.

import { z } from 'zod';
import { convert, parseQuantity, UnitError } from '../model/units.ts';

function unitValue(to: string, label: string, example: string) {
  return z.union([z.number(), z.string()]).transform((raw, ctx) => {
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

/** A duration, in milliseconds. A bare number is milliseconds. */
/** Node's timers take at most 2^31 − 1 ms (about 24.8 days); a longer one would fire at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1;
export const duration = unitValue('ms', 'duration', '250ms, 30s or 5m').pipe(
  z
    .number()
    .nonnegative('a duration cannot be negative')
    .max(MAX_DURATION_MS, 'at most 596h (timers cannot wait longer; a longer one would fire at once)'),
);
/** A rate, per second. */
export const rate = unitValue('/s', 'rate', '500/s or 100k/s').pipe(z.number().positive());
/** A size, in bytes. */
export const size = unitValue('B', 'size', '256B or 50MB').pipe(z.number().nonnegative());

/** A percentage ("5%") or a fraction (0.05), as a fraction. */
export const percent = z.union([z.number(), z.string()]).transform((raw, ctx) => {
  if (typeof raw === 'number') {
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
