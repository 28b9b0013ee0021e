import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { writeJsonAtomic } from '../src/baseline/file.ts';
import { jsonChunks } from '../src/baseline/json-chunks.ts';
import { makeRng } from '../src/stats/rng.ts';

/** A random plain-data value: nested objects and arrays, awkward strings, holes JSON.stringify treats specially. */
function randomValue(rnd: () => number, depth: number): unknown {
  const pick = Math.floor(rnd() * (depth > 6 ? 6 : 10));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rnd() < 0.5;
    case 2:
      return [0, -0, 1.5e300, -3, Number.NaN, Number.POSITIVE_INFINITY, 0.1][Math.floor(rnd() * 7)];
    case 3:
      return ['', 'a\nb', '"q"', '\u2028', 'é', '\\', '\u0000', ' x '][Math.floor(rnd() * 8)];
    case 4:
      return undefined;
    case 5:
      return new Date(Math.floor(rnd() * 2e12));
    case 6:
    case 7:
      return Array.from({ length: Math.floor(rnd() * 5) }, () => randomValue(rnd, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      const n = Math.floor(rnd() * 5);
      for (let i = 0; i < n; i++)
        o[['id', 'a b', '"k"', 'x\ny', `k${i}`][Math.floor(rnd() * 5)] as string] = randomValue(rnd, depth + 1);
      return o;
    }
  }
}

describe('jsonChunks', () => {
  it('joins to exactly what JSON.stringify(value, null, 2) writes, for random nested data', () => {
    const rnd = makeRng(20261204);
    for (let i = 0; i < 2000; i++) {
      const value = randomValue(rnd, 0);
      const expected = JSON.stringify(value, null, 2) ?? 'null';
      expect([...jsonChunks(value)].join(''), `case ${i}`).toBe(expected);
    }
  });

  it('hands a large document out in bounded pieces', () => {
    const doc = {
      schema: 'perf-action/results@1',
      suites: [{ name: 'ingest', metrics: Array.from({ length: 20_000 }, (_, i) => ({ id: `go/b${i}/time`, v: i })) }],
    };
    const chunks = [...jsonChunks(doc)];
    expect(chunks.length).toBeGreaterThan(10);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70_000);
    expect(chunks.join('')).toBe(JSON.stringify(doc, null, 2));
  });

  it('writeJsonAtomic writes the same text and leaves no temporary file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'perf-json-chunks-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const doc = { a: [1, { b: 'c' }], d: new Date(0), e: undefined };
    const file = path.join(dir, 'out.json');
    await writeJsonAtomic(file, doc);
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(readdirSync(dir)).toEqual(['out.json']);
  });
});
