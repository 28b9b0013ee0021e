// k6: the summary JSON, either what `handleSummary(data)` returns as `JSON.stringify(data)` (metrics[name] =
// {type, contains, values: {...}}) or the older `k6 run --summary-export=FILE` (metrics[name] = the values
// directly, no type). Sub-metrics appear as `name{tag:value}`.
//
// Used, per metric type (inferred from the values' keys when there is no `type`):
// - trend (avg min med max p(N)): in ms when it holds time (`contains: "time"`, or for the export a built-in
//   time metric or a name about time), lower is better; p(90) p(95) p(99) p(99.9) fill p90..p999;
// - counter (count, rate): the per-second rate, `http_reqs` in req/s, `data_*` in MB/s, `iterations` in
//   iterations/s, others in /s; higher is better unless the name is about errors or drops;
// - rate (rate|value, passes, fails): a percentage; `checks` is the share passed (higher), `http_req_failed` the
//   error rate (lower); others lower when about errors/failures, else higher;
// - gauge (value min max): kept as a count (lower), except vus/vus_max, which are settings, not results.
// No samples: the summary has none. Thresholds are ignored (perf-action's criteria replace them).
// Names: the metric's name; tags of a sub-metric become parameters (`http_req_duration{name:create}` ->
// `http_req_duration` with {name: create}).

import type { Params } from '../../../src/model/metric-id.ts';
import type { Better } from '../../../src/model/results.ts';
import type { Collector } from '../collector.ts';
import { childPath, type JsonObject, JsonReader, parseJson } from '../json.ts';
import { cleanName, paramKey, paramValue } from '../names.ts';
import { type SummaryInput, statsFromSummary } from '../stats.ts';

type K6Type = 'trend' | 'counter' | 'rate' | 'gauge';

const TIME_METRICS =
  /^(http_req_\w+|iteration_duration|group_duration|ws_session_duration|ws_connecting|grpc_req_duration|browser_\w+)$/;
const TIME_WORDS = /duration|latency|time|ttfb|ttft|wait|elapsed|_ms$/i;
const BAD_WORDS = /err|fail|drop|timeout|reject|retr/i;
const SETTINGS = new Set(['vus', 'vus_max']);
const PERCENTILE_SLOTS: Record<string, keyof SummaryInput> = {
  '50': 'p50',
  '75': 'p75',
  '90': 'p90',
  '95': 'p95',
  '99': 'p99',
  '99.9': 'p999',
};

export function readK6(text: string, out: Collector): void {
  const json = new JsonReader(out.source);
  const doc = json.object(parseJson(text, out.source, 'a k6 summary (handleSummary JSON or --summary-export)'), '$');
  const metrics = json.object(doc.metrics, '$.metrics');
  const durationMs = testDuration(doc);
  for (const [key, raw] of Object.entries(metrics)) {
    const path = childPath('$.metrics', key);
    out.entry(() => readMetric(json, out, key, raw, path, durationMs));
  }
}

