// Accepting a known regression: a pull request label (the action's accept-label) makes this PR's regressions
// non-blocking. The verdict keeps every row as judged and records who accepted which rows; failed criteria
// stay blocking unless perf.yml allows waiving them too (compare.accept-criteria).

import { type Acceptance, criterionBlocks, type VerdictDocument } from '../model/verdict.ts';
import type { CompareOptions } from './options.ts';
import { gateStatus } from './verdict.ts';

export interface AcceptOptions {
  label: string;
  /** Login of whoever added the label, when GitHub said. */
  by?: string;
  /** Failed and missing criteria are waived too (perf.yml compare.accept-criteria: true). */
  waiveCriteria: boolean;
  failOn: CompareOptions['failOn'];
  /** Suites that failed: never waived, a failed suite hides what it would have measured. */
  crashed: number;
}

export function acceptRegressions(verdict: VerdictDocument, opts: AcceptOptions): VerdictDocument {
  const metrics = verdict.comparisons.filter((c) => c.verdict === 'regressed').map((c) => c.id);
  const criteria = opts.waiveCriteria ? verdict.criteria.filter(criterionBlocks).map((c) => c.expect) : [];
  const accepted: Acceptance = { label: opts.label, ...(opts.by ? { by: opts.by } : {}), metrics, criteria };
  const failOn = opts.failOn.filter((f) => f !== 'regression' && !(opts.waiveCriteria && f === 'criteria'));
  return {
    ...verdict,
    status: gateStatus({ criteria: verdict.criteria, comparisons: verdict.comparisons, crashed: opts.crashed, failOn }),
    accepted,
  };
}
