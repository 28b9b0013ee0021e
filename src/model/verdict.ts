// The verdict document (perf-action/verdict@1): the gate's decision and its evidence.

import { z } from 'zod';
import { readDocument } from './documents.ts';
import type { Better } from './results.ts';

export const VERDICT_SCHEMA = 'perf-action/verdict@1';

export type CriterionStatus = 'pass' | 'fail' | 'missing';
export type ComparisonVerdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'new' | 'missing';

export interface CriterionResult {
  name?: string;
  expect: string;
  status: CriterionStatus;
  actual?: number;
  unit?: string;
  /** Why, in a few words: the worst matching metric, the fitted slope, what was missing. */
  detail?: string;
}

export interface Comparison {
  id: string;
  unit: string;
  better: Better;
  base?: number;
  head?: number;
  ratio?: number;
  ci?: [number, number];
  p?: number;
  verdict: ComparisonVerdict;
}

export interface VerdictDocument {
  schema: typeof VERDICT_SCHEMA;
  status: 'pass' | 'fail';
  baseline?: { sha?: string; createdAt: string; source: string };
  criteria: CriterionResult[];
  comparisons: Comparison[];
  warnings: string[];
}

const num = z.number();

const verdictShape = z.object({
  // Any minor version of this major (the tag was checked before); normalised to the one this code writes.
  schema: z.string().transform((): typeof VERDICT_SCHEMA => VERDICT_SCHEMA),
  status: z.enum(['pass', 'fail']),
  baseline: z.object({ sha: z.string().optional(), createdAt: z.string(), source: z.string() }).optional(),
  criteria: z.array(
    z.object({
      name: z.string().optional(),
      expect: z.string(),
      status: z.enum(['pass', 'fail', 'missing']),
      actual: num.optional(),
      unit: z.string().optional(),
      detail: z.string().optional(),
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
      ci: z.tuple([num, num]).optional(),
      p: num.optional(),
      verdict: z.enum(['regressed', 'improved', 'unchanged', 'inconclusive', 'new', 'missing']),
    }),
  ),
  warnings: z.array(z.string()),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _verdictInSync: Same<z.infer<typeof verdictShape>, VerdictDocument> = true;
void _verdictInSync;

export function parseVerdict(text: string, source: string): VerdictDocument {
  return readDocument(text, source, 'verdict', 1, verdictShape) as VerdictDocument;
}
