// Google Benchmark: the JSON of `./bench --benchmark_format=json` or `--benchmark_out=FILE
// --benchmark_out_format=json`, with or without --benchmark_repetitions / --benchmark_report_aggregates_only.
//
// Used: benchmarks[].run_name (or name), .run_type ("iteration" | "aggregate"), .aggregate_name, .real_time +
// .time_unit, .repetitions, .error_occurred/.error_message, and user counters. One metric per benchmark from
// real_time in ms (lower); each repetition is a sample and the aggregates (mean, median, stddev, cv) are not,
// they are used only when the file has nothing else (--benchmark_report_aggregates_only). Counters become
// `<name>/<counter>`: bytes_per_second in MB/s and items_per_second in items/s (higher is better), other
// `*_per_second` counters in /s (higher), any other counter as a count with lower taken as better (warned,
// since the JSON does not say).
// Names: `BM_Plan/nodes:200/depth:2/iterations:20` -> `BM_Plan` with {nodes: 200, depth: 2};
// `BM_Sort/64` -> `BM_Sort` with {arg0: 64}; `/threads:N` becomes {threads: N}; iterations:, repeats:,
// min_time:, real_time, manual_time and process_time are run settings and are dropped.

import type { Params } from '../../../src/model/metric-id.ts';
import type { Collector } from '../collector.ts';
import { childPath, type JsonObject, JsonReader, parseJson } from '../json.ts';
import { cleanName, paramKey, paramValue } from '../names.ts';
import { statsFromSummary } from '../stats.ts';
import { normalizeUnit } from '../units.ts';

const KNOWN_FIELDS = new Set([
  'name',
  'family_index',
  'per_family_instance_index',
  'run_name',
  'run_type',
  'repetitions',
  'repetition_index',
  'threads',
  'iterations',
  'real_time',
  'cpu_time',
  'time_unit',
  'aggregate_name',
  'aggregate_unit',
  'error_occurred',
  'error_message',
  'label',
  'big_o',
  'rms',
  'complexity_n',
]);
const SETTINGS = new Set(['iterations', 'repeats', 'min_time', 'min_warmup_time']);
const MODIFIERS = new Set(['real_time', 'manual_time', 'process_time']);

interface Series {
  runName: string;
  path: string;
  /** Per repetition: real_time in ms and each counter. */
  runs: Array<Record<string, number>>;
  /** aggregate name ("mean", "median", "stddev") -> values like a run's. */
  aggregates: Map<string, Record<string, number>>;
  repetitions?: number;
}

export function readGoogleBenchmark(text: string, out: Collector): void {
  const json = new JsonReader(out.source);
  const doc = json.object(parseJson(text, out.source, 'a Google Benchmark JSON report'), '$');
  const benchmarks = json.array(doc.benchmarks, '$.benchmarks');
  const series = new Map<string, Series>();
  const errors = new Map<string, string>();
  benchmarks.forEach((raw, i) => {
    const path = childPath('$.benchmarks', i);
    out.entry(() => {
      const b = json.object(raw, path);
      const runName = json.string(b.run_name ?? b.name, `${path}.run_name`);
      if (b.error_occurred === true) {
        if (!errors.has(runName)) {
          errors.set(runName, `${out.source} at ${path}: ${runName} failed: ${String(b.error_message ?? 'error')}`);
        }
        return;
      }
      const values = readValues(json, b, path);
      const s: Series = series.get(runName) ?? { runName, path, runs: [], aggregates: new Map() };
      const reps = json.optionalNumber(b.repetitions, `${path}.repetitions`);
      if (reps !== undefined) s.repetitions = reps;
      if (b.run_type === 'aggregate') {
        // cv is a ratio, not a time; BigO/RMS fits are not measurements.
        if (b.aggregate_unit !== 'percentage' && typeof b.aggregate_name === 'string') {
          s.aggregates.set(b.aggregate_name, values);
        }
      } else s.runs.push(values);
      series.set(runName, s);
    });
  });
  for (const message of errors.values()) out.warn(message);
  const assumed = new Set<string>();
  for (const s of series.values()) {
    const { name, params } = nameAndParams(s.runName);
    const keys = new Set([...s.runs, ...s.aggregates.values()].flatMap((v) => Object.keys(v)));
    for (const key of keys) {
      const kind = key === 'time' ? undefined : counterKind(key);
      if (kind?.assumed) assumed.add(key);
      const metricName = key === 'time' ? name : `${name}/${cleanName(key)}`;
      const unit = kind?.unit ?? 'ms';
      const better = kind?.better ?? 'lower';
      const factor = kind?.factor ?? 1;
      const samples = s.runs.map((r) => r[key]).filter((v): v is number => v !== undefined);
      if (samples.length > 0) {
        out.add({ name: metricName, params, unit, better, samples: samples.map((v) => v * factor) });
        continue;
      }
      const agg = (a: string) => {
        const v = s.aggregates.get(a)?.[key];
        return v === undefined ? undefined : v * factor;
      };
      if (agg('mean') === undefined && agg('median') === undefined) continue;
      out.add({
        name: metricName,
        params,
        unit,
        better,
        stats: statsFromSummary({ n: s.repetitions, mean: agg('mean'), median: agg('median'), sd: agg('stddev') }),
      });
    }
  }
  if (assumed.size > 0) {
    out.warn(
      `${out.source}: counters ${[...assumed].join(', ')} do not say which way is better; taken as counts where lower is better`,
    );
  }
}

function readValues(json: JsonReader, b: JsonObject, path: string): Record<string, number> {
  const unit = typeof b.time_unit === 'string' ? b.time_unit : 'ns';
  const norm = normalizeUnit(unit);
  if (norm.kind !== 'time') json.fail(`${path}.time_unit`, 'ns, us, ms or s', unit);
  const values: Record<string, number> = { time: json.number(b.real_time, `${path}.real_time`) * norm.factor };
  for (const [k, v] of Object.entries(b)) {
    if (!KNOWN_FIELDS.has(k) && typeof v === 'number' && Number.isFinite(v)) values[k] = v;
  }
  return values;
}

function counterKind(key: string): { unit: string; better: 'higher' | 'lower'; factor: number; assumed?: boolean } {
  if (key === 'bytes_per_second') return { unit: 'MB/s', better: 'higher', factor: 1e-6 };
  if (key === 'items_per_second') return { unit: 'items/s', better: 'higher', factor: 1 };
  if (/(_per_second|_per_sec|_rate|\/s)$/.test(key)) return { unit: '/s', better: 'higher', factor: 1 };
  return { unit: 'count', better: 'lower', factor: 1, assumed: true };
}

function nameAndParams(runName: string): { name: string; params: Params } {
  const [family, ...segments] = runName.split('/');
  const names = [family as string];
  const params: Params = {};
  let positional = 0;
  for (const seg of segments) {
    const kv = /^([A-Za-z_]\w*):(.+)$/.exec(seg);
    if (kv) {
      if (!SETTINGS.has(kv[1] as string)) params[paramKey(kv[1] as string)] = paramValue(kv[2] as string);
    } else if (MODIFIERS.has(seg)) {
      // how the time was measured, not what
    } else if (/^-?\d+(\.\d+)?$/.test(seg)) {
      params[`arg${positional++}`] = Number(seg);
    } else names.push(seg);
  }
  return { name: cleanName(names.join('/')), params };
}
