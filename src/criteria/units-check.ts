// Unit mismatches found when the config is read, not after the suites have run: where a suite's kind says
// what unit a metric name is measured in, each criterion that names that metric is checked against the unit
// by the very rule evaluation applies (evaluate.ts limitFor). Where the unit is not known before the run
// (command output, ingested tools, globbed names), the check is left to evaluation, as before.

import { splitParams } from '../model/metric-id.ts';
import { limitFor, thresholdFor } from './evaluate.ts';
import { CriteriaConfigError, type CriterionProblem, parseCriterion } from './parse.ts';
import type { CriterionConfig } from './types.ts';

/** What the check needs of a suite: its name, its kind's metric units, and its ladder's criteria. */
export interface SuiteUnits {
  name: string;
  /** Unit by the metric name's last segment; `*` for every metric the kind yields. */
  units?: Readonly<Record<string, string>>;
  /** `ladder:` criteria; a ladder also yields `max_<key>`, a count. */
  ladder?: readonly string[];
  /** Where the suite is written (`perf.yml:14`), to place its ladder's criteria. */
  where?: string;
}

const GLOB = /[*?]/;

/** The unit `pattern` is measured in, when its suite and metric name are literal and the kind says. */
export function unitOf(pattern: string, suites: readonly SuiteUnits[]): string | undefined {
  const { base } = splitParams(pattern);
  const segments = base.split('/');
  const first = segments[0] ?? '';
  const last = segments[segments.length - 1] ?? '';
  if (segments.length < 2 || GLOB.test(first) || GLOB.test(last)) return undefined;
  const suite = suites.find((s) => s.name === first);
  if (!suite?.units) return undefined;
  if (suite.ladder && /^max_/.test(last) && segments.length === 2) return 'count';
  return suite.units[last] ?? suite.units['*'];
}

/** Throws CriteriaConfigError naming every criterion whose VALUE cannot be read in its metric's unit. */
export function checkCriteriaUnits(criteria: readonly CriterionConfig[], suites: readonly SuiteUnits[]): void {
  const problems: CriterionProblem[] = [];
  const check = (index: number, config: CriterionConfig) => {
    let parsed: ReturnType<typeof parseCriterion>;
    try {
      parsed = parseCriterion(config.expect);
    } catch {
      return; // syntax is checkCriteria's to report
    }
    const { selector } = parsed;
    // scaling() is a slope and ratio() a plain factor: their VALUE has no unit of the metric's.
    if (selector.kind !== 'metric' && selector.kind !== 'diff') return;
    const unit = unitOf(selector.pattern, suites);
    if (unit === undefined) return;
    try {
      const metric = { id: selector.pattern, unit };
      // diff(A, B) reads VALUE in A's unit as it is; a plain selector may also take a rate on a time.
      if (selector.kind === 'diff') thresholdFor(index, config, parsed, metric);
      else limitFor(index, config, parsed, metric);
    } catch (err) {
      if (!(err instanceof CriteriaConfigError)) throw err;
      problems.push(...err.problems);
    }
  };
  for (const [i, c] of criteria.entries()) check(i + 1, c);
  for (const s of suites) {
    for (const [i, expect] of (s.ladder ?? []).entries())
      check(i + 1, { expect, where: `${s.where ?? `suite ${s.name}`} ladder[${i}]` });
  }
  if (problems.length > 0) throw new CriteriaConfigError(problems);
}
