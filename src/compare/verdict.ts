// The verdict document: comparisons, criteria and the gate's pass/fail, with every warning a reader needs
// to trust (or distrust) the result.

import type { HistoryDocument } from '../baseline/history.ts';
import type { ResultsDocument } from '../model/results.ts';
import { type Comparison, type CriterionResult, VERDICT_SCHEMA, type VerdictDocument } from '../model/verdict.ts';
import { type ComparisonDetail, compareResults } from './compare.ts';
import type { CompareOptions } from './options.ts';

export interface BuildVerdictArgs {
  head: ResultsDocument;
  base?: ResultsDocument;
  /** Where the baseline came from (cache key, file path), shown in reports. */
  baselineSource?: string;
  /** The baseline's history: earlier runs that show each metric's run-to-run noise. */
  history?: HistoryDocument;
  /** Why a history that exists could not be used (reported as a warning). */
  historyProblem?: string;
  criteria: CriterionResult[];
  options: CompareOptions;
  /** Compare only these metrics (compareResults `focus`): a recheck's second run. */
  focus?: ReadonlySet<string>;
}

export interface DetailedVerdict {
  verdict: VerdictDocument;
  /** Per-comparison evidence keyed by metric id (replicates, noise, replicates needed to decide). */
  details: Record<string, ComparisonDetail>;
}

/**
 * The gate fails when failOn has 'criteria' and a criterion failed or matched nothing, when failOn has
 * 'regression' and a metric regressed, and always when a head suite crashed: a suite that did not finish
 * cannot show that nothing regressed.
 */
export function buildVerdictWithDetails(args: BuildVerdictArgs): DetailedVerdict {
  const { head, base, criteria, options } = args;
  const outcome = compareResults(base, head, options, args.history, args.focus);
  const warnings: string[] = [];

  const crashed = head.suites.filter((s) => !s.ok);
  for (const s of crashed) {
    const why = s.error ? `: ${s.error}` : '';
    warnings.push(`suite ${JSON.stringify(s.name)} failed${why}; the gate fails because its results are incomplete`);
  }
  if (!base) {
    const n = outcome.comparisons.length;
    warnings.push(
      `no baseline: ${n} metric${n === 1 ? '' : 's'} recorded as new; regressions were not checked, only criteria`,
    );
  } else {
    for (const s of base.suites.filter((x) => !x.ok)) {
      warnings.push(`the baseline's suite ${JSON.stringify(s.name)} had not finished; its metrics may be incomplete`);
    }
    if (args.historyProblem) warnings.push(args.historyProblem);
  }
  warnings.push(...outcome.warnings);

  const status = gateStatus({
    criteria,
    comparisons: outcome.comparisons,
    crashed: crashed.length,
    failOn: options.failOn,
  });

  const verdict: VerdictDocument = {
    schema: VERDICT_SCHEMA,
    status,
    ...(base
      ? {
          baseline: {
            ...(base.git?.sha ? { sha: base.git.sha } : {}),
            createdAt: base.createdAt,
            source: args.baselineSource ?? 'unknown',
          },
        }
      : {}),
    criteria,
    comparisons: outcome.comparisons,
    warnings,
  };
  return { verdict, details: outcome.details };
}

/** The gate's status from its parts (the rule above buildVerdictWithDetails). */
export function gateStatus(parts: {
  criteria: readonly CriterionResult[];
  comparisons: readonly Comparison[];
  crashed: number;
  failOn: CompareOptions['failOn'];
}): 'pass' | 'fail' {
  const criteriaFail = parts.failOn.includes('criteria') && parts.criteria.some((c) => c.status !== 'pass');
  const regressionFail =
    parts.failOn.includes('regression') && parts.comparisons.some((c) => c.verdict === 'regressed');
  return criteriaFail || regressionFail || parts.crashed > 0 ? 'fail' : 'pass';
}

export function buildVerdict(args: BuildVerdictArgs): VerdictDocument {
  return buildVerdictWithDetails(args).verdict;
}
