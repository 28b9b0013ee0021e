// Malformed, truncated and partly bad tool output: errors name the file, the line or JSON path and what was
// expected; a file with some bad entries keeps the good ones and warns.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IngestError, type IngestFormat, ingest, ingestFiles } from '../suites/ingest/index.ts';
import { scratchDir } from './helpers/scratch.ts';

const dir = new URL('./fixtures/ingest/', import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, dir), 'utf8');

function failure(run: () => unknown): IngestError {
  try {
    run();
  } catch (err) {
    if (err instanceof IngestError) return err;
    throw err;
  }
  throw new Error('expected an IngestError');
}

async function failureAsync(run: () => Promise<unknown>): Promise<IngestError> {
  try {
    await run();
  } catch (err) {
    if (err instanceof IngestError) return err;
    throw err;
  }
  throw new Error('expected an IngestError');
}

describe('truncated JSON', () => {
  const cases: Array<[string, IngestFormat]> = [
    ['pytest-benchmark/json-5.2.3.json', 'pytest-benchmark'],
    ['hyperfine/params.json', 'hyperfine'],
    ['google-benchmark/reps.json', 'google-benchmark'],
    ['k6/handle-summary.json', 'k6'],
    ['k6/summary-export.json', 'k6'],
    ['vitest/bench.json', 'vitest'],
    ['jmh/jmh-result.json', 'jmh'],
    ['locust/run.json', 'locust'],
    ['custom/custom.json', 'custom'],
    ['criterion/target/criterion/fib 20/new/estimates.json', 'criterion'],
  ];
  it.each(cases)('%s cut short: detected as %s, error at the last line, "truncated"', (rel, format) => {
    const full = read(rel);
    const cut = full.slice(0, Math.floor(full.length * 0.6));
    const lines = cut.split('\n');
    const err = failure(() => ingest({ text: cut, source: rel }, { suite: 's' }));
    expect(err.source).toBe(rel);
    expect(err.location).toBe(`line ${lines.length}, column ${(lines[lines.length - 1] as string).length + 1}`);
    expect(err.message).toContain(`${rel} at line ${lines.length}`);
    expect(err.message).toContain('expected complete JSON');
    expect(err.message).toContain('was it truncated?');
    // the same with the format given
    expect(failure(() => ingest({ text: cut, source: rel }, { suite: 's', format })).location).toBe(err.location);
  });

  it('reports a syntax error in the middle with its line and column', () => {
    const text = '{\n  "results": [\n    { "command": "a", "mean": 0.1 },,\n  ]\n}\n';
    const err = failure(() => ingest({ text, source: 'h.json' }, { suite: 's', format: 'hyperfine' }));
    expect(err.location).toBe('line 3, column 37');
    expect(err.message).toBe(
      "h.json at line 3, column 37: expected complete JSON (a hyperfine --export-json report), found invalid JSON (Unexpected token ',')",
    );
  });
});

