// pytest-benchmark: the JSON written by `pytest --benchmark-json=FILE`, and the files `--benchmark-save=NAME` /
// `--benchmark-autosave` keep under .benchmarks/<machine>/NNNN_NAME.json (same shape).
//
// Used: benchmarks[].fullname (or name), .params, .stats {min max mean stddev median q3 rounds, data?}. Times are
// seconds; stored in ms, lower is better. `stats.data` (per-round times, present in --benchmark-json output and
// in saved files with --benchmark-save-data) becomes the metric's samples.
// Names: `tests/test_x.py::TestA::test_plan[1000]` -> `TestA/test_plan`; the bracket gives the parameters:
// `k=v` pairs as written, else pytest's own argument names when the id is pytest's default (`{n: 1000}`), else
// `{case: "<id>"}`. Tests with the same name in two modules get the module's name in front.

import type { Params } from '../../../src/model/metric-id.ts';
import type { Collector, MetricDraft } from '../collector.ts';
import { childPath, type JsonObject, JsonReader, parseJson } from '../json.ts';
import { cleanName, kvParams, paramKey, paramValue, splitBracket } from '../names.ts';
import { statsFromSummary } from '../stats.ts';

const S_TO_MS = 1000;

interface Draft extends MetricDraft {
  module: string;
}

export function readPytestBenchmark(text: string, out: Collector): void {
  const json = new JsonReader(out.source);
  const doc = json.object(parseJson(text, out.source, 'a pytest-benchmark JSON report'), '$');
  const benchmarks = json.array(doc.benchmarks, '$.benchmarks');
  const drafts: Draft[] = [];
  benchmarks.forEach((raw, i) => {
    out.entry(() => drafts.push(readOne(json, raw, childPath('$.benchmarks', i))));
  });
  // Same test name in two modules: put the module in front of those, so neither shadows the other.
  const modulesByKey = new Map<string, Set<string>>();
  for (const d of drafts) {
    const key = `${d.name}${JSON.stringify(d.params ?? {})}`;
    const set = modulesByKey.get(key) ?? new Set();
    set.add(d.module);
    modulesByKey.set(key, set);
  }
  for (const { module, ...d } of drafts) {
    const clash = (modulesByKey.get(`${d.name}${JSON.stringify(d.params ?? {})}`)?.size ?? 0) > 1;
    out.add(clash && module ? { ...d, name: `${module}/${d.name}` } : d);
  }
}

function readOne(json: JsonReader, raw: unknown, path: string): Draft {
  const b = json.object(raw, path);
  const fullname = typeof b.fullname === 'string' && b.fullname ? b.fullname : json.string(b.name, `${path}.name`);
  const parts = fullname.split('::');
  const file = parts.length > 1 ? (parts[0] as string) : '';
  const test = parts.length > 1 ? parts.slice(1).join('/') : (parts[0] as string);
  const { base, inside } = splitBracket(test);
  const stats = json.object(b.stats, `${path}.stats`);
  const sp = `${path}.stats`;
  const data = stats.data === undefined || stats.data === null ? undefined : json.numbers(stats.data, `${sp}.data`);
  const ms = (key: string) => {
    const v = json.optionalNumber(stats[key], `${sp}.${key}`);
    return v === undefined ? undefined : v * S_TO_MS;
  };
  const mean = ms('mean');
  const median = ms('median');
  if (!data?.length && mean === undefined && median === undefined) {
    json.fail(sp, 'a "mean" or "median" time, or "data"', undefined);
  }
  const draft: Draft = {
    module: file ? cleanName((file.split('/').pop() ?? '').replace(/\.py$/, '')) : '',
    name: cleanName(base),
    unit: 'ms',
    better: 'lower',
  };
  const params = inside === undefined ? undefined : paramsOf(inside, b);
  if (params) draft.params = params;
  if (data?.length) draft.samples = data.map((v) => v * S_TO_MS);
  else {
    draft.stats = statsFromSummary({
      n: json.optionalNumber(stats.rounds, `${sp}.rounds`),
      mean,
      median,
      min: ms('min'),
      max: ms('max'),
      sd: ms('stddev'),
      p75: ms('q3'),
    });
  }
  return draft;
}

function paramsOf(inside: string, b: JsonObject): Params {
  const kv = kvParams(inside);
  if (kv) return kv;
  // pytest's default id joins the parameter values with '-': then its argument names are the better keys.
  const declared = b.params;
  if (declared && typeof declared === 'object' && !Array.isArray(declared)) {
    const entries = Object.entries(declared as JsonObject);
    const scalar = entries.every(([, v]) => ['string', 'number', 'boolean'].includes(typeof v));
    if (entries.length > 0 && scalar && entries.map(([, v]) => String(v)).join('-') === inside) {
      return Object.fromEntries(entries.map(([k, v]) => [paramKey(k), paramValue(v as string | number)]));
    }
  }
  return { case: paramValue(inside) };
}
