// Each ingest adapter on output the real tool produced (see fixtures/ingest/README.md), or on samples written from
// the tool's documentation (k6, JMH, custom): values, units, directions, parameters and samples.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Metric } from '../src/model/results.ts';
import { type IngestFormat, type IngestOutput, ingest, ingestFiles } from '../suites/ingest/index.ts';

const dir = new URL('./fixtures/ingest/', import.meta.url);
const fixturePath = (rel: string) => fileURLToPath(new URL(rel, dir));
const read = (rel: string) => readFileSync(new URL(rel, dir), 'utf8');
const load = (rel: string, format?: IngestFormat, suite = 's') =>
  ingest({ text: read(rel), source: rel }, { suite, ...(format ? { format } : {}) });

function metric(out: IngestOutput, id: string): Metric {
  const m = out.metrics.find((x) => x.id === id);
  if (!m) throw new Error(`no ${id}; have ${out.metrics.map((x) => x.id).join(' ')}`);
  return m;
}

const ids = (out: IngestOutput) => out.metrics.map((m) => m.id).sort();

describe('pytest-benchmark (real: 5.2.3 and Debian 3.2.2)', () => {
  it('reads --benchmark-json with per-round data as samples in ms', () => {
    const out = load('pytest-benchmark/json-5.2.3.json', 'pytest-benchmark', 'py');
    expect(out.format).toBe('pytest-benchmark');
    expect(ids(out)).toEqual([
      'py/test_graph_planning[n=1000]',
      'py/test_graph_planning[n=100]',
      'py/test_scaling[nodes=10]',
      'py/test_scaling[nodes=50]',
      'py/test_serialize',
    ]);
    const ser = metric(out, 'py/test_serialize');
    expect(ser).toMatchObject({ unit: 'ms', better: 'lower', name: 'test_serialize' });
    expect(ser.samples).toHaveLength(6);
    // pytest-benchmark's own table: Min 2,102.8090 Max 2,126.4650 Mean 2,109.3220 Median 2,105.0770 (us)
    expect(ser.stats.mean).toBeCloseTo(2.109322, 5);
    expect(ser.stats.median).toBeCloseTo(2.105077, 5);
    expect(ser.stats.min).toBeCloseTo(2.102809, 5);
    expect(ser.stats.max).toBeCloseTo(2.126465, 5);
    const plan = metric(out, 'py/test_graph_planning[n=1000]');
    // pytest's default id "1000" comes with params {n: 1000}: the argument name becomes the key
    expect(plan.params).toEqual({ n: 1000 });
    expect(plan.samples).toHaveLength(64);
    expect(plan.stats.mean).toBeCloseTo(0.0189195, 6);
    expect(metric(out, 'py/test_scaling[nodes=50]').params).toEqual({ nodes: 50 });
    expect(out.warnings).toEqual([]);
  });

  it('reads a --benchmark-save file (no data) from its summary', () => {
    const out = load('pytest-benchmark/save-5.2.3.json');
    expect(out.format).toBe('pytest-benchmark');
    const ser = metric(out, 's/test_serialize');
    expect(ser.samples).toBeUndefined();
    expect(ser.stats.n).toBe(6);
    expect(ser.stats.mean).toBeCloseTo(2.081185, 6);
    expect(ser.stats.median).toBeCloseTo(2.0772005, 6);
    expect(ser.stats.min).toBeCloseTo(2.075398, 6);
    expect(ser.stats.max).toBeCloseTo(2.101237, 6);
    expect(ser.stats.sd).toBeCloseTo(0.00997078, 7);
    expect(ser.stats.p75).toBeCloseTo(2.080265, 6); // q3
    expect(metric(out, 's/test_graph_planning[n=100]').stats.n).toBe(134);
  });

  it('reads pytest-benchmark 3.2.2 output the same way', () => {
    const out = load('pytest-benchmark/json-3.2.2.json');
    expect(ids(out)).toHaveLength(5);
    const m = metric(out, 's/test_graph_planning[n=100]');
    expect(m.samples).toHaveLength(167);
    expect(m.stats.min).toBeCloseTo(7.210001058410853e-7 * 1000, 12);
  });

  it('uses `case` for free-form ids and puts the module in front of names used in two modules', () => {
    const doc = JSON.parse(read('pytest-benchmark/save-5.2.3.json'));
    const [a, b, c] = doc.benchmarks;
    a.fullname = 'tests/test_graph.py::test_plan';
    a.name = 'test_plan';
    b.fullname = 'tests/test_cache.py::test_plan';
    b.name = 'test_plan';
    c.fullname = 'tests/test_io.py::TestCodec::test_parse[small input]';
    c.params = { size: 'small input' };
    doc.benchmarks = [a, b, c];
    const out = ingest({ text: JSON.stringify(doc), source: 'x.json' }, { suite: 's' });
    expect(ids(out)).toEqual([
      's/TestCodec/test_parse[size=small_input]',
      's/test_cache/test_plan',
      's/test_graph/test_plan',
    ]);
    c.params = null;
    c.fullname = 'tests/test_io.py::TestCodec::test_parse[small-input]';
    const again = ingest(
      { text: JSON.stringify({ benchmarks: [c] }), source: 'x.json' },
      { suite: 's', format: 'pytest-benchmark' },
    );
    expect(again.metrics[0]?.params).toEqual({ case: 'small-input' });
  });
});

