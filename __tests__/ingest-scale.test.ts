// Large outputs read completely and correctly: tens of thousands of go result lines (sub-benchmarks, -count
// repeats, two packages, as text and as test2json) and a long hyperfine parameter sweep. How fast is
// scripts/bench-ingest.ts's business; these check that nothing is lost, merged or misnamed at that size.

import { describe, expect, it } from 'vitest';
import type { Metric } from '../src/model/results.ts';
import { type IngestOutput, ingest } from '../suites/ingest/index.ts';

const PACKAGES = ['example.com/app/graph', 'example.com/app/events'];
const PER_PACKAGE = 2500;
const COUNT = 4;

/** ns/op of benchmark `i` of package `p` in repetition `c`: distinct enough to catch values landing elsewhere. */
const nsOf = (p: number, i: number, c: number) => 1000 + p * 100_000 + i * 10 + c;

/** `go test -bench . -benchmem -count 4 ./...` over two packages: 20,000 result lines. */
function goText(): string {
  const lines = ['goos: linux', 'goarch: amd64'];
  PACKAGES.forEach((pkg, p) => {
    lines.push(`pkg: ${pkg}`);
    for (let i = 0; i < PER_PACKAGE; i++) {
      const name = `BenchmarkPlan${i % 25}/nodes=${Math.floor(i / 25)}-8`;
      for (let c = 0; c < COUNT; c++) {
        lines.push(
          `${name}   \t  100000\t      ${nsOf(p, i, c)} ns/op\t     ${64 + i} B/op\t       ${i % 7} allocs/op`,
        );
      }
    }
    lines.push('PASS', `ok  \t${pkg}\t9.876s`);
  });
  return `${lines.join('\n')}\n`;
}

/** The same run as `go test -json` events, each result line split the way Go prints it: name first, numbers later. */
function test2json(text: string): string {
  let pkg = '';
  const events: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('pkg: ')) pkg = line.slice(5);
    const event = (output: string) => JSON.stringify({ Action: 'output', Package: pkg, Output: output });
    const tab = line.indexOf('\t');
    if (line.startsWith('Benchmark') && tab > 0) {
      events.push(event(line.slice(0, tab + 1)), event(`${line.slice(tab + 1)}\n`));
    } else if (line !== '') events.push(event(`${line}\n`));
  }
  return `${events.join('\n')}\n`;
}

function byId(out: IngestOutput): Map<string, Metric> {
  return new Map(out.metrics.map((m) => [m.id, m]));
}

describe('20,000 go result lines', () => {
  const text = goText();
  const out = ingest({ text, source: 'bench.txt' }, { suite: 'go' });
  const metrics = byId(out);

  it('gives every benchmark its three metrics with all four repetitions, once', () => {
    expect(out.format).toBe('go');
    expect(out.warnings).toEqual([]);
    expect(out.metrics).toHaveLength(PACKAGES.length * PER_PACKAGE * 3);
    expect(metrics.size).toBe(out.metrics.length);
    expect(out.metrics.every((m) => m.samples?.length === COUNT)).toBe(true);
    // In order of appearance: the first package's first benchmark leads, ns/op before B/op and allocs/op.
    expect(out.metrics.slice(0, 3).map((m) => m.id)).toEqual([
      'go/graph/Plan0[nodes=0]',
      'go/graph/Plan0/bytes_per_op[nodes=0]',
      'go/graph/Plan0/allocs_per_op[nodes=0]',
    ]);
    expect(out.metrics.at(-1)?.id).toBe('go/events/Plan24/allocs_per_op[nodes=99]');
  });

  it('puts each value under its own benchmark, package and unit', () => {
    // Benchmark 1234 of the second package: Plan9 (1234 % 25) with nodes=49.
    const time = metrics.get('go/events/Plan9[nodes=49]');
    expect(time).toMatchObject({ name: 'events/Plan9', params: { nodes: 49 }, unit: 'ms', better: 'lower' });
    expect(time?.samples).toEqual([0, 1, 2, 3].map((c) => expect.closeTo(nsOf(1, 1234, c) * 1e-6, 12)));
    expect(metrics.get('go/events/Plan9/bytes_per_op[nodes=49]')).toMatchObject({
      unit: 'B',
      samples: [64 + 1234, 64 + 1234, 64 + 1234, 64 + 1234],
    });
    expect(metrics.get('go/graph/Plan9/allocs_per_op[nodes=49]')?.samples).toEqual([2, 2, 2, 2]);
    expect(metrics.get('go/graph/Plan0[nodes=0]')?.stats).toMatchObject({ n: 4, min: 0.001, max: 0.001003 });
  });

  it('reads the same run from test2json events into the same metrics', () => {
    const json = ingest({ text: test2json(text), source: 'bench.jsonl' }, { suite: 'go' });
    expect(json.format).toBe('go');
    expect(json.warnings).toEqual([]);
    expect(json.metrics.map((m) => m.id)).toEqual(out.metrics.map((m) => m.id));
    expect(json.metrics.map((m) => m.samples)).toEqual(out.metrics.map((m) => m.samples));
  });
});

describe('a hyperfine sweep of 20,000 parameter values', () => {
  it('is one metric per value, all under the command template', () => {
    const results = Array.from({ length: 20_000 }, (_, i) => ({
      command: `./plan --nodes ${i}`,
      parameters: { nodes: String(i) },
      mean: 0.001 * (i + 1),
      median: 0.001 * (i + 1),
      times: [0.001 * (i + 1)],
      exit_codes: [0],
    }));
    const out = ingest({ text: JSON.stringify({ results }), source: 'sweep.json' }, { suite: 'h' });
    expect(out.format).toBe('hyperfine');
    expect(out.metrics).toHaveLength(20_000);
    expect(new Set(out.metrics.map((m) => m.name))).toEqual(new Set(['./plan_--nodes_{nodes}']));
    const m = out.metrics.find((x) => x.params?.nodes === 12_345);
    expect(m?.samples).toEqual([expect.closeTo(12_346, 9)]);
  });
});