describe('bad entries are skipped with a warning that says where and why', () => {
  it('pytest-benchmark: a non-numeric mean', () => {
    const doc = JSON.parse(read('pytest-benchmark/save-5.2.3.json'));
    doc.benchmarks[1].stats.mean = 'abc';
    const out = ingest({ text: JSON.stringify(doc), source: 'p.json' }, { suite: 's' });
    expect(out.metrics).toHaveLength(4);
    expect(out.metrics.some((m) => m.params?.n === 1000)).toBe(false);
    expect(out.warnings).toEqual([
      'p.json at $.benchmarks[1].stats.mean: expected a number, found "abc"; entry skipped',
    ]);
  });

  it('pytest-benchmark: every entry bad is an error, with the first problem', () => {
    const doc = { benchmarks: [{ name: 'test_a', stats: {} }, { name: 'test_b' }] };
    const err = failure(() =>
      ingest({ text: JSON.stringify(doc), source: 'p.json' }, { suite: 's', format: 'pytest-benchmark' }),
    );
    expect(err.message).toBe(
      'p.json at $.benchmarks: expected at least one benchmark in "benchmarks", found no usable entry (first problem: p.json at $.benchmarks[0].stats: expected a "mean" or "median" time, or "data", found nothing; entry skipped)',
    );
  });

  it('go: a cut-off result line is skipped, with its line number', () => {
    const lines = read('go/multi.txt').split('\n');
    const at = lines.findIndex((l) => l.startsWith('BenchmarkTopo-2'));
    lines[at] = 'BenchmarkTopo-2                   \t    2000\t       249.8 ns/op\t     440';
    const out = ingest({ text: lines.join('\n'), source: 'go.txt' }, { suite: 's' });
    expect(out.metrics.find((m) => m.id === 's/graph/Topo')?.samples).toEqual(
      [0.0002371, 0.000224].map((v) => expect.closeTo(v, 12)),
    );
    expect(out.warnings).toEqual([
      `go.txt at line ${at + 1}: expected \`<value> <unit>\` pairs after the iteration count, found "BenchmarkTopo-2                   \\t    2000\\t       249.8 ns/op\\t     440"; entry skipped`,
    ]);
  });

  it('go: output cut short keeps what was complete; output with no result is an error', () => {
    const text = read('go/multi.txt');
    const cut = text.slice(0, text.indexOf('BenchmarkConsume/single-2') + 50);
    const out = ingest({ text: cut, source: 'go.txt' }, { suite: 's', format: 'go' });
    expect(out.metrics.find((m) => m.id === 's/Consume/batch')?.samples).toHaveLength(3);
    expect(out.warnings[0]).toMatch(/^go\.txt at line 11: expected `<value> <unit>` pairs/);
    const err = failure(() => ingest({ text: 'goos: linux\nPASS\n', source: 'go.txt' }, { suite: 's', format: 'go' }));
    expect(err.message).toBe(
      'go.txt at lines 1-2: expected at least one result line (BenchmarkName  <iterations>  <value> ns/op), found none',
    );
  });

  it('Locust CSV: a bad number is skipped with its line; a missing column or an open quote is an error', () => {
    const text = read('locust/run_stats.csv').replace('GET,/health,740,', 'GET,/health,lots,');
    const out = ingest({ text, source: 'run_stats.csv' }, { suite: 's' });
    expect(out.metrics.some((m) => m.id.startsWith('s/health/'))).toBe(false);
    expect(out.metrics.some((m) => m.id === 's/create_workflow/latency')).toBe(true);
    expect(out.warnings).toEqual([
      'run_stats.csv at line 3, column 3 ("Request Count"): expected a number, found "lots"; entry skipped',
    ]);
    const noName = read('locust/run_stats.csv').replace('Type,Name,', 'Type,Endpoint,');
    expect(failure(() => ingest({ text: noName, source: 'x.csv' }, { suite: 's', format: 'locust' })).message).toBe(
      'x.csv at line 1: expected a "Name" column in the header, found none',
    );
    const open = `${read('locust/run_stats.csv')}GET,"/unfinished,1`;
    expect(failure(() => ingest({ text: open, source: 'x.csv' }, { suite: 's' })).message).toBe(
      'x.csv at line 6: expected a closing quote, found the end of the file: was it truncated?',
    );
  });

  it('Locust: a broken history file costs the samples, not the results', async () => {
    const tmp = scratchDir('ingest');
    writeFileSync(path.join(tmp, 'run_stats.csv'), read('locust/run_stats.csv'));
    writeFileSync(path.join(tmp, 'run_stats_history.csv'), 'Timestamp,User Count,Type,Name\n1,2,,Aggregated\n');
    const out = await ingestFiles([path.join(tmp, 'run')], { suite: 's' });
    expect(out.metrics).toHaveLength(12);
    expect(out.metrics.every((m) => m.samples === undefined)).toBe(true);
    expect(out.warnings).toEqual([
      `${path.join(tmp, 'run_stats_history.csv')} at line 1: expected a "Total Request Count" column in the header, found none; the history is not used, so these metrics have no per-window samples`,
    ]);
  });

  it('Locust: the failures file is refused with a pointer to the stats file', () => {
    expect(
      failure(() => ingest({ text: read('locust/run_failures.csv'), source: 'run_failures.csv' }, { suite: 's' }))
        .message,
    ).toBe(
      "run_failures.csv at line 1: expected Locust's <prefix>_stats.csv, found its failures file (<prefix>_failures.csv)",
    );
  });

  it('k6: a bad metric is skipped by its JSON path; metrics that are not an object are an error', () => {
    const doc = JSON.parse(read('k6/handle-summary.json'));
    doc.metrics['http_req_duration{name:create_workflow}'].values = { avg: 'slow' };
    const out = ingest({ text: JSON.stringify(doc), source: 'k6.json' }, { suite: 's' });
    expect(out.warnings).toEqual([
      'k6.json at $.metrics["http_req_duration{name:create_workflow}"].values.avg: expected a number, found "slow"; entry skipped',
    ]);
    expect(out.metrics.find((m) => m.id === 's/http_req_duration')?.stats.p95).toBe(44.75);
    const err = failure(() => ingest({ text: '{"root_group": {}, "metrics": []}', source: 'k6.json' }, { suite: 's' }));
    expect(err.message).toBe('k6.json at $.metrics: expected an object, found an array of 0');
  });

  it('hyperfine, Google Benchmark, JMH, custom: paths to the bad field', () => {
    expect(
      failure(() => ingest({ text: '{"results": {}}', source: 'h.json' }, { suite: 's', format: 'hyperfine' })).message,
    ).toBe('h.json at $.results: expected an array, found an object');
    const gb = JSON.parse(read('google-benchmark/single.json'));
    gb.benchmarks[2].time_unit = 'fortnights';
    const gout = ingest({ text: JSON.stringify(gb), source: 'g.json' }, { suite: 's' });
    expect(gout.warnings[0]).toBe(
      'g.json at $.benchmarks[2].time_unit: expected ns, us, ms or s, found "fortnights"; entry skipped',
    );
    expect(gout.metrics.some((m) => m.name === 'BM_Copy')).toBe(false);
    const jmh = JSON.parse(read('jmh/jmh-result.json'));
    delete jmh[4].primaryMetric;
    const jout = ingest({ text: JSON.stringify(jmh), source: 'j.json' }, { suite: 's' });
    expect(jout.warnings).toEqual(['j.json at $[4].primaryMetric: expected an object, found nothing; entry skipped']);
    const custom = ingest(
      { text: '[{"name": "a", "unit": "ms", "value": 1}, {"name": "b", "unit": "ms"}]', source: 'c.json' },
      { suite: 's' },
    );
    expect(custom.metrics.map((m) => m.id)).toEqual(['s/a']);
    expect(custom.warnings).toEqual(['c.json at $[1].value: expected a number, found nothing; entry skipped']);
  });

  it('criterion: sample.json alone says what to pass instead', () => {
    const rel = 'criterion/target/criterion/fib 20/new/sample.json';
    expect(failure(() => ingest({ text: read(rel), source: rel }, { suite: 's' })).message).toBe(
      `${rel} at $: expected criterion estimates (<benchmark>/new/estimates.json, or the whole target/criterion directory), found criterion's sample.json, which has none`,
    );
    const est = read('criterion/target/criterion/fib 20/new/estimates.json');
    expect(failure(() => ingest({ text: est, source: 'estimates.json' }, { suite: 's' })).message).toBe(
      'estimates.json at $: expected criterion estimates named by their folder (target/criterion/<benchmark>/new/estimates.json), found a file outside such a folder; pass the new/estimates.json or the whole target/criterion directory',
    );
    const base = 'criterion/target/criterion/fib 20/base/estimates.json';
    expect(failure(() => ingest({ text: read(base), source: base }, { suite: 's' })).message).toMatch(
      /at \$: .*found criterion's base\/ folder, its comparison with the previous run; pass the new\/estimates\.json/,
    );
    // a lone sample.json outside new/ is still called what it is
    expect(failure(() => ingest({ text: read(rel), source: 'sample.json' }, { suite: 's' })).message).toMatch(
      /^sample\.json at \$: .*found criterion's sample\.json, which has none$/,
    );
  });
});

