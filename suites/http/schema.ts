// The `http` kind's perf.yml keys. Durations, rates and think-time ranges are normalised here (ms, per
// second), so the engine never parses units; cross-key rules (model vs keys, captured variables) are checked
// in plan.ts where the message can name the request.

import { z } from 'zod';
import { duration, MAX_DURATION_MS, numberOrText, rate } from '../../src/config/units-schema.ts';
import { convert, parseQuantity, UnitError } from '../../src/model/units.ts';

const ms = (raw: string): number => {
  const q = parseQuantity(raw);
  return q.unit === '' ? q.value : convert(q.value, q.unit, 'ms');
};

/** `10ms` (fixed) or `10ms..50ms` (uniform), in ms. */
export const thinkTime = numberOrText('duration or a range', '10ms or 10ms..50ms').transform((raw, ctx) => {
  try {
    const [a = '', b, ...rest] = typeof raw === 'number' ? [raw, raw] : raw.split('..');
    if (rest.length > 0) throw new UnitError('more than one ".."');
    const min = typeof a === 'number' ? a : ms(a);
    const max = b === undefined ? min : typeof b === 'number' ? b : ms(b);
    if (min < 0) throw new UnitError('a pause cannot be negative');
    if (max < min) throw new UnitError('the range must be MIN..MAX with MIN <= MAX');
    // A pause is a timer: a longer one would fire at once.
    if (max > MAX_DURATION_MS) throw new UnitError('at most 596h');
    return { min, max };
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration or a range such as 10ms or 10ms..50ms: ${(err as Error).message}`,
    });
    return z.NEVER;
  }
});

/** `<100ms`, `<=100ms` or `100ms` (same as <=): a response slower than this counts as failed. */
export const latencyLimit = numberOrText('limit', '"<100ms" or "<=2s"').transform((raw, ctx) => {
  const m = typeof raw === 'number' ? undefined : /^\s*(<=?)?\s*(.+)$/.exec(raw);
  try {
    const value = typeof raw === 'number' ? raw : ms((m?.[2] ?? raw).trim());
    if (value < 0) throw new UnitError('a latency limit cannot be negative');
    return { ms: value, inclusive: m?.[1] !== '<' };
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `expected a limit such as "<100ms" or "<=2s": ${(err as Error).message}` });
    return z.NEVER;
  }
});

const status = z.number().int().min(100).max(599);

export const expectSchema = z.strictObject({
  status: z
    .union([status, z.array(status).min(1)])
    .optional()
    .describe('Accepted status code(s); default: any 2xx or 3xx'),
  latency: latencyLimit.optional().describe('A slower response counts as failed, e.g. "<100ms"'),
  'body-contains': z.string().min(1).optional().describe('Text the response body must contain'),
});

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const REQUEST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const requestSchema = z.strictObject({
  name: z
    .string()
    .regex(REQUEST_NAME, 'use letters, digits, "_", "." or "-" (it names the metrics)')
    .refine((n) => n !== 'all', '"all" names the aggregate of every request; choose another name'),
  method: z
    .string()
    .regex(/^[A-Za-z]+$/, 'an HTTP method such as GET or POST')
    .transform((m) => m.toUpperCase())
    .default('GET'),
  path: z.string().startsWith('/', 'start the path with "/" (the host comes from the suite\'s target)').default('/'),
  query: z.record(z.string(), scalar).optional().describe('Query parameters; values may use templates'),
  headers: z.record(z.string(), scalar).optional(),
  json: z.unknown().optional().describe('A JSON body (templates in strings); sets content-type'),
  body: z.string().optional().describe('A raw body (templates allowed)'),
  weight: z.number().positive().default(1).describe('Relative share of the picks (default 1)'),
  capture: z
    .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name: letters, digits, "_"'), z.string())
    .optional()
    .describe('Per-user variables from the JSON response, e.g. { wid: "$.workflow_id" }'),
  requires: z.array(z.string()).optional().describe('Skip this request until these variables are captured'),
  expect: expectSchema.optional(),
  timeout: duration.optional().describe('Per request (default: the suite timeout key `request-timeout`)'),
  stream: z.enum(['sse', 'chunked']).optional().describe('Measure ttfb, first event/chunk and events per second'),
  until: z
    .strictObject({
      path: z
        .string()
        .startsWith('/', 'start the path with "/" (the host comes from the suite\'s target)')
        .describe('Polled (or followed) with GET after the response; templates may use what this request captured'),
      json: z.string().describe("JSON path in each polled response (or each event's data), e.g. $.state"),
      equals: scalar.describe('The value that means done, e.g. completed'),
      follow: z
        .enum(['poll', 'sse'])
        .default('poll')
        .describe(
          'poll: GET the path every interval; sse: open it once as a Server-Sent Events stream and read each event',
        ),
      interval: duration.default(100).describe('Pause between polls (default 100ms; poll only)'),
      timeout: duration.default(60_000).describe('Longest time to completion, from the first send (default 60s)'),
    })
    .optional()
    .describe(
      'Asynchronous work: after the response, poll a status URL (or follow its event stream) until a JSON path equals a value; the latency is the time to completion',
    ),
});

const stageSchema = z.strictObject({
  duration: duration,
  target: z.union([z.number().nonnegative(), z.string()]).describe('Users (closed model) or a rate like 200/s (open)'),
});

export const loadSchema = z.strictObject({
  model: z.enum(['closed', 'open']).default('closed').describe('closed: users in a loop; open: arrivals at a rate'),
  users: z.number().int().min(1).max(1_000_000).optional().describe('Closed model: concurrent users'),
  'spawn-rate': rate.optional().describe('Closed model: users started per second (default: all at once)'),
  'think-time': thinkTime.optional().describe("Closed model: pause between a user's requests, e.g. 10ms..50ms"),
  rate: rate.optional().describe('Open model: requests per second, started on schedule whatever the latency'),
  duration: duration.optional().describe('Measured run time after warm-up (with users or rate)'),
  stages: z
    .array(stageSchema)
    .min(1)
    .optional()
    .describe('Ramps: each stage moves linearly to its target (users, or a rate) over its duration'),
  warmup: duration.default(0).describe('Excluded from the metrics: with stages, the first part of the stages'),
  'max-in-flight': z.number().int().min(1).optional().describe('Open model: starts beyond this are dropped'),
  shards: z
    .number()
    .int()
    .min(1)
    .max(256)
    .default(1)
    .describe('Legs of a sharded run (--shard i/n) that share this load, each taking 1/shards of the users or rate'),
});

export const httpSchema = z.strictObject({
  target: z
    .string()
    .regex(/^https?:\/\/[^/]+/, 'an http:// or https:// base URL such as http://127.0.0.1:8002')
    .describe('Base URL; request paths are appended to it'),
  load: loadSchema.describe('The load shape: closed (users) or open (rate) model'),
  requests: z.array(requestSchema).min(1, 'add at least one request'),
  setup: z.array(requestSchema).optional().describe('Requests each user runs once before its loop (login)'),
  headers: z.record(z.string(), scalar).optional().describe('Headers sent with every request'),
  workers: z
    .number()
    .int()
    .min(1)
    .max(256)
    .optional()
    .describe('Worker threads generating load (default: cores - 1, at least 1)'),
  connections: z.number().int().min(1).max(100_000).optional().describe('Keep-alive connections (total)'),
  'request-timeout': duration.default(30_000).describe('Default per-request timeout: an error, never a crash'),
  window: duration.default(1000).describe('Sample window: each gives one value per metric for the gate'),
  sessions: z.number().int().min(1).max(100_000).default(64).describe('Open model: user variable sets per worker'),
});

export type HttpConfig = z.output<typeof httpSchema> & { name: string; kind: string };
export type RequestConfig = z.output<typeof requestSchema>;
export type LoadConfig = z.output<typeof loadSchema>;
