// Locust JSON: what `locust --headless --json` prints to stdout at the end (newer Locust; `--json-file NAME`
// writes it to a file): an array of serialized stats entries, one per endpoint, no aggregate.
//
// Used per entry: name, method, num_requests, num_failures, total_response_time, min/max_response_time,
// response_times (Locust's histogram: rounded ms -> count), num_reqs_per_sec and num_fail_per_sec (unix second
// -> count), start_time, last_request_timestamp. Latency stats come from the histogram (mean, min and max are
// exact); the per-second counts are the samples of throughput and error rate, without the first and last
// second, which are partial. `all/...` merges the entries. The per-request latencies are not in the file, so
// latency has no samples.

import { summarizeWeighted } from '../../../src/stats/summary.ts';
import type { Collector } from '../collector.ts';
import { childPath, JsonReader, parseJson } from '../json.ts';
import { addEndpoints, type Endpoint, type Windows } from './locust-common.ts';

interface Entry {
  method: string;
  name: string;
  requests: number;
  failures: number;
  totalTime: number;
  min?: number;
  max?: number;
  histogram: Map<number, number>;
  perSecond: Map<number, number>;
  failPerSecond: Map<number, number>;
  start?: number;
  last?: number;
}

export function readLocustJson(text: string, out: Collector): void {
  const json = new JsonReader(out.source);
  const doc = json.array(parseJson(text, out.source, 'the stats Locust prints with --json'), '$');
  const entries: Entry[] = [];
  doc.forEach((raw, i) => {
    const path = childPath('$', i);
    out.entry(() => entries.push(readEntry(json, raw, path)));
  });
  const endpoints = entries.map((e) => toEndpoint(e, false));
  if (entries.length > 0) {
    const all = merge(entries);
    const days = spanDays(all.perSecond);
    if (days > MAX_SPAN_DAYS) {
      // Each entry is one run's seconds, but together they are not: the aggregate keeps its totals only.
      out.warn(
        `${out.source} at $[*].num_reqs_per_sec: expected the seconds of one run, found entries ${days.toFixed(0)} days apart; "all" has no per-second samples`,
      );
      all.perSecond.clear();
    }
    endpoints.push(toEndpoint(all, true));
  }
  addEndpoints(endpoints, out);
}

function readEntry(json: JsonReader, raw: unknown, path: string): Entry {
  const e = json.object(raw, path);
  const counts = (field: string, seconds: boolean): Map<number, number> => {
    const m = new Map<number, number>();
    if (e[field] === undefined || e[field] === null) return m;
    for (const [k, v] of Object.entries(json.object(e[field], `${path}.${field}`))) {
      const at = childPath(`${path}.${field}`, k);
      const keyNum = Number(k);
      if (!Number.isFinite(keyNum)) json.fail(at, 'a numeric key', k);
      if (seconds && !isUnixSecond(keyNum)) json.fail(at, 'a key that is a unix time in whole seconds', k);
      m.set(keyNum, json.number(v, at));
    }
    if (seconds && spanDays(m) > MAX_SPAN_DAYS) {
      json.fail(
        `${path}.${field}`,
        `seconds of one run (at most ${MAX_SPAN_DAYS} days apart)`,
        `${spanDays(m).toFixed(0)} days`,
      );
    }
    return m;
  };
  return {
    method: typeof e.method === 'string' ? e.method : '',
    name: json.string(e.name, `${path}.name`),
    requests: json.number(e.num_requests, `${path}.num_requests`),
    failures: json.optionalNumber(e.num_failures, `${path}.num_failures`) ?? 0,
    totalTime: json.optionalNumber(e.total_response_time, `${path}.total_response_time`) ?? 0,
    min: json.optionalNumber(e.min_response_time, `${path}.min_response_time`),
    max: json.optionalNumber(e.max_response_time, `${path}.max_response_time`),
    histogram: counts('response_times', false),
    perSecond: counts('num_reqs_per_sec', true),
    failPerSecond: counts('num_fail_per_sec', true),
    start: json.optionalNumber(e.start_time, `${path}.start_time`),
    last: json.optionalNumber(e.last_request_timestamp, `${path}.last_request_timestamp`),
  };
}

function toEndpoint(e: Entry, aggregate: boolean): Endpoint {
  const groups = [...e.histogram].map(([value, count]) => ({ values: [value], count }));
  const timed = groups.reduce((n, g) => n + g.count, 0);
  const dist = timed > 0 ? summarizeWeighted(groups) : undefined;
  const span = e.start !== undefined && e.last !== undefined ? e.last - e.start : 0;
  return {
    method: e.method,
    name: e.name,
    aggregate,
    requests: e.requests,
    failures: e.failures,
    latency: {
      ...(dist ? { p50: dist.p50, p75: dist.p75, p90: dist.p90, p95: dist.p95, p99: dist.p99, p999: dist.p999 } : {}),
      median: dist?.median,
      mean: timed > 0 ? e.totalTime / timed : undefined,
      min: e.min ?? dist?.min,
      max: e.max ?? dist?.max,
    },
    rps: span > 0 ? e.requests / span : 0,
    windows: perSecondWindows(e),
  };
}

/** Per-second samples cover every second of the run: a longer span is not one load test's (and would be huge). */
const MAX_SPAN_DAYS = 7;
/** Locust's keys are int(time.time()): whole, and before the year 2286. */
const isUnixSecond = (t: number) => Number.isInteger(t) && t >= 0 && t < 1e10;

function spanDays(perSecond: Map<number, number>): number {
  if (perSecond.size < 2) return 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const t of perSecond.keys()) {
    first = Math.min(first, t);
    last = Math.max(last, t);
  }
  return (last - first) / 86_400;
}

/** Whole seconds between the first and the last (both partial, so left out); quiet seconds count as 0. */
function perSecondWindows(e: Entry): Windows {
  const w: Windows = { throughput: [], latency: [], errorRate: [] };
  const seconds = [...e.perSecond.keys()].sort((a, b) => a - b);
  if (seconds.length < 3) return w;
  const first = seconds[0] as number;
  const last = seconds[seconds.length - 1] as number;
  for (let t = first + 1; t < last; t++) {
    const n = e.perSecond.get(t) ?? 0;
    w.throughput.push(n);
    if (n > 0) w.errorRate.push(((e.failPerSecond.get(t) ?? 0) / n) * 100);
  }
  return w;
}

function merge(entries: Entry[]): Entry {
  const all: Entry = {
    method: '',
    name: 'Aggregated',
    requests: 0,
    failures: 0,
    totalTime: 0,
    histogram: new Map(),
    perSecond: new Map(),
    failPerSecond: new Map(),
  };
  const add = (into: Map<number, number>, from: Map<number, number>) => {
    for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
  };
  for (const e of entries) {
    all.requests += e.requests;
    all.failures += e.failures;
    all.totalTime += e.totalTime;
    add(all.histogram, e.histogram);
    add(all.perSecond, e.perSecond);
    add(all.failPerSecond, e.failPerSecond);
    if (e.min !== undefined) all.min = Math.min(all.min ?? e.min, e.min);
    if (e.max !== undefined) all.max = Math.max(all.max ?? e.max, e.max);
    if (e.start !== undefined) all.start = Math.min(all.start ?? e.start, e.start);
    if (e.last !== undefined) all.last = Math.max(all.last ?? e.last, e.last);
  }
  return all;
}