describe('Locust CSV rows that do not fit the header', () => {
  const stats = read('locust/run_stats.csv');
  const history = read('locust/run_stats_history.csv');
  const cutAt = (text: string, marker: string) => text.slice(0, text.lastIndexOf(marker) + marker.length);

  it('a stats file cut off in its last row is an error naming the line, the first missing column and the fix', () => {
    // The Aggregated row ends after its Requests/s value: Failures/s and every percentile are gone.
    const cut = cutAt(stats, ',181.93514343228264');
    const err = failure(() => ingest({ text: cut, source: 'run_stats.csv' }, { suite: 's' }));
    expect(err.source).toBe('run_stats.csv');
    expect(err.location).toBe('line 5, column 11 ("Failures/s")');
    expect(err.message).toBe(
      'run_stats.csv at line 5, column 11 ("Failures/s"): expected 22 fields like the header, found 10: the file looks cut off; re-run Locust with --csv and let it finish',
    );
    // the same with the format given
    expect(
      failure(() => ingest({ text: cut, source: 'run_stats.csv' }, { suite: 's', format: 'locust' })).message,
    ).toBe(err.message);
  });

  it('a row with more fields than the header, or fewer in the middle of the file, is an error too', () => {
    const wide = stats.replace('GET,/health,740,0,', 'GET,/health,740,0,0,');
    expect(failure(() => ingest({ text: wide, source: 'x.csv' }, { suite: 's' })).message).toBe(
      'x.csv at line 3, column 23: expected 22 fields like the header, found 23: more fields than the header (an unquoted comma in a name?); re-run Locust with --csv rather than editing its files',
    );
    const lines = stats.split('\n');
    lines[2] = (lines[2] as string).split(',').slice(0, 6).join(',');
    expect(failure(() => ingest({ text: lines.join('\n'), source: 'x.csv' }, { suite: 's' })).message).toBe(
      'x.csv at line 3, column 7 ("Min Response Time"): expected 22 fields like the header, found 6: a broken row; re-run Locust with --csv rather than editing its files',
    );
  });

  it('an empty or non-numeric required number skips the row with its line and column', () => {
    const text = stats.replace('GET,/health,740,0,', 'GET,/health,740,,');
    const out = ingest({ text, source: 'run_stats.csv' }, { suite: 's' });
    expect(out.metrics.some((m) => m.id.startsWith('s/health/'))).toBe(false);
    expect(out.warnings).toEqual([
      'run_stats.csv at line 3, column 4 ("Failure Count"): expected a number, found an empty field; entry skipped',
    ]);
    const rps = stats.replace(',30.794145960633386,', ',fast,');
    expect(ingest({ text: rps, source: 'run_stats.csv' }, { suite: 's' }).warnings).toEqual([
      'run_stats.csv at line 3, column 10 ("Requests/s"): expected a number, found "fast"; entry skipped',
    ]);
  });

  it('a history cut off mid-row costs the samples with a warning naming it; given alone it is an error', async () => {
    const tmp = scratchDir('ingest');
    writeFileSync(path.join(tmp, 'run_stats.csv'), stats);
    const cut = history.slice(0, history.trimEnd().lastIndexOf(',') - 3);
    const historyFile = path.join(tmp, 'run_stats_history.csv');
    writeFileSync(historyFile, cut);
    const lastLine = cut.split('\n').length;
    const out = await ingestFiles([path.join(tmp, 'run')], { suite: 's' });
    expect(out.metrics).toHaveLength(12);
    expect(out.metrics.every((m) => m.samples === undefined)).toBe(true);
    expect(out.warnings).toEqual([
      `${historyFile} at line ${lastLine}, column 24 ("Total Average Content Size"): expected 24 fields like the header, found 23: the file looks cut off; re-run Locust with --csv and let it finish; the history is not used, so these metrics have no per-window samples`,
    ]);
    const alone = failure(() => ingest({ text: cut, source: 'h.csv' }, { suite: 's' }));
    expect(alone.location).toBe(`line ${lastLine}, column 24 ("Total Average Content Size")`);
  });

  it('a history row with an empty timestamp or count is skipped with its column, not silently', () => {
    const lines = history.split('\n');
    lines[3] = (lines[3] as string).replace(/^\d+,/, ',');
    const out = ingest({ text: lines.join('\n'), source: 'h.csv' }, { suite: 's' });
    expect(out.warnings).toEqual([
      'h.csv at line 4, column 1 ("Timestamp"): expected a number, found an empty field; row skipped',
    ]);
    expect(out.metrics.find((m) => m.id === 's/all/latency')).toBeDefined();
  });
});

