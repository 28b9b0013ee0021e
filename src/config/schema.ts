// The schema of perf.yml. Suite kinds contribute their own keys through the registry, so this one
// schema validates a whole file and also generates schema/perf.schema.json for editors.

import { z } from 'zod';
import type { SuiteKind } from '../runner/suite-kind.ts';
import { duration, percent } from './units-schema.ts';

export const SUITE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

const readyTarget = z
  .string()
  .regex(/^(https?:\/\/|tcp:\/\/|rediss?:\/\/)/, 'expected an http(s)://, tcp://host:port or redis:// URL');

export const serviceSchema = z.strictObject({
  name: z.string().regex(SUITE_NAME, 'use letters, digits, "_", "." or "-"'),
  run: z.string().min(1),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  ready: readyTarget.optional(),
  timeout: duration.default(30_000),
});

export const compareSchema = z.strictObject({
  'min-effect': percent.default(0.05),
  confidence: percent.default(0.99),
  'fail-on': z.array(z.enum(['criteria', 'regression'])).default(['criteria', 'regression']),
  ignore: z.array(z.string()).default([]),
  seed: z.number().int().default(1),
  runs: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(3)
    .describe(
      'Most head runs the gate may take: undecided metrics and regressions seen in one run get another run of their suites (1: the first run decides)',
    ),
  budget: duration.default(600_000).describe('Time the gate may spend on added runs (default 10m)'),
  threshold: percent
    .default(0.25)
    .describe('One value per run and no history yet: a change beyond this ratio regresses (default 25%)'),
  recheck: z.boolean().optional().describe('Deprecated: recheck: false is runs: 1'),
  'accept-criteria': z
    .boolean()
    .default(false)
    .describe("The action's accept-label waives failed criteria too, not only regressions (default false)"),
});

/** Same-runner A/B mode (`perf-action ab`): how the base commit is prepared and how many rounds to run. */
export const abSchema = z.strictObject({
  setup: z
    .string()
    .min(1)
    .optional()
    .describe('Shell command run in the base worktree before measuring (install, build), e.g. "npm ci"'),
  rounds: z.number().int().min(2).max(1000).default(10).describe('Pairs at the first look; later looks at multiples'),
  'max-rounds': z
    .number()
    .int()
    .min(2)
    .max(10_000)
    .default(90)
    .describe('Never more pairs than this (ab.time-budget bounds them too)'),
  'time-budget': duration.default(1_200_000).describe('Stop starting rounds after this long (default 20m)'),
  order: z.enum(['abba', 'random']).default('abba').describe('Which side runs first in each round'),
  'compare-to': z
    .enum(['baseline', 'base', 'auto'])
    .default('auto')
    .describe(
      'In the action: baseline compares with the stored baseline; base re-runs the base commit on this runner; ' +
        'auto (default) screens with the stored baseline and re-runs only what it leaves open, where the base commit can be checked out',
    ),
});

export const criterionSchema = z.union([
  z.strictObject({
    name: z.string().optional(),
    expect: z.string().min(1),
    level: z
      .enum(['fail', 'warn'])
      .optional()
      .describe('fail (default): a miss fails the gate; warn: a target, shown as ⚠️ when missed, never failing'),
  }),
  z.string().min(1),
]);

/** Keys every suite has, whatever its kind. */
export const commonSuiteKeys = {
  name: z.string().regex(SUITE_NAME, 'use letters, digits, "_", "." or "-" (the name starts every metric id)'),
  timeout: duration.optional(),
  grid: z
    .record(z.string(), z.array(z.union([z.number(), z.string(), z.boolean()])).min(1))
    .optional()
    .describe(
      'Run the suite once per combination, e.g. { users: [10, 50, 100] }; {{grid.users}} in its values takes each value, and its metrics get [users=...]',
    ),
  ladder: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'With a one-key grid: climb its values in order while every criterion holds on that step, stop at the first that fails, and report <suite>/max_<key>',
    ),
};

export function buildConfigSchema(kinds: readonly SuiteKind[]) {
  const variants = kinds.map((k) =>
    z.strictObject({ ...commonSuiteKeys, kind: z.literal(k.name), ...k.schema.shape }).describe(k.description),
  );
  const suite =
    variants.length === 1
      ? (variants[0] as (typeof variants)[number])
      : z.discriminatedUnion(
          'kind',
          variants as unknown as [(typeof variants)[number], ...(typeof variants)[number][]],
        );
  return z.strictObject({
    $schema: z.string().optional(),
    version: z.literal(1),
    id: z.string().regex(SUITE_NAME).optional().describe('Config id: names the sticky PR comment and the baseline'),
    'pass-env': z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name'))
      .default([])
      .describe(
        'Variables passed to suites, services and commands although they look like secrets (ACTIONS_*, INPUT_*, GITHUB_TOKEN, GH_TOKEN are removed otherwise)',
      ),
    services: z.array(serviceSchema).default([]),
    suites: z.array(suite).min(1, 'add at least one suite'),
    criteria: z.array(criterionSchema).default([]),
    ab: abSchema.optional().describe('Same-runner A/B mode: perf-action ab --base REF'),
    compare: compareSchema.default({
      'min-effect': 0.05,
      confidence: 0.99,
      'fail-on': ['criteria', 'regression'],
      ignore: [],
      seed: 1,
      runs: 3,
      budget: 600_000,
      threshold: 0.25,
      'accept-criteria': false,
    }),
  });
}