describe('hyperfine (real: 1.15.0)', () => {
  it('names a -P sweep by its template and keeps every run as a sample', () => {
    const out = load('hyperfine/params.json');
    expect(out.format).toBe('hyperfine');
    expect(ids(out)).toEqual(['s/sleep_0.00{ms}[ms=2]', 's/sleep_0.00{ms}[ms=4]']);
    const m = metric(out, 's/sleep_0.00{ms}[ms=2]');
    expect(m).toMatchObject({ unit: 'ms', better: 'lower', params: { ms: 2 } });
    expect(m.samples).toEqual([3.350153, 3.337134, 3.391775, 3.345446, 3.40154].map((v) => expect.closeTo(v, 9)));
    expect(m.stats.mean).toBeCloseTo(3.3652096, 7); // hyperfine's own mean
    expect(m.stats.median).toBeCloseTo(3.350153, 7); // and median
  });

  it('handles -L lists, -n names and failed runs', () => {
    const list = load('hyperfine/list.json');
    expect(ids(list)).toEqual([
      's/printf_abc_|_{algo}_>_/dev/null[algo=bzip2]',
      's/printf_abc_|_{algo}_>_/dev/null[algo=gzip]',
    ]);
    const named = load('hyperfine/named.json');
    expect(ids(named)).toEqual(['s/quick', 's/sleep_0.003']);
    expect(metric(named, 's/quick').samples).toHaveLength(6);
    const doc = JSON.parse(read('hyperfine/named.json'));
    doc.results[1].exit_codes = [0, 1, 0, 0, 2, 0];
    const failed = ingest({ text: JSON.stringify(doc), source: 'h.json' }, { suite: 's' });
    expect(failed.warnings).toEqual(['h.json at $.results[1]: 2 of 6 runs of "sleep 0.003" failed']);
    expect(failed.metrics).toHaveLength(2);
  });
});