describe('input the fuzzer (tools/fuzz/ingest.ts) found mishandled', () => {
  it('Locust --json: a per-second key that is no unix second is an error at its path, not a huge allocation', () => {
    const doc = JSON.parse(read('locust/run.json'));
    doc[0].num_reqs_per_sec['17954010e4'] = 1;
    const out = ingest({ text: JSON.stringify(doc), source: 'run.json' }, { suite: 's' });
    expect(out.warnings).toEqual([
      'run.json at $[0].num_reqs_per_sec["17954010e4"]: expected a key that is a unix time in whole seconds, found "17954010e4"; entry skipped',
    ]);
    expect(out.metrics.some((m) => m.id === 's/health/latency')).toBe(false);
    expect(out.metrics.find((m) => m.id === 's/all/throughput')?.samples?.length).toBeGreaterThan(10);
    // seconds of two different runs in one file: each entry keeps its samples, the aggregate its totals
    const apart = JSON.parse(read('locust/run.json'));
    apart[0].num_reqs_per_sec = { 1000000000: 5, 1000000001: 6, 1000000002: 7 };
    const merged = ingest({ text: JSON.stringify(apart), source: 'run.json' }, { suite: 's' });
    expect(merged.warnings).toEqual([
      'run.json at $[*].num_reqs_per_sec: expected the seconds of one run, found entries 9206 days apart; "all" has no per-second samples',
    ]);
    expect(merged.metrics.find((m) => m.id === 's/all/throughput')?.samples).toBeUndefined();
    expect(merged.metrics.find((m) => m.id === 's/health/throughput')?.samples).toEqual([6]);
  });

  it('a unit named like an Object.prototype member is an unknown unit, not a function used as a factor', () => {
    const text = 'pkg: x\nBenchmarkA-8   \t 100\t 1500 ns/op\t 3 constructor\t 4 __proto__\n';
    const out = ingest({ text, source: 'go.txt' }, { suite: 's', format: 'go' });
    expect(out.metrics.map((m) => [m.id, m.unit, m.samples])).toEqual([
      ['s/A', 'ms', [0.0015]],
      ['s/A/constructor', 'constructor', [3]],
      ['s/A/__proto__', '__proto__', [4]],
    ]);
    expect(out.warnings).toEqual([
      'go.txt: unit "constructor" is not one perf-action knows; kept as is, lower taken as better',
      'go.txt: unit "__proto__" is not one perf-action knows; kept as is, lower taken as better',
    ]);
  });

  it('values that overflow once converted, or overflow their stats, leave that metric out with a warning', () => {
    const custom = ingest(
      {
        text: '[{"name": "a", "unit": "min", "value": 1e308}, {"name": "b", "unit": "ms", "value": 2}]',
        source: 'c.json',
      },
      { suite: 's' },
    );
    expect(custom.metrics.map((m) => m.id)).toEqual(['s/b']);
    expect(custom.warnings).toEqual(['c.json: no value of a is a finite number; it is left out']);
    const jmh = JSON.parse(read('jmh/jmh-result.json'));
    jmh[2].primaryMetric.rawData = [[1e308, -1e308, 1e308]];
    const out = ingest({ text: JSON.stringify(jmh), source: 'j.json' }, { suite: 's' });
    expect(out.warnings).toEqual([
      'j.json: s/GraphBench.plan/avgt[nodes=100] has values too large to summarise (stats.sd is Infinity); it is left out',
    ]);
    expect(out.metrics.every((m) => Object.values(m.stats).every(Number.isFinite))).toBe(true);
  });

  it('parameters: a value no double holds stays text, an empty or "__proto__" key gets a name', () => {
    const custom = ingest(
      {
        text: '[{"name": "a[n=1e309]", "unit": "ms", "value": 1}, {"name": "b[n=9007199254740993]", "unit": "ms", "value": 1}, {"name": "c[n=2.50]", "unit": "ms", "value": 1}]',
        source: 'c.json',
      },
      { suite: 's' },
    );
    expect(custom.metrics.map((m) => m.params)).toEqual([{ n: '1e309' }, { n: '9007199254740993' }, { n: 2.5 }]);
    // written as text: an object literal would take "__proto__" as its prototype, not as a key
    const text =
      '{"results": [{"command": "sleep 0.1", "parameters": {"": "1"}, "mean": 0.1},' +
      ' {"command": "sleep 0.2", "parameters": {"__proto__": "2"}, "mean": 0.2}]}';
    const h = ingest({ text, source: 'h.json' }, { suite: 's', format: 'hyperfine' });
    expect(h.metrics.map((m) => m.params)).toEqual([{ param: 1 }, { proto: 2 }]);
  });
});

