// The verdict document: comparisons, criteria and the gate's pass/fail, with every warning a reader needs.

import type { HistoryDocument } from '../baseline/history.ts';
import type { ResultsDocument } from '../model/results.ts';
import {
  type Comparison,
  type CriterionResult,
  criterionBlocks,
  VERDICT_SCHEMA,
  type VerdictDocument,
  type VerdictWarning,
  warning,
} from '../model/verdict.ts';
import { compareResults } from './compare.ts';
import type { CompareOptions } from './options.ts';

export interface BuildVerdictArgs {
  /** The head's runs: the first (criteria are checked on it), then any the gate added to decide. */
  heads: readonly ResultsDocument[];
  base?: ResultsDocument;
  /** Where the baseline came from (cache key, file path), shown in reports. */
  baselineSource?: string;
  history?: HistoryDocument;
  /** Why a history that exists could not be used (reported as a warning). */
  historyProblem?: string;
  /** The baseline is not the one asked for (reported as a warning). */
  baselineFallback?: string;
  /** Why no baseline could be loaded although one may exist (the cache service failed, a corrupt entry). */
  baselineProblem?: string;
  criteria: CriterionResult[];
  options: CompareOptions;
}

/**
 * The gate fails when failOn has 'criteria' and a criterion failed or matched nothing, when failOn has
 * 'regression' and a metric regressed, and always when a head suite crashed: a suite that did not finish
 * cannot show that nothing regressed.
 */
export function buildVerdict(args: BuildVerdictArgs): VerdictDocument {
  const { heads, base, criteria, options } = args;
  const head = heads[0] as ResultsDocument;
  const outcome = base
    ? compareResults({ base, heads, ...(args.history ? { history: args.history } : {}), options })
    : compareResults({ heads: [head], options });
  const warnings: VerdictWarning[] = [];
  const crashed = head.suites.filter((s) => !s.ok);
  for (const s of crashed) {
    warnings.push(
      warning(
        'suite-failed',
        `suite ${JSON.stringify(s.name)} failed${s.error ? `: ${s.error}` : ''}; the gate fails because its results are incomplete`,
        undefined,
        { suite: s.name },
      ),
    );
  }
  if (!base) {
    const n = outcome.comparisons.length;
    warnings.push(
      args.baselineProblem
        ? warning(
            'baseline-unavailable',
            `the baseline could not be loaded: ${args.baselineProblem}; regressions were not checked, only criteria`,
          )
        : warning(
            'no-baseline',
            `no baseline: ${n} metric${n === 1 ? '' : 's'} recorded as new; regressions were not checked, only criteria`,
          ),
    );
  } else {
    for (const s of base.suites.filter((x) => !x.ok)) {
      warnings.push(
        warning(
          'baseline-incomplete',
          `the baseline's suite ${JSON.stringify(s.name)} had not finished; its metrics may be incomplete`,
          undefined,
          {
            suite: s.name,
          },
        ),
      );
    }
    if (args.historyProblem) warnings.push(warning('history-unusable', args.historyProblem));
    if (args.baselineFallback) warnings.push(warning('baseline-fallback', args.baselineFallback));
  }
  warnings.push(...outcome.warnings);
  return {
    schema: VERDICT_SCHEMA,
    status: gateStatus({ criteria, comparisons: outcome.comparisons, crashed: crashed.length, failOn: options.failOn }),
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
}

/** The gate's status from its parts (the rule above buildVerdict). */
export function gateStatus(parts: {
  criteria: readonly CriterionResult[];
  comparisons: readonly Comparison[];
  crashed: number;
  failOn: CompareOptions['failOn'];
}): 'pass' | 'fail' {
  const criteriaFail = parts.failOn.includes('criteria') && parts.criteria.some(criterionBlocks);
  const regressionFail =
    parts.failOn.includes('regression') && parts.comparisons.some((c) => c.verdict === 'regressed');
  return criteriaFail || regressionFail || parts.crashed > 0 ? 'fail' : 'pass';
}
