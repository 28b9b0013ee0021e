// The criteria language: parse `SELECTOR [STAT] OP VALUE` (SELECTOR may be scaling(), ratio() or diff()), check
// it against metrics.

export { compare, evaluateCriteria, readStat } from './evaluate.ts';
export {
  CriteriaConfigError,
  type CriterionProblem,
  CriterionSyntaxError,
  checkCriteria,
  describeCriterion,
  OPS,
  type ParsedCriterion,
  parseCriterion,
  type RelativeKind,
  type Selector,
  STATS,
} from './parse.ts';
export { criteriaForSuites } from './scope.ts';
export type {
  CriterionConfig,
  EvaluatedCriterion,
  Op,
  RelativeEvidence,
  RelativePair,
  RelativeSide,
  Stat,
} from './types.ts';
