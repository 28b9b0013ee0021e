// The verdict document (perf-action/verdict@2): the gate's decision and, per row, the evidence it rests on.
// Version 2 adds typed evidence per comparison and typed warnings; readers still accept @1 (its warnings were
// plain strings and become `{ code: 'note', message }`).

import { z } from 'zod';
import type { RelativeEvidence } from '../criteria/types.ts';
import { DocumentError, formatPath } from './documents.ts';
import type { Better } from './results.ts';

export const VERDICT_SCHEMA = 'perf-action/verdict@2';

/** warn: a criterion of `level: warn` that failed (shown, never gating); fail and missing gate. */
export type CriterionStatus = 'pass' | 'warn' | 'fail' | 'missing';

/** Whether a criterion's result fails the gate (when criteria gate at all). */
export function criterionBlocks(c: { status: CriterionStatus }): boolean {
  return c.status === 'fail' || c.status === 'missing';
}
export type ComparisonVerdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'new' | 'missing';

export interface CriterionResult {
  name?: string;
  expect: string;
  status: CriterionStatus;
  actual?: number;
  unit?: string;
  /** Why, in a few words: the worst matching metric, the fitted slope, what was missing. */
  detail?: string;
  /** ratio(A, B) and diff(A, B): every pair the criterion was decided on, and the metrics left unpaired. */
  relative?: RelativeEvidence;
  /** `level: warn` in perf.yml: a target whose miss is shown as ⚠️ without failing the gate. */
  level?: 'warn';
}

/**
 * Which test decided a row (docs/verdict.md has one section each):
 * - history: the head's run level against the prediction from earlier main runs (one-sided t);
 * - rank: the head's replicates against the baseline's (one-sided Mann-Whitney, Hodges-Lehmann interval);
 * - threshold: one level per run and no history: a plain ratio threshold;
 * - exact: every value on each side equal (or a zero baseline): compared exactly;
 * - paired: same-runner interleaved pairs (signed-rank, Hodges-Lehmann, sequential looks).
 */
export type TestName = 'history' | 'rank' | 'threshold' | 'exact' | 'paired';

/** How each run's level was taken from its values. */
export type LevelName = 'lower-quartile' | 'upper-quartile' | 'median' | 'value' | 'window-median';

export interface Evidence {
  test: TestName;
  /** log: changes are ratios head/base; linear: differences head − base (values of zero or below). */
  scale: 'log' | 'linear';
  level: LevelName;
  /** Values behind Base and Head: replicates (rank, exact), pairs (paired), or runs (history, threshold). */
  nBase: number;
  nHead: number;
  /** Head runs pooled (the first run, and any run added to decide). */
  headRuns: number;
  /** history: earlier main runs behind the prediction, the prediction's sd (log or unit) and its df. */
  historyRuns?: number;
  sd?: number;
  df?: number;
  /** history: the slope on the suite's reference workload when it was used as a covariate. */
  covariate?: number;
  /** history: its slowest run was a slow outlier (a slow spell of the machine) and was left out. */
  slowSpell?: boolean;
  /** One-sided level each end of the interval was computed at (after the multiple-comparison adjustment). */
  alpha?: number;
  /** Benjamini-Hochberg across the run: tests in the family, rejections on the worse side, looks planned. */
  family?: { size: number; rejected: number; looks: number };
  /** threshold: the ratio threshold used (0.25 = 25%). */
  threshold?: number;
  /** Interval of the change: ratios (log scale) or differences in `unit` (linear scale). */
  interval?: [number, number];
  /** Smallest change (fraction, or difference on the linear scale) the test would have called regressed. */
  detectable?: number;
  /** A regression seen in one run but not beyond min-effect in every head run. */
  unconfirmed?: boolean;
  /** Behind `unchanged`: the row's own interval at α/looks (ratios or differences), within twice min-effect. */
  equivalence?: [number, number];
}

export interface Comparison {
  id: string;
  unit: string;
  better: Better;
  /** Base and head are the same statistic (evidence.level of each side; the history's prediction for base). */
  base?: number;
  head?: number;
  /** head / base of those levels (log scale). */
  ratio?: number;
  /** The interval the decision used, as ratios (log scale). */
  ci?: [number, number];
  /** One-sided p-value of the worse direction, before adjustment. */
  p?: number;
  verdict: ComparisonVerdict;
  evidence?: Evidence;
}

export type WarningCode =
  | 'note'
  | 'suite-failed'
  | 'no-baseline'
  | 'baseline-unavailable'
  | 'baseline-incomplete'
  | 'baseline-fallback'
  | 'history-unusable'
  | 'environment'
  | 'unit-mismatch'
  | 'undecided'
  | 'no-history'
  | 'runs-added'
  | 'unconfirmed'
  | 'same-runner';

export interface VerdictWarning {
  code: WarningCode;
  message: string;
  metrics?: string[];
  values?: Record<string, number | string>;
}

/** Regressions (and, where perf.yml allows, failed criteria) a pull request label made non-blocking. */
export interface Acceptance {
  label: string;
  /** Who added the label, when GitHub said. */
  by?: string;
  /** Metric ids whose regression was accepted: the rows stay as judged. */
  metrics: string[];
  /** Expectations of failed criteria waived (compare.accept-criteria: true). */
  criteria: string[];
}

