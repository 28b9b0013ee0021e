// The pieces every ingest adapter relies on: unit normalisation, clean names and parameters, the JSON error
// locator, the CSV reader and the limits on untrusted input.

import { describe, expect, it } from 'vitest';
import { evaluateCriteria } from '../src/criteria/index.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import { endpointSegment } from '../suites/ingest/adapters/locust-common.ts';
import { parseCsv } from '../suites/ingest/csv.ts';
import { ingest } from '../suites/ingest/index.ts';
import { lineColumn, syntaxErrorOffset } from '../suites/ingest/json.ts';
import { cleanName, kvParams, paramValue } from '../suites/ingest/names.ts';
import { betterFor, normalizeUnit } from '../suites/ingest/units.ts';

describe('normalizeUnit', () => {
  it.each([
    ['ns/op', 'ms', 1e-6, 'time'],
    ['us/op', 'ms', 1e-3, 'time'],
    ['µs', 'ms', 1e-3, 'time'],
    ['ps', 'ms', 1e-9, 'time'],
    ['s/op', 'ms', 1000, 'time'],
    ['B/op', 'B', 1, 'size'],
    ['KiB', 'B', 1024, 'size'],
    ['MB', 'B', 1e6, 'size'],
    ['allocs/op', 'count', 1, 'count'],
    ['counts', 'count', 1, 'count'],
    ['Percent', '%', 1, 'percent'],
    ['ops/s', 'ops/s', 1, 'rate'],
    ['ops/ms', 'ops/s', 1000, 'rate'],
    ['ops/us', 'ops/s', 1e6, 'rate'],
    ['ops/sec', 'ops/s', 1, 'rate'],
    ['ops/min', 'ops/s', 1 / 60, 'rate'],
    ['MB/s', 'MB/s', 1, 'rate'],
    ['MB/sec', 'MB/s', 1, 'rate'],
    ['MiB/s', 'MB/s', 1.048576, 'rate'],
    ['B/s', 'MB/s', 1e-6, 'rate'],
    ['Kelem/s', 'elem/s', 1e3, 'rate'],
    ['Gelem/s', 'elem/s', 1e9, 'rate'],
    ['events/s', 'events/s', 1, 'rate'],
    ['tokens', 'tokens', 1, 'unknown'],
  ])('%s -> %s x%d (%s)', (raw, unit, factor, kind) => {
    const n = normalizeUnit(raw);
    expect(n.unit).toBe(unit);
    expect(n.factor).toBeCloseTo(factor, 12);
    expect(n.kind).toBe(kind);
  });

  it('rates are higher-is-better, everything else lower', () => {
    expect(betterFor('rate')).toBe('higher');
    for (const kind of ['time', 'size', 'count', 'percent', 'unknown'] as const) expect(betterFor(kind)).toBe('lower');
  });
});

describe('names and parameters', () => {
  it('keeps names recognisable but safe for ids and criteria', () => {
    expect(cleanName('  sort 1000  numbers ')).toBe('sort_1000_numbers');
    expect(cleanName('/api/v1/items/[id]')).toBe('api/v1/items/(id)');
    expect(cleanName('a//b*?')).toBe('a/b__');
    expect(cleanName('   ')).toBe('unnamed');
    const long = cleanName('x'.repeat(500));
    expect(long).toHaveLength(200);
    expect(long.endsWith('...')).toBe(true);
  });

  it('reads k=v lists and keeps numbers numeric', () => {
    expect(kvParams('nodes=1000')).toEqual({ nodes: 1000 });
    expect(kvParams('nodes=1000,mode=fast')).toEqual({ nodes: 1000, mode: 'fast' });
    expect(kvParams('nodes=1000-mode=fast')).toEqual({ nodes: 1000, mode: 'fast' });
    expect(kvParams('small-input')).toBeUndefined();
    expect(kvParams('n=')).toBeUndefined();
    expect(paramValue('1e3')).toBe(1000);
    expect(paramValue('-2.5')).toBe(-2.5);
    expect(paramValue('a b,c')).toBe('a_b_c');
  });
});

describe('Locust endpoint names', () => {
  it('are one id segment, so a glob over the endpoint matches every endpoint', () => {
    expect(endpointSegment('GET /agents/', '')).toBe('GET_agents');
    expect(endpointSegment('/api/v1/items/[id]', '')).toBe('api.v1.items.(id)');
    expect(endpointSegment('/items', 'POST')).toBe('POST_items');
    expect(endpointSegment('login', '')).toBe('login');
    const names = ['GET /agents/', '/api/v1/items/[id]', 'login'].map((n) => endpointSegment(n, ''));
    for (const n of names) expect(n).not.toContain('/');
    const metrics = names.map((n) =>
      makeMetric({
        suite: 'locust',
        name: `${n}/latency`,
        unit: 'ms',
        better: 'lower',
        stats: { n: 1, mean: 9, median: 9, min: 9, max: 9, p95: 9 },
      }),
    );
    const [c] = evaluateCriteria([{ expect: 'locust/*/latency p95 < 200ms' }], metrics);
    expect(c?.status).toBe('pass');
    expect(c?.detail).toMatch(/3 metrics|all 3|3 of 3/);
  });
});

describe('JSON error locator', () => {
  it('finds where JSON stops being JSON', () => {
    expect(syntaxErrorOffset('{"a": [1, 2,, 3]}')).toBe(12);
    expect(syntaxErrorOffset('{"a": 1')).toBe(7);
    expect(syntaxErrorOffset('{"a": "x\\"y"} extra')).toBe(14);
    expect(syntaxErrorOffset('[true, nul]')).toBe(7);
    expect(lineColumn('ab\ncd\nef', 7)).toBe('line 3, column 2');
  });
});

describe('CSV reader', () => {
  it('handles quotes, commas, doubled quotes, newlines in fields and CRLF, with line numbers', () => {
    const { rows, unterminated } = parseCsv('a,b\r\n"x, y","say ""hi"""\r\n"two\nlines",3\r\n');
    expect(unterminated).toBeUndefined();
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 3, cells: ['two\nlines', '3'] },
    ]);
    expect(parseCsv('a,b\n"open,1\n').unterminated).toBe(2);
  });
});

describe('limits on untrusted output', () => {
  it('shows the first 50 warnings and counts the rest', () => {
    const lines = ['pkg: x', 'BenchmarkGood-8  100  5 ns/op'];
    for (let i = 0; i < 70; i++) lines.push(`BenchmarkBad${i}-8  100  5 ns/op 7`);
    const out = ingest({ text: lines.join('\n'), source: 'go.txt' }, { suite: 's', format: 'go' });
    expect(out.metrics.map((m) => m.id)).toEqual(['s/Good']);
    expect(out.warnings).toHaveLength(51);
    expect(out.warnings[50]).toBe('go.txt: 20 more warning(s) not shown');
  });

  it('accepts a byte-order mark before JSON', () => {
    const out = ingest({ text: '\uFEFF[{"name": "a", "unit": "ms", "value": 2}]', source: 'c.json' }, { suite: 's' });
    expect(out.metrics[0]?.stats.mean).toBe(2);
  });
});
