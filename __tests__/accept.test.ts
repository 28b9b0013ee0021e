// Accepting a known regression with a PR label: the rows stay as judged, the gate stops failing on them, and
// failed criteria and failed suites keep failing unless the config waives criteria.

import { describe, expect, it } from 'vitest';
import { acceptRegressions } from '../src/compare/accept.ts';
import { type Comparison, type CriterionResult, VERDICT_SCHEMA, type VerdictDocument } from '../src/model/verdict.ts';

const row = (id: string, verdict: Comparison['verdict']): Comparison =>
  ({ id, unit: 'ms', better: 'lower', base: 10, head: 13, ratio: 1.3, verdict }) as Comparison;

function verdict(criteria: CriterionResult[], comparisons: Comparison[]): VerdictDocument {
  return { schema: VERDICT_SCHEMA, status: 'fail', criteria, comparisons, warnings: [] };
}

const failing: CriterionResult = { expect: 'a/op < 1ms', status: 'fail', actual: 13, unit: 'ms' };
const both = ['criteria', 'regression'] as Array<'criteria' | 'regression'>;

describe('acceptRegressions', () => {
  it('passes a gate that failed only on regressions, naming the label, who and the rows', () => {
    const v = verdict([], [row('a/op', 'regressed'), row('b/op', 'unchanged'), row('c/op', 'regressed')]);
    const out = acceptRegressions(v, {
      label: 'accept-regression',
      by: 'maintainer',
      waiveCriteria: false,
      failOn: both,
      crashed: 0,
    });
    expect(out.status).toBe('pass');
    expect(out.accepted).toEqual({
      label: 'accept-regression',
      by: 'maintainer',
      metrics: ['a/op', 'c/op'],
      criteria: [],
    });
    // The rows are not rewritten: a reviewer still sees what regressed.
    expect(out.comparisons.map((c) => c.verdict)).toEqual(['regressed', 'unchanged', 'regressed']);
  });

  it('keeps a failed criterion failing unless the config waives criteria', () => {
    const v = verdict([failing], [row('a/op', 'regressed')]);
    expect(acceptRegressions(v, { label: 'l', waiveCriteria: false, failOn: both, crashed: 0 }).status).toBe('fail');
    const waived = acceptRegressions(v, { label: 'l', waiveCriteria: true, failOn: both, crashed: 0 });
    expect(waived.status).toBe('pass');
    expect(waived.accepted?.criteria).toEqual(['a/op < 1ms']);
  });

  it('never waives a failed suite', () => {
    const v = verdict([], [row('a/op', 'regressed')]);
    expect(acceptRegressions(v, { label: 'l', waiveCriteria: true, failOn: both, crashed: 1 }).status).toBe('fail');
  });
});
