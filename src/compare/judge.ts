// From measured results (and a baseline, when there is one) to the gate's verdict: criteria, then
// comparison. Shared by the CLI, the action and the library so all decide the same way.

import type { LoadedBaseline } from '../baseline/store.ts';
import { evaluateCriteria } from '../criteria/index.ts';
import type { CriterionConfig } from '../criteria/types.ts';
import { allMetrics, type ResultsDocument } from '../model/results.ts';
import type { VerdictDocument } from '../model/verdict.ts';
import { type CompareOptions, DEFAULT_COMPARE_OPTIONS } from './options.ts';
import { buildVerdict } from './verdict.ts';

export interface JudgeInput {
  /** The head's first run (criteria are checked on it). */
  head: ResultsDocument;
  /** Runs added to decide (decide-more.ts), pooled with the first per metric. */
  more?: readonly ResultsDocument[];
  baseline?: LoadedBaseline;
  criteria?: CriterionConfig[];
  options?: CompareOptions;
  /** Why the baseline could not be loaded (a store that failed, not one that has none yet). */
  baselineProblem?: string;
}

export function judge(input: JudgeInput): VerdictDocument {
  const criteria = evaluateCriteria(input.criteria ?? [], allMetrics(input.head));
  return buildVerdict({
    heads: [input.head, ...(input.more ?? [])],
    ...(input.baseline ? { base: input.baseline.results, baselineSource: input.baseline.source } : {}),
    ...(input.baseline?.history ? { history: input.baseline.history } : {}),
    ...(input.baseline?.historyProblem ? { historyProblem: input.baseline.historyProblem } : {}),
    ...(input.baseline?.fallback ? { baselineFallback: input.baseline.fallback } : {}),
    ...(!input.baseline && input.baselineProblem ? { baselineProblem: input.baselineProblem } : {}),
    criteria,
    options: input.options ?? DEFAULT_COMPARE_OPTIONS,
  });
}