describe('go test -bench (real: go 1.19.8)', () => {
  it('reads -benchmem -count 3 over two packages: repetitions as samples, per-package names', () => {
    const out = load('go/multi.txt');
    expect(out.format).toBe('go');
    const plan = metric(out, 's/graph/Plan[nodes=1000]');
    expect(plan).toMatchObject({ name: 'graph/Plan', unit: 'ms', better: 'lower', params: { nodes: 1000 } });
    expect(plan.samples).toEqual([0.005872, 0.007713, 0.005178].map((v) => expect.closeTo(v, 12)));
    expect(metric(out, 's/graph/Plan/bytes_per_op[nodes=1000]')).toMatchObject({
      unit: 'B',
      better: 'lower',
      samples: [8216, 8216, 8216],
    });
    expect(metric(out, 's/graph/Plan/allocs_per_op[nodes=100]')).toMatchObject({
      unit: 'count',
      better: 'lower',
      samples: [2, 2, 2],
    });
    const mbs = metric(out, 's/events/Encode/MB_per_s');
    expect(mbs).toMatchObject({ unit: 'MB/s', better: 'higher', samples: [2058.3, 1180.66, 2417.2] });
    expect(metric(out, 's/events/Consume/batch/events_per_s')).toMatchObject({ unit: 'events/s', better: 'higher' });
    expect(metric(out, 's/events/Consume/single').samples).toEqual(
      [1.026e-6, 6.51e-7, 6.01e-7].map((v) => expect.closeTo(v, 15)),
    );
    expect(out.metrics.every((m) => !/-2/.test(m.id))).toBe(true);
    expect(out.metrics).toHaveLength(21);
  });

  it('keeps GOMAXPROCS as a parameter when -cpu ran several', () => {
    const out = load('go/cpu.txt');
    expect(metric(out, 's/Topo[procs=1]').stats.median).toBeCloseTo(0.0003695, 10);
    expect(metric(out, 's/Topo[procs=2]').stats.median).toBeCloseTo(0.0004157, 10);
    expect(metric(out, 's/Plan[nodes=1000,procs=2]').params).toEqual({ nodes: 1000, procs: 2 });
  });

  it('reads `go test -json` output', () => {
    const out = load('go/test2json.jsonl');
    expect(out.format).toBe('go');
    expect(ids(out)).toEqual(['s/Plan[nodes=1000]', 's/Plan[nodes=100]']);
    expect(metric(out, 's/Plan[nodes=100]').stats.mean).toBeCloseTo(0.0007962, 10);
  });

  it('keeps results around printed output and warns about a failed benchmark with its line', () => {
    const out = load('go/noisy.txt');
    expect(ids(out)).toEqual(['s/Chatty', 's/Fine']);
    expect(metric(out, 's/Chatty').stats.mean).toBeCloseTo(0.000191, 9);
    expect(out.warnings).toEqual(['go/noisy.txt at line 10: BenchmarkBroken failed; it has no result']);
  });

  it('reads a result whose numbers follow the benchmark`s own output on the next line', () => {
    const text = 'pkg: x\nBenchmarkTalk-8   \thello from the benchmark\n    1000\t      1500 ns/op\nPASS\n';
    const out = ingest({ text, source: 't.txt' }, { suite: 's', format: 'go' });
    expect(metric(out, 's/Talk').stats.mean).toBeCloseTo(0.0015, 12);
  });
});

