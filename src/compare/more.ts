// Decide, don't shrug: which suites to run again after a look. A metric gets another head run when it is
// inconclusive (more data may decide it) or regressed in fewer runs than the gate may take (a regression must
// show in every run, so a slow spell of one run cannot fail the gate alone). Exact rows are exact already.

import type { ResultsDocument } from '../model/results.ts';
import type { Comparison, VerdictDocument } from '../model/verdict.ts';
import type { CompareOptions } from './options.ts';

export function wantsAnotherRun(c: Comparison, options: CompareOptions): boolean {
  const e = c.evidence;
  if (!e || e.test === 'exact' || e.test === 'paired') return false;
  if (e.headRuns >= options.runs) return false;
  if (c.verdict === 'regressed') return true;
  // A threshold row is decided by its threshold; only a regression there needs a second run.
  return c.verdict === 'inconclusive' && e.test !== 'threshold';
}

/** The suites (by name, in the head's order) that measured a metric wanting another run. */
export function suitesToRunAgain(verdict: VerdictDocument, head: ResultsDocument, options: CompareOptions): string[] {
  if (!verdict.baseline || options.runs <= 1) return [];
  const wanted = new Set(verdict.comparisons.filter((c) => wantsAnotherRun(c, options)).map((c) => c.id));
  return head.suites.filter((s) => s.ok && s.metrics.some((m) => wanted.has(m.id))).map((s) => s.name);
}

/** Predicted time of running these suites again: their durations in the first run. */
export function predictedMs(head: ResultsDocument, suites: readonly string[]): number {
  return head.suites.filter((s) => suites.includes(s.name)).reduce((a, s) => a + s.durationMs, 0);
}
