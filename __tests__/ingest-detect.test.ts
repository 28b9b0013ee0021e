// `--format auto`: every tool's real (or documented) output is recognised by its content alone.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat, INGEST_FORMATS, type IngestFormat } from '../suites/ingest/index.ts';

const dir = new URL('./fixtures/ingest/', import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, dir), 'utf8');

const FIXTURES: Array<[string, IngestFormat]> = [
  ['pytest-benchmark/json-5.2.3.json', 'pytest-benchmark'],
  ['pytest-benchmark/save-5.2.3.json', 'pytest-benchmark'],
  ['pytest-benchmark/json-3.2.2.json', 'pytest-benchmark'],
  ['locust/run_stats.csv', 'locust'],
  ['locust/run_stats_history.csv', 'locust'],
  ['locust/agg_stats.csv', 'locust'],
  ['locust/run.json', 'locust'],
  ['locust/run_failures.csv', 'locust'],
  ['k6/handle-summary.json', 'k6'],
  ['k6/summary-export.json', 'k6'],
  ['hyperfine/params.json', 'hyperfine'],
  ['hyperfine/list.json', 'hyperfine'],
  ['go/multi.txt', 'go'],
  ['go/cpu.txt', 'go'],
  ['go/noisy.txt', 'go'],
  ['go/test2json.jsonl', 'go'],
  ['google-benchmark/reps.json', 'google-benchmark'],
  ['google-benchmark/aggonly.json', 'google-benchmark'],
  ['criterion/cargo-bench.txt', 'criterion'],
  ['criterion/target/criterion/plan/nodes/100/new/estimates.json', 'criterion'],
  ['criterion/target/criterion/plan/nodes/100/new/sample.json', 'criterion'],
  ['benchmarkjs/cycle.txt', 'benchmarkjs'],
  ['jmh/jmh-result.json', 'jmh'],
  ['vitest/bench.json', 'vitest'],
  ['custom/custom.json', 'custom'],
];

describe('detectFormat', () => {
  it.each(FIXTURES)('%s is %s', (rel, format) => {
    expect(detectFormat({ text: read(rel), source: rel })).toBe(format);
  });

  it('covers every format', () => {
    expect(new Set(FIXTURES.map(([, f]) => f))).toEqual(new Set(INGEST_FORMATS));
  });

  it('says nothing about what no tool wrote', () => {
    for (const text of [
      '',
      'hello\nworld\n',
      '{"a": 1}',
      '[1, 2, 3]',
      '[]',
      'name,value\nx,1\n',
      '{"benchmarks": 3}',
    ]) {
      expect(detectFormat({ text, source: 'x' })).toBeUndefined();
    }
  });

  it('recognises go output whose first line is console noise, and a byte-order mark', () => {
    expect(detectFormat({ text: 'warming up\nBenchmarkX-8   100   12.5 ns/op\n', source: 'x' })).toBe('go');
    expect(detectFormat({ text: `\uFEFF${read('hyperfine/named.json')}`, source: 'x' })).toBe('hyperfine');
  });
});
