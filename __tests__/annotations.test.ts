// Annotations of the check: failed criteria and regressions land on the perf.yml line that decided them.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotationsFor, MAX_ANNOTATIONS } from '../src/action/annotations.ts';
import { parseConfigText } from '../src/index.ts';
import { type Comparison, VERDICT_SCHEMA, type VerdictDocument } from '../src/model/verdict.ts';

const YAML = `version: 1
id: ann
suites:
  - name: graph
    kind: command
    run: "true"

  - name: api
    kind: command
    run: "true"
criteria:
  - graph/wall < 1s
  - name: api fast
    expect: api/wall median < 200ms
`;

function comparison(id: string, verdict: Comparison['verdict'], base = 100, head = 130): Comparison {
  return { id, unit: 'ms', better: 'lower', base, head, ratio: head / base, verdict } as Comparison;
}

function verdictWith(comparisons: Comparison[], failedCriteria: boolean): VerdictDocument {
  return {
    schema: VERDICT_SCHEMA,
    status: 'fail',
    criteria: [
      { expect: 'graph/wall < 1s', status: 'pass', actual: 5, unit: 'ms' },
      {
        name: 'api fast',
        expect: 'api/wall median < 200ms',
        status: failedCriteria ? 'fail' : 'pass',
        actual: 250,
        unit: 'ms',
        detail: 'api/wall median = 250 ms',
      },
    ],
    comparisons,
    warnings: [],
  } as unknown as VerdictDocument;
}

describe('annotations', () => {
  const config = parseConfigText(YAML, '/ws/app/perf.yml');

  it('knows the line of each suite and criterion', () => {
    expect(config.lines).toEqual({ suites: { graph: 4, api: 8 }, criteria: [12, 14] });
  });

  it('puts a failed criterion on its line and a regression on its suite line, relative to the workspace', () => {
    const v = verdictWith([comparison('api/wall', 'regressed'), comparison('graph/wall', 'unchanged', 100, 101)], true);
    const out = annotationsFor(
      v,
      {
        file: path.join('/ws', 'app', 'perf.yml'),
        ...(config.lines ? { lines: config.lines } : {}),
        regressionsGate: true,
      },
      '/ws',
    );
    expect(out).toEqual([
      {
        level: 'error',
        message: 'api/wall median < 200ms: fail (api/wall median = 250 ms)',
        props: { title: 'perf-action: api fast', file: 'app/perf.yml', startLine: 14 },
      },
      {
        level: 'error',
        message: 'api/wall regressed: 100 ms → 130 ms (+30.0%)',
        props: { title: 'perf-action: api regressed', file: 'app/perf.yml', startLine: 8 },
      },
    ]);
  });

  it('makes regressions warnings when they do not gate, and sums up what GitHub would not show', () => {
    const many = Array.from({ length: 14 }, (_, i) => comparison(`graph/op${i}`, 'regressed'));
    const out = annotationsFor(verdictWith(many, false), { file: 'perf.yml', regressionsGate: false }, undefined);
    expect(out).toHaveLength(MAX_ANNOTATIONS);
    expect(out.every((a) => a.level === 'warning')).toBe(true);
    expect(out.at(-1)?.message).toMatch(/^5 more metrics regressed: graph\/op9, .*graph\/op13 \(see the report\)$/);
    expect(out[0]?.props).toEqual({ title: 'perf-action: graph regressed', file: 'perf.yml' });
  });
});
