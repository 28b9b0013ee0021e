// `compare-to: auto`: screen head against the stored baseline first, then re-run on this runner, paired, only
// the suites with a metric that looks changed or is too noisy to screen; their verdicts replace the screen's.

import type { CompareOptions } from '../compare/options.ts';
import type { ResultsDocument } from '../model/results.ts';
import { type ComparisonVerdict, criterionBlocks, type VerdictDocument, warning } from '../model/verdict.ts';

/** Verdicts that a same-runner re-run could change or must confirm. */
const NEEDS_CONFIRMATION: ReadonlySet<ComparisonVerdict> = new Set(['regressed', 'improved', 'inconclusive']);

/**
 * The suites whose metrics need confirming on this runner, in the head's order: those with a metric the screen
 * called regressed, improved or inconclusive.
 */
export function suitesToConfirm(screen: VerdictDocument, head: ResultsDocument): string[] {
  // Without a stored baseline nothing could be screened: every suite is confirmed on this runner.
  if (!screen.baseline) return head.suites.filter((s) => s.metrics.length > 0).map((s) => s.name);
  const suiteOf = new Map(head.suites.flatMap((s) => s.metrics.map((m) => [m.id, s.name] as const)));
  const wanted = new Set(
    screen.comparisons.filter((c) => NEEDS_CONFIRMATION.has(c.verdict)).map((c) => suiteOf.get(c.id)),
  );
  return head.suites.map((s) => s.name).filter((n) => wanted.has(n));
}

/**
 * The screen's verdict with the confirmed suites' comparisons replaced by the same-runner ones. Criteria stay
 * the screen's (head's full run); warnings from both, plus which metrics were confirmed on this runner.
 */
export function mergeConfirmed(
  screen: VerdictDocument,
  head: ResultsDocument,
  confirmed: VerdictDocument,
  suites: readonly string[],
  options: CompareOptions,
): VerdictDocument {
  const suiteOf = new Map(head.suites.flatMap((s) => s.metrics.map((m) => [m.id, s.name] as const)));
  const rerun = (id: string) => suites.includes(suiteOf.get(id) ?? id.split('/')[0] ?? '');
  const kept = screen.comparisons.filter((c) => !rerun(c.id));
  const replaced = confirmed.comparisons.filter((c) => rerun(c.id));
  const comparisons = [...kept, ...replaced].sort((a, b) => a.id.localeCompare(b.id));
  const changed = replaced.filter((c) => {
    const before = screen.comparisons.find((x) => x.id === c.id);
    return before && before.verdict !== c.verdict;
  });
  const warnings = [
    ...screen.warnings,
    warning(
      'same-runner',
      `confirmed on this runner (same-runner A/B) for suite${suites.length === 1 ? '' : 's'} ${suites.join(', ')}: ` +
        `${replaced.length} metric${replaced.length === 1 ? '' : 's'}` +
        (changed.length > 0
          ? `; the pairs changed ${changed.map((c) => `${c.id} to ${c.verdict}`).join(', ')}`
          : '; the pairs agreed with the screen'),
    ),
    ...confirmed.warnings,
  ];
  const criteria = screen.criteria;
  const crashed = head.suites.some((s) => !s.ok);
  const criteriaFail = options.failOn.includes('criteria') && criteria.some(criterionBlocks);
  const regressionFail = options.failOn.includes('regression') && comparisons.some((c) => c.verdict === 'regressed');
  const confirmFailed = confirmed.status === 'fail' && confirmed.comparisons.length === 0;
  return {
    ...screen,
    status: criteriaFail || regressionFail || crashed || confirmFailed ? 'fail' : 'pass',
    comparisons,
    warnings,
  };
}

/** Nothing to confirm: the screen stands, and the report says so. */
export function screenOnly(screen: VerdictDocument): VerdictDocument {
  return {
    ...screen,
    warnings: [
      ...screen.warnings,
      warning(
        'same-runner',
        'screened against the stored baseline: every metric was unchanged or new, so nothing was re-run on this runner',
      ),
    ],
  };
}