describe('Google Benchmark (real: 1.7.1)', () => {
  it('uses repetitions as samples, not the aggregates, and converts units', () => {
    const out = load('google-benchmark/reps.json');
    expect(out.format).toBe('google-benchmark');
    const plan = metric(out, 's/BM_Plan[nodes=200,depth=2]');
    expect(plan).toMatchObject({ unit: 'ms', better: 'lower' });
    expect(plan.samples).toEqual([0.2816854499542387, 0.2782565499728662, 0.278513400007796]);
    const sort = metric(out, 's/BM_Sort[n=64]');
    expect(sort.samples).toEqual(
      [89.9452545351914, 93.43428629021932, 90.04493915866539].map((v) => expect.closeTo(v * 1e-6, 15)),
    );
    const bytes = metric(out, 's/BM_Sort/bytes_per_second[n=64]');
    expect(bytes).toMatchObject({ unit: 'MB/s', better: 'higher' });
    expect(bytes.samples?.[0]).toBeCloseTo(2858.394901320256, 6);
    expect(metric(out, 's/BM_Sort/items_per_second[n=64]')).toMatchObject({ unit: 'items/s', better: 'higher' });
    expect(metric(out, 's/BM_Shared[threads=2]').samples).toHaveLength(3);
    expect(metric(out, 's/BM_Sort/cache_misses[n=512]')).toMatchObject({ unit: 'count', better: 'lower' });
    expect(out.metrics.some((m) => m.id.includes('BM_Remote'))).toBe(false);
    expect(out.warnings).toContain(
      'google-benchmark/reps.json at $.benchmarks[28]: BM_Remote failed: connection refused',
    );
    expect(out.warnings.some((w) => w.includes('cache_misses') && w.includes('lower is better'))).toBe(true);
  });

  it('falls back to the aggregates when the file has nothing else', () => {
    const out = load('google-benchmark/aggonly.json');
    const copy = metric(out, 's/BM_Copy');
    expect(copy.samples).toBeUndefined();
    expect(copy.stats.n).toBe(3);
    expect(copy.stats.mean).toBeCloseTo(64.6059074476325e-6, 15);
    expect(copy.stats.median).toBeCloseTo(64.67178790665285e-6, 15);
    expect(copy.stats.sd).toBeCloseTo(0.1611437751252391e-6, 15);
  });

  it('reads positional arguments and run settings in names', () => {
    const text = JSON.stringify({
      context: {},
      benchmarks: [
        {
          name: 'BM_memcpy/8/64/real_time',
          run_name: 'BM_memcpy/8/64/real_time',
          run_type: 'iteration',
          real_time: 2.5,
          time_unit: 'us',
        },
        {
          name: 'BM_x/min_time:0.100/repeats:2',
          run_name: 'BM_x/min_time:0.100/repeats:2',
          real_time: 1,
          time_unit: 's',
        },
      ],
    });
    const out = ingest({ text, source: 'g.json' }, { suite: 's' });
    expect(metric(out, 's/BM_memcpy[arg0=8,arg1=64]').stats.mean).toBeCloseTo(0.0025, 12);
    expect(metric(out, 's/BM_x').stats.mean).toBe(1000);
  });
});

describe('criterion (real: 0.3.6)', () => {
  it('walks target/criterion: new/ only, per-sample times, declared throughput', async () => {
    const out = await ingestFiles([fixturePath('criterion/target/criterion')], { suite: 'rs' });
    expect(out.format).toBe('criterion');
    expect(ids(out)).toEqual([
      'rs/fib_20',
      'rs/plan/nodes/throughput[case=1000]',
      'rs/plan/nodes/throughput[case=100]',
      'rs/plan/nodes[case=1000]',
      'rs/plan/nodes[case=100]',
    ]);
    const fib = metric(out, 'rs/fib_20');
    expect(fib).toMatchObject({ unit: 'ms', better: 'lower' });
    expect(fib.samples).toHaveLength(10);
    expect(fib.samples?.[0]).toBeCloseTo((5405821 / 1196256) * 1e-6, 15);
    // criterion's own mean estimate (estimates.json) is the mean of these samples
    expect(fib.stats.mean).toBeCloseTo(4.55432946845746e-6, 13);
    const time = metric(out, 'rs/plan/nodes[case=100]');
    const thrpt = metric(out, 'rs/plan/nodes/throughput[case=100]');
    expect(thrpt).toMatchObject({ unit: 'elem/s', better: 'higher' });
    expect(thrpt.samples?.[0]).toBeCloseTo(100 / ((time.samples?.[0] as number) / 1000), 0);
    // the directory above target/criterion works as well
    const fromTarget = await ingestFiles([fixturePath('criterion/target')], { suite: 'rs' });
    expect(ids(fromTarget)).toEqual(ids(out));
  });

  it('reads one estimates.json, named from its path', () => {
    const rel = 'criterion/target/criterion/plan/nodes/100/new/estimates.json';
    const out = load(rel);
    expect(out.format).toBe('criterion');
    const m = metric(out, 's/plan/nodes[case=100]');
    expect(m.samples).toBeUndefined();
    expect(m.stats.mean).toBeCloseTo(19.590671840762887e-6, 14);
    expect(m.stats.median).toBeCloseTo(19.67832972603975e-6, 14);
    expect(m.stats.sd).toBeCloseTo(0.338191754331587e-6, 14);
  });

  it('reads cargo bench text: the point estimate, throughput, not the change lines', () => {
    const out = load('criterion/cargo-bench.txt');
    expect(out.format).toBe('criterion');
    expect(out.metrics).toHaveLength(5);
    expect(metric(out, 's/plan/nodes[case=100]').stats.mean).toBeCloseTo(19.508e-6, 12);
    expect(metric(out, 's/plan/nodes[case=1000]').stats.mean).toBeCloseTo(172.19e-6, 12);
    const thrpt = metric(out, 's/plan/nodes/throughput[case=100]');
    expect(thrpt).toMatchObject({ unit: 'elem/s', better: 'higher' });
    expect(thrpt.stats.mean).toBeCloseTo(5.126e9, -3);
    expect(metric(out, 's/fib_20').stats.mean).toBeCloseTo(4.5379e-6, 12);
  });

  it('takes a long id printed on its own line', () => {
    const text =
      'a_rather_long_group/with_a_long_function_name\n                        time:   [1.0000 ms 1.2000 ms 1.4000 ms]\n';
    const out = ingest({ text, source: 'c.txt' }, { suite: 's' });
    expect(ids(out)).toEqual(['s/a_rather_long_group/with_a_long_function_name']);
    expect(out.metrics[0]?.stats.mean).toBeCloseTo(1.2, 12);
  });
});

