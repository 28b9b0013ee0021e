// run --suite NAME: only the criteria about the selected suites are checked; the others would be `missing`.

import { describe, expect, it } from 'vitest';
import { criteriaForSuites } from '../src/criteria/index.ts';

const criteria = [
  { expect: 'graph/plan[nodes=1000] p95 < 1s' },
  { expect: 'scaling(graph/plan, nodes) <= 1.2' },
  { expect: 'api/*/latency p95 < 200ms' },
  { expect: 'ratio(serial/pydantic, graph/plan) >= 2' },
  { expect: '*/wall < 10s' },
  { expect: 'not a criterion' },
];

describe('criteriaForSuites', () => {
  it('keeps criteria about a selected suite, across suites, or with a glob for the suite', () => {
    expect(criteriaForSuites(criteria, ['graph']).map((c) => c.expect)).toEqual([
      'graph/plan[nodes=1000] p95 < 1s',
      'scaling(graph/plan, nodes) <= 1.2',
      'ratio(serial/pydantic, graph/plan) >= 2',
      '*/wall < 10s',
      'not a criterion',
    ]);
    expect(criteriaForSuites(criteria, ['api']).map((c) => c.expect)).toEqual([
      'api/*/latency p95 < 200ms',
      '*/wall < 10s',
      'not a criterion',
    ]);
  });

  it('keeps every criterion without --suite', () => {
    expect(criteriaForSuites(criteria, [])).toEqual(criteria);
  });
});
