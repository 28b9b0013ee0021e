import { describe, expect, it } from 'vitest';
import { DocumentError } from '../src/model/documents.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import { parseResults, RESULTS_SCHEMA, type ResultsDocument } from '../src/model/results.ts';
import { parseVerdict, VERDICT_SCHEMA, type VerdictDocument } from '../src/model/verdict.ts';

function results(): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    createdAt: '2026-11-01T00:00:00.000Z',
    git: { sha: 'abc123', ref: 'refs/heads/main' },
    env: { os: 'linux 6.1', arch: 'x64', cpu: 'Test CPU', cores: 2, node: 'v20.20.2' },
    suites: [
      {
        name: 'graph',
        kind: 'bench',
        ok: true,
        durationMs: 1200,
        metrics: [
          makeMetric({
            suite: 'graph',
            name: 'plan',
            params: { nodes: 1000 },
            unit: 'ms',
            better: 'lower',
            samples: [1, 2, 3],
          }),
        ],
      },
    ],
  };
}

function verdict(): VerdictDocument {
  return {
    schema: VERDICT_SCHEMA,
    status: 'fail',
    baseline: { sha: 'def', createdAt: '2026-10-31T00:00:00.000Z', source: 'base.json' },
    criteria: [{ name: 'x', expect: 'graph/plan p95 < 1s', status: 'fail', actual: 1200, unit: 'ms', detail: 'worst' }],
    comparisons: [
      {
        id: 'graph/plan[nodes=1000]',
        unit: 'ms',
        better: 'lower',
        base: 1,
        head: 2,
        ratio: 2,
        ci: [1.5, 2.5],
        p: 0.001,
        verdict: 'regressed',
      },
    ],
    warnings: [{ code: 'environment', message: 'different CPU' }],
  };
}

describe('results document reader', () => {
  it('round-trips a valid document', () => {
    const doc = results();
    expect(parseResults(JSON.stringify(doc), 'r.json')).toEqual(doc);
    expect(doc.suites[0]?.metrics[0]?.id).toBe('graph/plan[nodes=1000]');
    expect(doc.suites[0]?.metrics[0]?.stats.median).toBe(2);
  });

  it('rejects an unknown major version, naming the file and what it reads', () => {
    const doc = { ...results(), schema: 'perf-action/results@2' };
    expect(() => parseResults(JSON.stringify(doc), 'base.json')).toThrow(
      /base\.json: uses perf-action\/results@2, a major version this perf-action cannot read/,
    );
  });

  it('accepts a byte-order mark before the JSON', () => {
    expect(parseResults(`\uFEFF${JSON.stringify(results())}`, 'r.json').suites).toHaveLength(1);
  });

  it('accepts a newer minor version of the same major', () => {
    const doc = { ...results(), schema: 'perf-action/results@1.3' };
    expect(parseResults(JSON.stringify(doc), 'r.json').suites).toHaveLength(1);
  });

  it('rejects another document kind, missing schema, truncated and empty files', () => {
    expect(() => parseResults(JSON.stringify(verdict()), 'v.json')).toThrow(
      /is a "perf-action\/verdict@2" document; expected "perf-action\/results@1"/,
    );
    expect(() => parseResults('{"suites": []}', 'x.json')).toThrow(/has no "schema" field/);
    const text = JSON.stringify(results());
    expect(() => parseResults(text.slice(0, text.length / 2), 'cut.json')).toThrow(
      /cut\.json: is not valid JSON.*truncated/,
    );
    expect(() => parseResults('', 'empty.json')).toThrow(/the file is empty/);
    expect(() => parseResults('[1,2]', 'arr.json')).toThrow(DocumentError);
  });

  it('names the JSON path of a corrupt field', () => {
    const doc = results() as unknown as { suites: Array<{ metrics: Array<{ stats: { median: unknown } }> }> };
    (doc.suites[0]?.metrics[0]?.stats as { median: unknown }).median = 'fast';
    expect(() => parseResults(JSON.stringify(doc), 'c.json')).toThrow(
      /c\.json: is corrupt at \$\.suites\[0\]\.metrics\[0\]\.stats\.median/,
    );
    const doc2 = results() as unknown as { suites: Array<{ metrics: Array<{ better: string }> }> };
    (doc2.suites[0]?.metrics[0] as { better: string }).better = 'faster';
    expect(() => parseResults(JSON.stringify(doc2), 'c.json')).toThrow(/\$\.suites\[0\]\.metrics\[0\]\.better/);
  });
});

describe('verdict document reader', () => {
  it('round-trips and rejects unknown majors and corrupt fields', () => {
    const v = verdict();
    expect(parseVerdict(JSON.stringify(v), 'v.json')).toEqual(v);
    expect(() => parseVerdict(JSON.stringify({ ...v, schema: 'perf-action/verdict@9' }), 'v.json')).toThrow(
      /verdict@9/,
    );
    expect(() => parseVerdict(JSON.stringify({ ...v, status: 'maybe' }), 'v.json')).toThrow(/\$\.status/);
    const bad = { ...v, comparisons: [{ ...v.comparisons[0], verdict: 'worse' }] };
    expect(() => parseVerdict(JSON.stringify(bad), 'v.json')).toThrow(/\$\.comparisons\[0\]\.verdict/);
  });

  it('still reads verdict@1, whose warnings were plain strings', () => {
    const old = { ...verdict(), schema: 'perf-action/verdict@1', warnings: ['different CPU'] };
    const v = parseVerdict(JSON.stringify(old), 'old.json');
    expect(v.schema).toBe('perf-action/verdict@2');
    expect(v.warnings).toEqual([{ code: 'note', message: 'different CPU' }]);
  });
});