describe('benchmark.js (real: 2.1.4)', () => {
  it('reads cycle lines as ops/s, higher is better, and warns about a benchmark that threw', () => {
    const out = load('benchmarkjs/cycle.txt');
    expect(out.format).toBe('benchmarkjs');
    expect(ids(out)).toEqual(['s/RegExp#test', 's/String#indexOf', 's/sort_1000_numbers']);
    const re = metric(out, 's/RegExp#test');
    expect(re).toMatchObject({ unit: 'ops/s', better: 'higher' });
    expect(re.stats.mean).toBe(86373239);
    expect(re.stats.n).toBe(9);
    expect(metric(out, 's/sort_1000_numbers').stats.median).toBe(70250);
    expect(out.warnings).toEqual([
      'benchmarkjs/cycle.txt at line 4: benchmark "JSON.parse (broken)" failed; it has no result',
    ]);
  });
});

describe('Vitest bench (real: 4.1.12)', () => {
  it('reads --outputJson: describe/bench names, k=v parameters, file names only where two files clash', () => {
    const out = load('vitest/bench.json');
    expect(out.format).toBe('vitest');
    expect(ids(out)).toEqual([
      's/events/baseline',
      's/graph/baseline',
      's/plan[nodes=1000]',
      's/plan[nodes=100]',
      's/serialize_event',
    ]);
    const plan = metric(out, 's/plan[nodes=100]');
    expect(plan).toMatchObject({ unit: 'ms', better: 'lower', params: { nodes: 100 } });
    expect(plan.stats).toMatchObject({
      n: 10212,
      mean: expect.closeTo(0.009792967293380327, 12),
      median: expect.closeTo(0.007471000000009553, 12),
      min: expect.closeTo(0.004255999999998039, 12),
      p75: expect.closeTo(0.007762000000013813, 12),
      p99: expect.closeTo(0.009673999999961325, 12),
      p999: expect.closeTo(0.3556649999999877, 12),
    });
  });
});

