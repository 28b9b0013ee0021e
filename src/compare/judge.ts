// From measured results (and a baseline, when there is one) to the gate's verdict: criteria, then
// comparison. Shared by the CLI and the action so both decide the same way.

import type { LoadedBaseline } from '../baseline/store.ts';
import { evaluateCriteria } from '../criteria/index.ts';
import type { CriterionConfig } from '../criteria/types.ts';
import { allMetrics, type ResultsDocument } from '../model/results.ts';
import { type CompareOptions, DEFAULT_COMPARE_OPTIONS } from './options.ts';
import { buildVerdictWithDetails, type DetailedVerdict } from './verdict.ts';

export interface JudgeInput {
  head: ResultsDocument;
  baseline?: LoadedBaseline;
  criteria?: CriterionConfig[];
  options?: CompareOptions;
  /** Compare only these metrics, their noise still estimated from all of the head's (a recheck). */
  focus?: ReadonlySet<string>;
}

/** The verdict document, plus per-metric evidence (n per side, replicates needed) for the report. */
export function judge(input: JudgeInput): DetailedVerdict {
  const criteria = evaluateCriteria(input.criteria ?? [], allMetrics(input.head));
  return buildVerdictWithDetails({
    head: input.head,
    ...(input.baseline ? { base: input.baseline.results, baselineSource: input.baseline.source } : {}),
    ...(input.baseline?.history ? { history: input.baseline.history } : {}),
    ...(input.baseline?.historyProblem ? { historyProblem: input.baseline.historyProblem } : {}),
    criteria,
    options: input.options ?? DEFAULT_COMPARE_OPTIONS,
    ...(input.focus ? { focus: input.focus } : {}),
  });
}