function readMetric(
  json: JsonReader,
  out: Collector,
  key: string,
  raw: unknown,
  path: string,
  durationMs: number | undefined,
): void {
  const m = json.object(raw, path);
  // handleSummary nests the numbers under `values` and says the type; --summary-export has them at the top.
  const values = m.values !== undefined ? json.object(m.values, `${path}.values`) : m;
  const vp = m.values !== undefined ? `${path}.values` : path;
  const type = (typeof m.type === 'string' ? m.type : inferType(values)) as K6Type | undefined;
  if (!type || !['trend', 'counter', 'rate', 'gauge'].includes(type)) {
    json.fail(path, 'a k6 trend, counter, rate or gauge', m.type ?? Object.keys(values).join(','));
  }
  const { base, params } = splitTags(key);
  const name = cleanName(base);
  const num = (k: string) => json.optionalNumber(values[k], childPath(vp, k));
  const withParams = Object.keys(params).length > 0 ? { params } : {};
  if (type === 'trend') {
    const isTime =
      m.contains === 'time' || (m.contains === undefined && (TIME_METRICS.test(base) || TIME_WORDS.test(base)));
    const summary: SummaryInput = { mean: num('avg'), median: num('med'), min: num('min'), max: num('max') };
    for (const [k, v] of Object.entries(values)) {
      const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(k);
      const slot = p ? PERCENTILE_SLOTS[p[1] as string] : undefined;
      if (slot && typeof v === 'number') summary[slot] = v;
    }
    const count = num('count');
    if (count !== undefined) summary.n = count;
    if (summary.mean === undefined && summary.median === undefined) json.fail(vp, 'avg or med', undefined);
    // k6 reports time trends in ms whatever --summary-time-unit says for the text.
    out.add({ name, ...withParams, unit: isTime ? 'ms' : 'count', better: 'lower', stats: statsFromSummary(summary) });
    return;
  }
  if (type === 'counter') {
    let rate = num('rate');
    const count = num('count');
    // One rate for the whole run (n = 1): the count is events, not observations of the rate.
    if (rate === undefined && count !== undefined && durationMs) rate = count / (durationMs / 1000);
    if (rate === undefined) json.fail(childPath(vp, 'rate'), 'a number', values.rate);
    const { unit, factor } = counterUnit(base, m.contains);
    const better: Better = BAD_WORDS.test(base) ? 'lower' : 'higher';
    out.add({ name, ...withParams, unit, better, stats: statsFromSummary({ mean: rate * factor }) });
    return;
  }
  if (type === 'rate') {
    const fraction = num('rate') ?? num('value');
    if (fraction === undefined)
      json.fail(childPath(vp, 'rate'), 'a number between 0 and 1', values.rate ?? values.value);
    const passes = num('passes') ?? 0;
    const fails = num('fails') ?? 0;
    const better: Better = base === 'checks' ? 'higher' : BAD_WORDS.test(base) ? 'lower' : 'higher';
    out.add({
      name,
      ...withParams,
      unit: '%',
      better,
      stats: statsFromSummary({ n: passes + fails || 1, mean: fraction * 100 }),
    });
    return;
  }
  if (SETTINGS.has(base)) return;
  const value = num('value');
  if (value === undefined) json.fail(childPath(vp, 'value'), 'a number', values.value);
  out.add({
    name,
    ...withParams,
    unit: 'count',
    better: 'lower',
    stats: statsFromSummary({ mean: value, median: value, min: num('min'), max: num('max') }),
  });
}

function inferType(values: JsonObject): K6Type | undefined {
  const has = (k: string) => typeof values[k] === 'number';
  if (has('avg') || has('med') || Object.keys(values).some((k) => /^p\(/.test(k))) return 'trend';
  if (has('passes') || has('fails')) return 'rate';
  if (has('count')) return 'counter';
  if (has('value')) return 'gauge';
  return undefined;
}

function counterUnit(base: string, contains: unknown): { unit: string; factor: number } {
  if (base === 'http_reqs') return { unit: 'req/s', factor: 1 };
  if (base === 'iterations') return { unit: 'iterations/s', factor: 1 };
  if (contains === 'data' || /^data_(sent|received)$/.test(base)) return { unit: 'MB/s', factor: 1e-6 };
  return { unit: '/s', factor: 1 };
}

/** `http_req_duration{name:create,status:200}` -> base and {name: "create", status: 200}. */
function splitTags(key: string): { base: string; params: Params } {
  const m = /^([^{]+)\{(.*)\}$/.exec(key);
  if (!m) return { base: key, params: {} };
  const params: Params = {};
  for (const pair of (m[2] as string).split(',')) {
    const i = pair.indexOf(':');
    if (i > 0) params[paramKey(pair.slice(0, i))] = paramValue(pair.slice(i + 1));
  }
  return { base: (m[1] as string).trim(), params };
}

function testDuration(doc: JsonObject): number | undefined {
  const state = doc.state;
  if (state && typeof state === 'object' && !Array.isArray(state)) {
    const d = (state as JsonObject).testRunDurationMs;
    if (typeof d === 'number' && d > 0) return d;
  }
  return undefined;
}