describe('Locust (real: 2.12.1)', () => {
  it('reads a --csv prefix: percentiles from _stats.csv, per-window samples from the history', async () => {
    const out = await ingestFiles([fixturePath('locust/run')], { suite: 'api' });
    expect(out.format).toBe('locust');
    expect(ids(out)).toEqual([
      'api/all/error_rate',
      'api/all/latency',
      'api/all/throughput',
      'api/api.v1.workflows.(id)/error_rate',
      'api/api.v1.workflows.(id)/latency',
      'api/api.v1.workflows.(id)/throughput',
      'api/create_workflow/error_rate',
      'api/create_workflow/latency',
      'api/create_workflow/throughput',
      'api/health/error_rate',
      'api/health/latency',
      'api/health/throughput',
    ]);
    const all = metric(out, 'api/all/latency');
    expect(all).toMatchObject({ unit: 'ms', better: 'lower' });
    // the Aggregated row: 4372 requests, avg 11.996..., min 0.879..., 50% 11, 90% 21, 95% 23, 99% 27, 99.9% 32
    expect(all.stats).toMatchObject({ n: 4372, median: 11, p50: 11, p90: 21, p95: 23, p99: 27, p999: 32 });
    expect(all.stats.mean).toBeCloseTo(11.996370742233992, 9);
    expect(all.stats.min).toBeCloseTo(0.8793510005489225, 9);
    expect(all.stats.max).toBeCloseTo(32.24101600062568, 9);
    expect(all.samples).toHaveLength(20);
    const flaky = metric(out, 'api/api.v1.workflows.(id)/error_rate');
    expect(flaky).toMatchObject({ unit: '%', better: 'lower' });
    expect(flaky.samples?.every((v) => v >= 0 && v <= 100)).toBe(true);
    expect(flaky.stats.mean).toBeGreaterThan(5);
    expect(metric(out, 'api/health/error_rate').stats.max).toBe(0);
    const thr = metric(out, 'api/all/throughput');
    expect(thr).toMatchObject({ unit: 'req/s', better: 'higher' });
    // history: 3626 requests at 02:31:09 (1795401069), first window starts at 0 requests at 1795401049
    expect((thr.samples ?? []).reduce((a, b) => a + b, 0)).toBeCloseTo(3626, 6);
  });

  it('reads _stats.csv alone, _stats_history.csv given by name, and an aggregate-only history', async () => {
    const alone = load('locust/run_stats.csv');
    expect(metric(alone, 's/create_workflow/latency').stats).toMatchObject({ n: 2124, median: 17, p95: 25, p99: 28 });
    expect(metric(alone, 's/create_workflow/throughput').stats.mean).toBeCloseTo(88.38752164916934, 9);
    expect(metric(alone, 's/api.v1.workflows.(id)/error_rate').stats.mean).toBeCloseTo((163 / 1508) * 100, 9);
    const byHistory = await ingestFiles([fixturePath('locust/run_stats_history.csv')], { suite: 's' });
    expect(metric(byHistory, 's/health/latency').stats.p95).toBe(9);
    const agg = await ingestFiles([fixturePath('locust/agg')], { suite: 's' });
    expect(metric(agg, 's/all/throughput').samples).toHaveLength(10);
    expect(metric(agg, 's/health/throughput').samples).toBeUndefined();
  });

  it('reads the --json stats: latency from the histogram, per-second samples without the partial seconds', () => {
    const out = load('locust/run.json');
    expect(out.format).toBe('locust');
    const health = metric(out, 's/health/latency');
    expect(health.stats.n).toBe(768);
    expect(health.stats.mean).toBeCloseTo(3.8329905169405265, 9);
    expect(health.stats.max).toBeCloseTo(20.6023680002545, 9);
    expect(health.stats.median).toBe(3);
    const thr = metric(out, 's/health/throughput');
    expect(thr.samples).toHaveLength(24); // 26 seconds seen, the first and last left out
    expect(thr.samples?.slice(0, 4)).toEqual([34, 33, 29, 29]);
    const all = metric(out, 's/all/latency');
    expect(all.stats.n).toBe(768 + 1554 + 2193);
    expect(metric(out, 's/all/error_rate').stats.mean).toBeGreaterThan(0);
  });

  it('puts the method in front when one name is used with two methods', () => {
    const text = [
      'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,95%,100%',
      'GET,/items,10,0,5,5.5,2,9,10,1.0,0,5,8,9',
      'POST,/items,4,1,7,7.5,3,12,10,0.4,0.1,7,11,12',
      ',Aggregated,14,1,6,6.1,2,12,10,1.4,0.1,6,11,12',
    ].join('\n');
    const out = ingest({ text, source: 'x_stats.csv' }, { suite: 's' });
    expect(metric(out, 's/POST_items/error_rate').stats.mean).toBeCloseTo(25, 9);
    expect(metric(out, 's/GET_items/latency').stats.p95).toBe(8);
    expect(metric(out, 's/all/throughput').stats.mean).toBeCloseTo(1.4, 9);
  });
});

