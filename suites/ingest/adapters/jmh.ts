// JMH (Java): the JSON of `java -jar benchmarks.jar -rf json -rff FILE` (an array, one entry per benchmark,
// parameter set and mode).
//
// Used: benchmark, mode, params, primaryMetric {score, scoreUnit, scorePercentiles, rawData | rawDataHistogram}
// and secondaryMetrics. The direction follows the unit, not the tool: `thrpt` scores (ops/s, ops/ms...) are
// throughput in ops/s, higher is better; `avgt`, `sample` and `ss` scores (ns/op, us/op...) are times in ms,
// lower. Samples: rawData flattened over forks x iterations (one per measurement iteration); for `sample` mode
// the mean of each iteration's histogram. Stats come from those, or for `sample` mode from scorePercentiles
// (they describe every sampled call). Secondary metrics (`·gc.alloc.rate.norm` in B/op, `·gc.count`, or the
// methods of an @Group) become `<name>/<secondary>`; profiler metrics (gc.*, ·...) are lower-is-better.
// Names: `Class.method` (the package dropped; kept when two classes share a name), params as parameters; a
// benchmark run in several modes gets `/<mode>` after its name.

import type { Params } from '../../../src/model/metric-id.ts';
import type { Collector, MetricDraft } from '../collector.ts';
import { childPath, type JsonObject, JsonReader, parseJson } from '../json.ts';
import { cleanName, paramKey, paramValue } from '../names.ts';
import { statsFromSummary } from '../stats.ts';
import { betterFor, normalizeUnit } from '../units.ts';

interface Entry {
  benchmark: string;
  mode: string;
  params: Params;
  drafts: MetricDraft[];
}

const PERCENTILES: Array<[string, 'min' | 'p50' | 'p75' | 'p90' | 'p95' | 'p99' | 'p999' | 'max']> = [
  ['0.0', 'min'],
  ['50.0', 'p50'],
  ['75.0', 'p75'],
  ['90.0', 'p90'],
  ['95.0', 'p95'],
  ['99.0', 'p99'],
  ['99.9', 'p999'],
  ['100.0', 'max'],
];

export function readJmh(text: string, out: Collector): void {
  const json = new JsonReader(out.source);
  const doc = json.array(parseJson(text, out.source, 'a JMH -rf json report'), '$');
  const entries: Entry[] = [];
  doc.forEach((raw, i) => {
    const path = childPath('$', i);
    out.entry(() => entries.push(readEntry(json, raw, path)));
  });
  // Short names unless two classes share one; a mode suffix only where one benchmark ran in several modes.
  const short = (b: string) => b.split('.').slice(-2).join('.');
  const fullsByShort = new Map<string, Set<string>>();
  const modesByBench = new Map<string, Set<string>>();
  for (const e of entries) {
    fullsByShort.set(short(e.benchmark), (fullsByShort.get(short(e.benchmark)) ?? new Set()).add(e.benchmark));
    modesByBench.set(e.benchmark, (modesByBench.get(e.benchmark) ?? new Set()).add(e.mode));
  }
  for (const e of entries) {
    let base = (fullsByShort.get(short(e.benchmark))?.size ?? 0) > 1 ? e.benchmark : short(e.benchmark);
    if ((modesByBench.get(e.benchmark)?.size ?? 0) > 1) base += `/${e.mode}`;
    for (const d of e.drafts) {
      out.add({ ...d, name: cleanName(d.name ? `${base}/${d.name}` : base), params: e.params });
    }
  }
}

function readEntry(json: JsonReader, raw: unknown, path: string): Entry {
  const e = json.object(raw, path);
  const benchmark = json.string(e.benchmark, `${path}.benchmark`);
  const mode = typeof e.mode === 'string' ? e.mode : 'avgt';
  const params: Params = {};
  if (e.params !== undefined && e.params !== null) {
    for (const [k, v] of Object.entries(json.object(e.params, `${path}.params`))) {
      params[paramKey(k)] = paramValue(String(v));
    }
  }
  const drafts = [readMetric(json, e.primaryMetric, `${path}.primaryMetric`, '', mode)];
  if (e.secondaryMetrics !== undefined && e.secondaryMetrics !== null) {
    const secondary = json.object(e.secondaryMetrics, `${path}.secondaryMetrics`);
    for (const [key, value] of Object.entries(secondary)) {
      drafts.push(readMetric(json, value, childPath(`${path}.secondaryMetrics`, key), key, mode));
    }
  }
  return { benchmark, mode, params, drafts };
}

function readMetric(json: JsonReader, raw: unknown, path: string, secondary: string, mode: string): MetricDraft {
  const m: JsonObject = json.object(raw, path);
  const scoreUnit = json.string(m.scoreUnit, `${path}.scoreUnit`);
  const norm = normalizeUnit(scoreUnit);
  const profiler = secondary.startsWith('·') || secondary.startsWith('gc.') || secondary.startsWith('·gc');
  const name = secondary.replace(/^·/, '');
  const better = profiler ? 'lower' : betterFor(norm.kind);
  const score = json.number(m.score, `${path}.score`) * norm.factor;
  const scaled = (v: number) => v * norm.factor;
  let samples: number[] | undefined;
  if (Array.isArray(m.rawData)) {
    samples = json
      .array(m.rawData, `${path}.rawData`)
      .flatMap((fork, f) => json.numbers(fork, childPath(`${path}.rawData`, f)))
      .map(scaled);
  } else if (Array.isArray(m.rawDataHistogram)) {
    samples = histogramMeans(json, m.rawDataHistogram, `${path}.rawDataHistogram`).map(scaled);
  }
  const draft: MetricDraft = { name, unit: norm.unit, better };
  const percentiles = m.scorePercentiles;
  if (mode === 'sample' && percentiles && typeof percentiles === 'object') {
    // Sample mode's percentiles describe every timed call, which the per-iteration samples cannot.
    const p = json.object(percentiles, `${path}.scorePercentiles`);
    const summary: Record<string, number> = {};
    for (const [key, slot] of PERCENTILES) {
      const v = json.optionalNumber(p[key], childPath(`${path}.scorePercentiles`, key));
      if (v !== undefined) summary[slot] = scaled(v);
    }
    draft.stats = statsFromSummary({ n: samples?.length, mean: score, median: summary.p50, ...summary });
  } else if (!samples?.length) draft.stats = statsFromSummary({ mean: score, median: score });
  if (samples?.length) draft.samples = samples;
  return draft;
}

/** rawDataHistogram: forks -> iterations -> [[value, count], ...]; one weighted mean per iteration. */
function histogramMeans(json: JsonReader, raw: unknown[], path: string): number[] {
  const means: number[] = [];
  raw.forEach((fork, f) => {
    json.array(fork, childPath(path, f)).forEach((iteration, it) => {
      const ip = childPath(childPath(path, f), it);
      let sum = 0;
      let count = 0;
      json.array(iteration, ip).forEach((pair, k) => {
        const [value, n] = json.numbers(pair, childPath(ip, k));
        if (value === undefined || n === undefined) json.fail(childPath(ip, k), '[value, count]', pair);
        sum += value * n;
        count += n;
      });
      if (count > 0) means.push(sum / count);
    });
  });
  return means;
}
