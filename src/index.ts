// perf-action's public library API.

export {
  type BenchDefinition,
  type BenchOptions,
  defineBench,
  type ParamGrid,
  type ParamsOf,
} from '../suites/bench/index.ts';
export { suiteKinds } from '../suites/index.ts';
export { FileBaselineStore, readResultsFile, writeJsonAtomic } from './baseline/file.ts';
export type { BaselineStore, LoadedBaseline } from './baseline/store.ts';
export { compareResults } from './compare/compare.ts';
export { type JudgeInput, judge } from './compare/judge.ts';
export { type CompareOptions, DEFAULT_COMPARE_OPTIONS } from './compare/options.ts';
export { buildVerdict } from './compare/verdict.ts';
export { ConfigError, defineConfig, type LoadedConfig, type PerfConfig } from './config/load.ts';
export { checkCriteria, evaluateCriteria, parseCriterion } from './criteria/index.ts';
export type { CriterionConfig } from './criteria/types.ts';
export { type MetricInput, makeMetric } from './model/make-metric.ts';
export { formatMetricId, parseMetricId } from './model/metric-id.ts';
export {
  type Metric,
  type MetricStats,
  parseResults,
  RESULTS_SCHEMA,
  type ResultsDocument,
  type SuiteResult,
} from './model/results.ts';
export { convert, formatValue, parseAs, parseDuration, parseQuantity } from './model/units.ts';
export {
  type Comparison,
  type CriterionResult,
  parseVerdict,
  VERDICT_SCHEMA,
  type VerdictDocument,
} from './model/verdict.ts';
export { type ReportInput, renderJson, renderMarkdown, renderTerminal } from './report/index.ts';
export { type RunOptions, type RunOutcome, runSuites } from './runner/run.ts';
export { defineSuiteKind, type SuiteContext, type SuiteKind, SuiteSetupError } from './runner/suite-kind.ts';
export { summarize } from './stats/summary.ts';
export { type Dag, type DagOptions, generateDag } from './workloads/dag.ts';

import { suiteKinds } from '../suites/index.ts';
import {
  type LoadedConfig,
  loadConfig as loadConfigOf,
  type PerfConfig,
  parseConfigText as parseOf,
} from './config/load.ts';
import type { SuiteKind } from './runner/suite-kind.ts';

/** Reads perf.yml (or perf.config.ts; found in `cwd` when `file` is absent) with the built-in suite kinds. */
export function loadConfig(
  file?: string,
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    kinds?: readonly SuiteKind[];
    importModule?: (file: string) => Promise<unknown>;
  } = {},
): Promise<LoadedConfig> {
  return loadConfigOf(file, { ...opts, kinds: opts.kinds ?? suiteKinds });
}

/** Parses perf.yml text with the built-in suite kinds; `${VAR}` expands from `env`. */
export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv = {}): PerfConfig {
  return parseOf(text, file, suiteKinds, env);
}
