// The criteria language: parse `SELECTOR [STAT] OP VALUE`, check it against metrics.

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
  type Selector,
  STATS,
} from './parse.ts';
export type { CriterionConfig, Op, Stat } from './types.ts';
