import { z } from 'zod';
import { duration } from '../../src/config/units-schema.ts';
import { INGEST_FORMATS, type IngestFormat } from '../ingest/types.ts';

export const COMMAND_METRICS = ['wall', 'ready', 'cpu', 'peak_rss'] as const;
export type CommandMetric = (typeof COMMAND_METRICS)[number];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const readyUrl = z
  .string()
  .regex(/^(https?:\/\/|tcp:\/\/)[^/\s]+/, 'expected an http(s):// URL or tcp://host:port, or { log: REGEX }');

const logRegex = z
  .string()
  .min(1)
  .superRefine((src, ctx) => {
    try {
      new RegExp(src);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
    }
  });

// `ready: http://...` is the short form; the object form also takes a log regex and a timeout.
const readySchema = z
  .union([
    readyUrl,
    z.strictObject({
      url: readyUrl.optional().describe('http(s):// URL (ready when it answers below 500) or tcp://host:port'),
      log: logRegex.optional().describe('Ready when a line of stdout or stderr matches this regular expression'),
      timeout: duration.optional().describe('Longest wait for readiness in each run (default 30s)'),
    }),
  ])
  .transform((v, ctx) => {
    const r = typeof v === 'string' ? { url: v } : v;
    if ((r.url === undefined) === (r.log === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of url or log' });
      return z.NEVER;
    }
    return { ...r, timeout: r.timeout ?? 30_000 };
  });

// Values become environment variables and parts of metric ids (`[AGENTS=20]`), so keep id syntax out of them.
const paramValue = z.union([
  z.number(),
  z.string().regex(/^[^,=[\]\s]+$/, 'parameter values cannot contain spaces or , = [ ]'),
]);

export const commandSchema = z.strictObject({
  run: z.string().min(1).optional().describe('Command line, run with sh -c (give run or argv)'),
  argv: z.array(z.string()).min(1).optional().describe('Program and arguments, run without a shell'),
  env: z.record(z.string().regex(ENV_NAME), scalar).optional().describe('Extra environment variables'),
  cwd: z.string().optional().describe('Working folder, relative to the config file (default: its folder)'),
  repeat: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .describe('Measured runs per parameter set (default 5; 1 with ingest)'),
  warmup: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .optional()
    .describe('Unmeasured runs first, per parameter set: cold caches, .pyc files (default 1; 0 with ingest)'),
  'run-timeout': duration.default(600_000).describe('Longest one run may take; then its process tree is killed'),
  ready: readySchema
    .optional()
    .describe('A server: measure the time until it is ready, then stop it (URL, or { log: REGEX, timeout })'),
  params: z
    .record(z.string().regex(ENV_NAME, 'parameter names are environment variable names'), z.array(paramValue).min(1))
    .optional()
    .describe('Grid of values, exported as environment variables; each combination is measured separately'),
  ingest: z
    .strictObject({
      format: z
        .enum(['auto', ...INGEST_FORMATS] as [IngestFormat | 'auto', ...Array<IngestFormat | 'auto'>])
        .default('auto')
        .describe('Output format of the tool, or auto'),
      file: z.string().min(1).describe('Results file the command writes, relative to the config file'),
      better: z
        .union([z.enum(['higher', 'lower']), z.record(z.string().min(1), z.enum(['higher', 'lower']))])
        .optional()
        .describe(
          'Direction of the metrics: higher or lower for every metric whose tool output does not say it, or a map from metric-name globs to a direction that always wins',
        ),
    })
    .optional()
    .describe("Read a benchmark tool's results after the last run; its metrics are named under the suite"),
  metrics: z
    .array(z.enum(COMMAND_METRICS))
    .min(1)
    .optional()
    .describe('Which to report (default: wall or ready, cpu, peak_rss)'),
  'sample-interval': duration
    .pipe(z.number().min(5, 'sample at most every 5 ms'))
    .default(25)
    .describe('How often the process tree is sampled for peak RSS'),
  'stop-timeout': duration.default(5000).describe('Grace between SIGTERM and SIGKILL when stopping the process tree'),
});

export type CommandSuiteConfig = z.output<typeof commandSchema> & { name: string; kind: string };
