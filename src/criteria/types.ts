// A criterion as written in perf.yml: `expect: SELECTOR [STAT] OP VALUE`, with an optional label.

import type { CriterionResult } from '../model/verdict.ts';

export interface CriterionConfig {
  name?: string;
  expect: string;
  /** Where it is written, such as `perf.yml:12:13`: errors about it lead with this, so users find the line. */
  where?: string;
  /** warn: a target; missing it shows ⚠️ and does not fail the gate (a limit beside it can). */
  level?: 'fail' | 'warn';
}

export type Stat = 'mean' | 'median' | 'min' | 'max' | 'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'p999' | 'sd' | 'n';
export type Op = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** One side of a ratio(A, B) or diff(A, B) pair: the metric and its STAT in its own unit. */
export interface RelativeSide {
  id: string;
  /** Absent when the statistic could not be read (the pair is then `missing`). */
  value?: number;
  unit: string;
}

/** One metric of A checked against its partner in B. */
export interface RelativePair {
  a: RelativeSide;
  b: RelativeSide;
  /** stat(A) / stat(B) (unit "x"), or stat(A) − stat(B) in A's unit (B converted first); absent when missing. */
  value?: number;
  unit: string;
  /** VALUE in that unit. */
  limit: number;
  status: 'pass' | 'fail' | 'missing';
}

/** What a ratio(A, B) or diff(A, B) criterion was decided on, pair by pair. */
export interface RelativeEvidence {
  kind: 'ratio' | 'diff';
  stat: Stat;
  pairs: RelativePair[];
  /** Metrics with no partner on the other side (no metric with the same parameter set). */
  unpaired: Array<{ side: 'a' | 'b'; id: string }>;
  /** Parameter sets that several metrics of A and several of B share: which to pair is not known. */
  ambiguous: Array<{ a: string[]; b: string[] }>;
}

/** A criterion's result; ratio(A, B) and diff(A, B) also carry the pairs they were decided on. */
export interface EvaluatedCriterion extends CriterionResult {
  relative?: RelativeEvidence;
}