describe('k6 (written from the docs)', () => {
  it('reads handleSummary JSON: trends in ms, rates per second up, checks up, failures down', () => {
    const out = load('k6/handle-summary.json');
    expect(out.format).toBe('k6');
    const d = metric(out, 's/http_req_duration');
    expect(d).toMatchObject({ unit: 'ms', better: 'lower' });
    expect(d.stats).toMatchObject({
      mean: 18.42,
      median: 15.87,
      min: 3.11,
      max: 212.4,
      p90: 31.2,
      p95: 44.75,
      p99: 97.3,
    });
    expect(metric(out, 's/http_req_duration[name=create_workflow]').stats.p95).toBe(52.9);
    expect(metric(out, 's/http_req_duration[expected_response=true]').params).toEqual({ expected_response: 'true' });
    expect(metric(out, 's/http_reqs')).toMatchObject({ unit: 'req/s', better: 'higher', stats: { mean: 39.38 } });
    expect(metric(out, 's/iterations')).toMatchObject({ unit: 'iterations/s', better: 'higher' });
    expect(metric(out, 's/data_received').stats.mean).toBeCloseTo(0.0787672, 9);
    expect(metric(out, 's/data_received').unit).toBe('MB/s');
    expect(metric(out, 's/workflow_errors')).toMatchObject({ unit: '/s', better: 'lower' });
    const failed = metric(out, 's/http_req_failed');
    expect(failed).toMatchObject({ unit: '%', better: 'lower' });
    expect(failed.stats.mean).toBeCloseTo(0.16920473773265651, 12);
    const checks = metric(out, 's/checks');
    expect(checks).toMatchObject({ unit: '%', better: 'higher' });
    expect(checks.stats.mean).toBeCloseTo(99.8307952622673, 10);
    expect(metric(out, 's/cache_hit')).toMatchObject({ unit: '%', better: 'higher', stats: { mean: 75 } });
    expect(metric(out, 's/workflow_steps')).toMatchObject({ unit: 'count', better: 'lower' });
    expect(metric(out, 's/queue_depth')).toMatchObject({ unit: 'count', stats: { mean: 3, min: 0, max: 17 } });
    expect(out.metrics.some((m) => m.name === 'vus' || m.name === 'vus_max')).toBe(false);
  });

  it('reads --summary-export (no types) to the same values', () => {
    const exp = load('k6/summary-export.json');
    const sum = load('k6/handle-summary.json');
    expect(exp.format).toBe('k6');
    for (const id of ['s/http_req_duration', 's/http_reqs', 's/http_req_failed', 's/checks', 's/data_received']) {
      const a = metric(exp, id);
      const b = metric(sum, id);
      expect([a.unit, a.better, a.stats.mean, a.stats.median]).toEqual([
        b.unit,
        b.better,
        b.stats.mean,
        b.stats.median,
      ]);
    }
    expect(metric(exp, 's/workflow_ttfb')).toMatchObject({ unit: 'ms', better: 'lower', stats: { p95: 19.9 } });
  });
});

