// The ingest fuzzer in its short mode (CI): damaged tool output read through ingestFiles must give sane
// metrics or an IngestError naming the file and a place. The long mode is the same call with more mutants.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Metric } from '../src/model/results.ts';
import { makeRng } from '../src/stats/rng.ts';
import { INGEST_FORMATS, IngestError } from '../suites/ingest/index.ts';
import { badError, badMetric, fuzzIngest, ingestSeeds } from '../tools/fuzz/ingest.ts';
import { JSON_MUTATIONS, LINE_MUTATIONS } from '../tools/fuzz/ingest-mutations.ts';

describe('ingest fuzzer', () => {
  it('every damaged tool output is read sanely or refused with the file, a place and no internals', async () => {
    const report = await fuzzIngest({ mutants: 150, seed: 1 });
    const shown = report.failures
      .slice(0, 10)
      .map((f) => `${f.name}\n  ${f.problem}\n  input: ${f.input.slice(0, 500)}`)
      .join('\n\n');
    expect(report.failures, `${report.failures.length} failures:\n${shown}`).toEqual([]);
    expect(report.cases).toBeGreaterThanOrEqual(150);
  });

  it('seeds every format from the fixtures, and only tool output', () => {
    const seeds = ingestSeeds();
    expect(new Set(seeds.map((s) => s.format))).toEqual(new Set(INGEST_FORMATS));
    expect(seeds.some((s) => s.name.endsWith('.py') || s.name.endsWith('README.md'))).toBe(false);
  });

  it('judges errors: an IngestError with the file and a place passes; anything else is reported', () => {
    const file = path.join('fuzz-root', '0', 'go', 'multi.txt');
    expect(badError(new IngestError(file, 'line 3', 'a number', '"x"'), file)).toBeUndefined();
    expect(badError(new IngestError(file, '$.benchmarks[2]', 'an object', 'null'), file)).toBeUndefined();
    expect(badError(new TypeError("Cannot read properties of undefined (reading 'x')"), file)).toMatch(
      /^threw TypeError, not an IngestError/,
    );
    expect(badError(new IngestError(file, '', 'a result', 'none'), file)).toMatch(/names no place/);
    expect(badError(new IngestError('other.txt', 'line 1', 'a result', 'none'), file)).toMatch(/does not name/);
    // the fuzzer's own folders do not count as a place, whatever they are called
    const tricky = path.join('fuzz-root', 'lines', 'multi.txt');
    expect(badError(new IngestError(tricky, '', 'a result', 'none'), tricky)).toMatch(/names no place/);
  });

  it('judges metrics: NaN, Infinity or an empty name is reported', () => {
    const good: Metric = {
      id: 's/a',
      suite: 's',
      name: 'a',
      unit: 'ms',
      better: 'lower',
      samples: [1, 2],
      stats: { n: 2, mean: 1.5, median: 1.5, min: 1, max: 2 },
    };
    expect(badMetric(good)).toBeUndefined();
    expect(badMetric({ ...good, samples: [1, Number.NaN] })).toBe('samples[1] is NaN');
    expect(badMetric({ ...good, stats: { ...good.stats, max: Number.POSITIVE_INFINITY } })).toBe(
      'stats.max is Infinity',
    );
    expect(badMetric({ ...good, name: '' })).toBe('an empty name');
  });

  it('shape-aware damage keeps JSON parseable and changes one CSV row or token', () => {
    const rnd = makeRng(7);
    const doc = JSON.stringify({ benchmarks: [{ name: 'a', stats: { mean: 1 } }] }, null, 2);
    for (const m of JSON_MUTATIONS) {
      for (let k = 0; k < 20; k++) expect(() => JSON.parse(m.apply(doc, rnd)), m.name).not.toThrow();
    }
    const csv = 'Type,Name,Request Count\nGET,/a,10\n';
    const drop = LINE_MUTATIONS.find((m) => m.name === 'field-drop');
    const dropped = drop?.apply(csv, rnd).split('\n') ?? [];
    expect(dropped.filter((l) => l.split(',').length === 2)).toHaveLength(1);
  });
});