describe('options and unknown input', () => {
  it('an empty file, unrecognised content, an unknown format or a bad suite name', () => {
    expect(failure(() => ingest({ text: '  \n', source: 'e.json' }, { suite: 's', format: 'jmh' })).message).toBe(
      'e.json at line 1: expected a JMH -rf json report, found an empty file',
    );
    expect(failure(() => ingest({ text: 'hello world\n', source: 'x.txt' }, { suite: 's' })).message).toBe(
      'x.txt: expected output of one of pytest-benchmark, locust, k6, hyperfine, go, google-benchmark, criterion, benchmarkjs, jmh, vitest, custom (could not tell which tool wrote it; pass --format), found "hello world\\n" from line 1',
    );
    expect(failure(() => ingest({ text: '\n\n  hello', source: 'x.txt' }, { suite: 's' })).message).toMatch(
      /found "hello" from line 3$/,
    );
    // A text format given an empty file says so at its first line, as the JSON formats do.
    expect(failure(() => ingest({ text: '\n', source: 'g.txt' }, { suite: 's', format: 'go' })).message).toBe(
      'g.txt at line 1: expected at least one result line (BenchmarkName  <iterations>  <value> ns/op), found an empty file',
    );
    expect(
      failure(() => ingest({ text: '[]', source: 'x.json' }, { suite: 's', format: 'nunit' as IngestFormat })).message,
    ).toMatch(/^x\.json: expected a format among auto, pytest-benchmark, .*, found "nunit"$/);
    expect(failure(() => ingest({ text: '[]', source: 'x.json' }, { suite: 'a/b', format: 'custom' })).message).toBe(
      'x.json: expected a suite name without "/" to put the metrics under, found "a/b"',
    );
  });

  it('too many raw values are reduced to quantiles, with stats from all of them', () => {
    const doc = JSON.parse(read('pytest-benchmark/save-5.2.3.json'));
    const data = Array.from({ length: 5001 }, (_, i) => (i + 1) * 1e-6);
    doc.benchmarks = [{ ...doc.benchmarks[0], stats: { ...doc.benchmarks[0].stats, data } }];
    const out = ingest({ text: JSON.stringify(doc), source: 'p.json' }, { suite: 's' });
    const m = out.metrics[0];
    expect(m?.samples).toHaveLength(2000);
    expect(m?.samples?.[0]).toBeCloseTo(0.001, 12);
    expect(m?.samples?.[1999]).toBeCloseTo(5.001, 12);
    expect(m?.stats.n).toBe(5001);
    expect(m?.stats.median).toBeCloseTo(2.501, 12);
    expect(out.warnings).toEqual([
      'p.json: 1 metric(s) had more than 2000 raw values; kept 2000 evenly spaced quantiles of each (their stats use every value)',
    ]);
  });
});

