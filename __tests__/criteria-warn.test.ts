// Warn-level criteria (`level: warn`): a target whose miss shows ⚠️ and never fails the gate, beside a limit
// that does: the seeds' "✅ under target, ⚠️ over target but under 2x, ❌ over 2x" band.

import { describe, expect, it } from 'vitest';
import { gateStatus } from '../src/compare/verdict.ts';
import { evaluateCriteria } from '../src/criteria/index.ts';
import { ConfigError, parseConfigText } from '../src/index.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import { RESULTS_SCHEMA, type ResultsDocument } from '../src/model/results.ts';
import { VERDICT_SCHEMA, type VerdictDocument } from '../src/model/verdict.ts';
import { renderMarkdown, renderTerminal } from '../src/report/index.ts';

const latency = (p95: number) =>
  makeMetric({
    suite: 'locust',
    name: 'rag_query/latency',
    unit: 'ms',
    better: 'lower',
    stats: { n: 100, mean: p95 / 2, median: p95 / 2, min: 1, max: p95 * 1.2, p95 },
  });

const band = [
  { name: 'RAG limit (2x target)', expect: 'locust/rag_query/latency p95 < 1000ms' },
  { name: 'RAG target', expect: 'locust/rag_query/latency p95 < 500ms', level: 'warn' as const },
];

function gate(p95: number) {
  const criteria = evaluateCriteria(band, [latency(p95)]);
  return {
    criteria,
    status: gateStatus({ criteria, comparisons: [], crashed: 0, failOn: ['criteria', 'regression'] }),
  };
}

describe('warn-level criteria', () => {
  it('passes under the target, warns between target and limit, fails over the limit', () => {
    expect(gate(300).criteria.map((c) => c.status)).toEqual(['pass', 'pass']);
    expect(gate(300).status).toBe('pass');
    expect(gate(700).criteria.map((c) => c.status)).toEqual(['pass', 'warn']);
    expect(gate(700).status).toBe('pass');
    expect(gate(1500).criteria.map((c) => c.status)).toEqual(['fail', 'warn']);
    expect(gate(1500).status).toBe('fail');
    expect(gate(700).criteria[1]?.level).toBe('warn');
    expect(gate(700).criteria[0]?.level).toBeUndefined();
  });

  it('still fails when a warn-level criterion matches no metric (a typo is not a target)', () => {
    const [c] = evaluateCriteria([{ expect: 'locust/typo/latency p95 < 1s', level: 'warn' }], [latency(10)]);
    expect(c?.status).toBe('missing');
    expect(gateStatus({ criteria: c ? [c] : [], comparisons: [], crashed: 0, failOn: ['criteria'] })).toBe('fail');
  });

  it('is shown as a warning: ⚠️ row, a headline that says the target was missed, a yellow tone', () => {
    const { criteria, status } = gate(700);
    const verdict: VerdictDocument = { schema: VERDICT_SCHEMA, status, criteria, comparisons: [], warnings: [] };
    const head: ResultsDocument = {
      schema: RESULTS_SCHEMA,
      createdAt: '2026-12-01T00:00:00.000Z',
      env: { os: 'linux', arch: 'x64', cpu: 'c', cores: 2, node: 'v24' },
      suites: [],
    };
    const md = renderMarkdown({ verdict, head });
    expect(md.split('\n')[1]).toMatch(/^⚠️ \*\*perf-action: passed\*\* — .*1 target missed \(warning only\)/);
    expect(md).toMatch(/\| ⚠️ \| RAG target \|/);
    expect(renderTerminal({ verdict, head })).toMatch(/! +RAG target/);
  });

  it('reads level from perf.yml and rejects other words with the place', () => {
    const yaml = (level: string) => `version: 1
suites:
  - name: locust
    kind: command
    run: "true"
criteria:
  - expect: locust/wall < 1s
    level: ${level}
`;
    expect(parseConfigText(yaml('warn'), 'perf.yml').criteria[0]).toMatchObject({ level: 'warn' });
    expect(() => parseConfigText(yaml('maybe'), 'perf.yml')).toThrow(ConfigError);
    expect(() => parseConfigText(yaml('maybe'), 'perf.yml')).toThrow(/perf\.yml:8:\d+: criteria\[0\]\.level/);
  });
});