export interface VerdictDocument {
  schema: typeof VERDICT_SCHEMA;
  status: 'pass' | 'fail';
  baseline?: { sha?: string; createdAt: string; source: string };
  criteria: CriterionResult[];
  comparisons: Comparison[];
  warnings: VerdictWarning[];
  accepted?: Acceptance;
}

const num = z.number();
const pair = z.tuple([num, num]);

const evidenceShape = z.object({
  test: z.enum(['history', 'rank', 'threshold', 'exact', 'paired']),
  scale: z.enum(['log', 'linear']),
  level: z.enum(['lower-quartile', 'upper-quartile', 'median', 'value', 'window-median']),
  nBase: num,
  nHead: num,
  headRuns: num,
  historyRuns: num.optional(),
  sd: num.optional(),
  df: num.optional(),
  covariate: num.optional(),
  slowSpell: z.boolean().optional(),
  alpha: num.optional(),
  family: z.object({ size: num, rejected: num, looks: num }).optional(),
  threshold: num.optional(),
  interval: pair.optional(),
  detectable: num.optional(),
  unconfirmed: z.boolean().optional(),
  equivalence: pair.optional(),
});

const statShape = z.enum(['mean', 'median', 'min', 'max', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'sd', 'n']);
const criterionStatus = z.enum(['pass', 'fail', 'missing']);
const criterionResultStatus = z.enum(['pass', 'warn', 'fail', 'missing']);
const relativeSide = z.object({ id: z.string(), value: num.optional(), unit: z.string() });

const relativeShape = z.object({
  kind: z.enum(['ratio', 'diff']),
  stat: statShape,
  pairs: z.array(
    z.object({
      a: relativeSide,
      b: relativeSide,
      value: num.optional(),
      unit: z.string(),
      limit: num,
      status: criterionStatus,
    }),
  ),
  unpaired: z.array(z.object({ side: z.enum(['a', 'b']), id: z.string() })),
  ambiguous: z.array(z.object({ a: z.array(z.string()), b: z.array(z.string()) })),
});

const warningShape = z.object({
  code: z.enum([
    'note',
    'suite-failed',
    'no-baseline',
    'baseline-unavailable',
    'baseline-incomplete',
    'baseline-fallback',
    'history-unusable',
    'environment',
    'unit-mismatch',
    'undecided',
    'no-history',
    'runs-added',
    'unconfirmed',
    'same-runner',
  ]),
  message: z.string(),
  metrics: z.array(z.string()).optional(),
  values: z.record(z.string(), z.union([num, z.string()])).optional(),
});

const verdictShape = z.object({
  schema: z.string().transform((): typeof VERDICT_SCHEMA => VERDICT_SCHEMA),
  status: z.enum(['pass', 'fail']),
  baseline: z.object({ sha: z.string().optional(), createdAt: z.string(), source: z.string() }).optional(),
  criteria: z.array(
    z.object({
      name: z.string().optional(),
      expect: z.string(),
      status: criterionResultStatus,
      actual: num.optional(),
      unit: z.string().optional(),
      detail: z.string().optional(),
      relative: relativeShape.optional(),
      level: z.literal('warn').optional(),
    }),
  ),
  comparisons: z.array(
    z.object({
      id: z.string(),
      unit: z.string(),
      better: z.enum(['lower', 'higher']),
      base: num.optional(),
      head: num.optional(),
      ratio: num.optional(),
      ci: pair.optional(),
      p: num.optional(),
      verdict: z.enum(['regressed', 'improved', 'unchanged', 'inconclusive', 'new', 'missing']),
      evidence: evidenceShape.optional(),
    }),
  ),
  // @1 wrote plain strings.
  warnings: z.array(
    z.union([warningShape, z.string().transform((message): VerdictWarning => ({ code: 'note', message }))]),
  ),
  accepted: z
    .object({
      label: z.string(),
      by: z.string().optional(),
      metrics: z.array(z.string()),
      criteria: z.array(z.string()),
    })
    .optional(),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _verdictInSync: Same<z.infer<typeof verdictShape>, VerdictDocument> = true;
void _verdictInSync;

/** Reads verdict@1 and @2 (any minor version); other majors are refused with a clear error. */
export function parseVerdict(text: string, source: string): VerdictDocument {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new DocumentError(source, `is not valid JSON (${(err as Error).message})`);
  }
  const tag = (data as { schema?: unknown } | null)?.schema;
  const m = typeof tag === 'string' ? /^perf-action\/verdict@(\d+)(?:\.\d+)*$/.exec(tag) : null;
  if (!m) throw new DocumentError(source, 'is not a perf-action/verdict document (its "schema" field)');
  if (m[1] !== '1' && m[1] !== '2') {
    throw new DocumentError(
      source,
      `uses ${String(tag)}, a major version this perf-action cannot read (it reads perf-action/verdict@1 and @2)`,
    );
  }
  const parsed = verdictShape.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DocumentError(source, `is corrupt at ${issue ? formatPath(issue.path) : '$'}: ${issue?.message}`);
  }
  return parsed.data;
}

/** A warning with the metrics it names. */
export function warning(
  code: WarningCode,
  message: string,
  metrics?: readonly string[],
  values?: Record<string, number | string>,
): VerdictWarning {
  return {
    code,
    message,
    ...(metrics && metrics.length > 0 ? { metrics: [...metrics] } : {}),
    ...(values ? { values } : {}),
  };
}