describe('ingestFiles', () => {
  const fixture = (rel: string) => fileURLToPath(new URL(rel, dir));

  it('names a missing path, refuses mixing tools, and keeps the first of a repeated id', async () => {
    const missing = fixture('locust/nope');
    expect((await failureAsync(() => ingestFiles([missing], { suite: 's' }))).message).toBe(
      `${missing}: expected a file or directory, found nothing at that path`,
    );
    const mixed = await failureAsync(() =>
      ingestFiles([fixture('go/cpu.txt'), fixture('hyperfine/named.json')], { suite: 's' }),
    );
    expect(mixed.message).toBe(
      `${fixture('hyperfine/named.json')}: expected go output like ${fixture('go/cpu.txt')} (one suite reads one tool), found hyperfine output`,
    );
    const twice = await ingestFiles([fixture('hyperfine/named.json'), fixture('hyperfine/named.json')], { suite: 's' });
    expect(twice.metrics.map((m) => m.id)).toEqual(['s/quick', 's/sleep_0.003']);
    expect(twice.warnings).toEqual([
      `${fixture('hyperfine/named.json')}: s/quick was already read from an earlier file; kept the first`,
      `${fixture('hyperfine/named.json')}: s/sleep_0.003 was already read from an earlier file; kept the first`,
    ]);
  });

  it('reads both files of a Locust prefix once when both are given, and a directory without criterion files is an error', async () => {
    const out = await ingestFiles([fixture('locust/run_stats.csv'), fixture('locust/run_stats_history.csv')], {
      suite: 's',
    });
    expect(out.metrics).toHaveLength(12);
    expect(out.metrics.find((m) => m.id === 's/all/latency')?.samples).toHaveLength(20);
    const empty = scratchDir('ingest');
    writeFileSync(path.join(empty, 'notes.txt'), 'nothing here');
    expect((await failureAsync(() => ingestFiles([empty], { suite: 's' }))).message).toBe(
      `${empty}: expected a target/criterion directory with <benchmark>/new/estimates.json files, found none`,
    );
    expect(
      (await failureAsync(() => ingestFiles([fixture('criterion/target')], { suite: 's', format: 'go' }))).message,
    ).toBe(`${fixture('criterion/target')}: expected go output, found criterion output`);
  });
});