describe('JMH (written from the docs)', () => {
  it('turns thrpt into ops/s higher and time modes into ms lower, with rawData as samples', () => {
    const out = load('jmh/jmh-result.json');
    expect(out.format).toBe('jmh');
    const thr = metric(out, 's/GraphBench.plan/thrpt[nodes=100]');
    expect(thr).toMatchObject({ unit: 'ops/s', better: 'higher', params: { nodes: 100 } });
    expect(thr.samples).toEqual([812.4, 820.1, 815.9, 809.7, 818.3, 821.6].map((v) => expect.closeTo(v * 1000, 6)));
    const avgt = metric(out, 's/GraphBench.plan/avgt[nodes=100]');
    expect(avgt).toMatchObject({ unit: 'ms', better: 'lower' });
    expect(avgt.stats.mean).toBeCloseTo(1.2255e-3, 10);
    const ss = metric(out, 's/StartupBench.coldStart');
    expect(ss.samples).toEqual([410, 390, 440].map((v) => expect.closeTo(v, 9)));
    const sample = metric(out, 's/QueueBench.enqueue');
    expect(sample).toMatchObject({ unit: 'ms', better: 'lower' });
    expect(sample.samples).toHaveLength(2);
    expect(sample.samples?.[0]).toBeCloseTo((0.212 * 120 + 0.245 * 60 + 0.301 * 15 + 1.02) / 196, 10);
    expect(sample.stats.mean).toBeCloseTo(0.23264358974358973, 10);
    expect(sample.stats.max).toBeCloseTo(1.02, 10);
    expect(metric(out, 's/GraphBench.plan/thrpt/gc.alloc.rate.norm[nodes=1000]')).toMatchObject({
      unit: 'B',
      better: 'lower',
      stats: { median: 15520 },
    });
    expect(metric(out, 's/GraphBench.plan/thrpt/gc.alloc.rate[nodes=100]')).toMatchObject({
      unit: 'MB/s',
      better: 'lower',
    });
  });

  it('drops the package and the mode when they are not needed', () => {
    const doc = JSON.parse(read('jmh/jmh-result.json')).filter((e: { mode: string }) => e.mode !== 'avgt');
    const out = ingest({ text: JSON.stringify(doc), source: 'j.json' }, { suite: 's' });
    expect(metric(out, 's/GraphBench.plan[nodes=1000]').stats.mean).toBeCloseTo(71066.66666, 3);
  });
});

describe('custom JSON', () => {
  it('normalises units and takes the direction from the entry, the caller, or the unit', () => {
    const out = load('custom/custom.json');
    expect(out.format).toBe('custom');
    expect(metric(out, 's/plan[nodes=1000]')).toMatchObject({ unit: 'ms', better: 'lower', stats: { mean: 412.5 } });
    expect(metric(out, 's/plan[nodes=100]').stats.mean).toBeCloseTo(3.9, 12);
    expect(metric(out, 's/event_bus_throughput')).toMatchObject({
      unit: 'ops/s',
      better: 'higher',
      stats: { mean: 125000 },
    });
    expect(metric(out, 's/memory_per_agent')).toMatchObject({ unit: 'B', better: 'lower', stats: { mean: 38.2e6 } });
    expect(metric(out, 's/cache_hit_rate')).toMatchObject({ unit: '%', better: 'higher' });
    expect(metric(out, 's/schedule_drift')).toMatchObject({ unit: 'ms', better: 'lower', stats: { mean: 800 } });
    expect(metric(out, 's/tokens')).toMatchObject({ unit: 'tokens', better: 'lower' });
    expect(out.warnings).toEqual([
      'custom/custom.json: units "tokens" are not ones perf-action converts; kept as written',
    ]);
    const bigger = ingest({ text: read('custom/custom.json'), source: 'c.json' }, { suite: 's', better: 'higher' });
    expect(metric(bigger, 's/tokens').better).toBe('higher');
    expect(metric(bigger, 's/schedule_drift').better).toBe('lower');
  });
});
