// criterion (Rust): the files `cargo bench` leaves under target/criterion/<benchmark id>/new/:
// estimates.json (mean, median, std_dev, slope point estimates, ns per iteration), sample.json (the measured
// samples: `times[i]` ns for `iters[i]` iterations) and benchmark.json (group_id, function_id, value_str,
// throughput). `base/` and `change/` are criterion's own comparison and are not read.
//
// One metric per benchmark in ms per iteration (lower); with sample.json each sample's times[i]/iters[i] is a
// sample, else the estimates give the stats. A declared throughput (Elements or Bytes) adds `<name>/throughput`
// in elem/s or MB/s (higher). Names: `group/function` with the value as a parameter (`plan/nodes/100` ->
// `plan/nodes` with {case: 100}, or `{k: v}` when the value reads `k=v`); without benchmark.json the directory
// path is split the same way.

import type { Params } from '../../../src/model/metric-id.ts';
import type { Collector } from '../collector.ts';
import { IngestError } from '../errors.ts';
import { JsonReader, parseJson } from '../json.ts';
import { cleanName, kvParams, paramValue } from '../names.ts';
import { statsFromSummary } from '../stats.ts';

const NS_TO_MS = 1e-6;

export interface TextFile {
  text: string;
  source: string;
}

export interface CriterionBenchmark {
  /** The benchmark's directory below target/criterion ("plan/nodes/100"), used when benchmark.json is absent. */
  dir: string;
  estimates: TextFile;
  sample?: TextFile;
  benchmark?: TextFile;
}

/** One estimates.json given on its own: the benchmark is named from its path (…/criterion/<id>/new/…). */
export function readCriterionEstimates(text: string, out: Collector): void {
  const parts = out.source.split(/[\\/]/);
  const at = parts.lastIndexOf('new');
  const crit = parts.lastIndexOf('criterion');
  const dirParts = at > 0 ? parts.slice(crit >= 0 && crit < at ? crit + 1 : at - 1, at) : [];
  if (dirParts.length === 0) {
    // What the file holds says more than where it lies: sample.json and benchmark.json get their own answer.
    refuseCompanion(text, out.source);
    const folder = parts.at(-2);
    throw new IngestError(
      out.source,
      '$',
      'criterion estimates named by their folder (target/criterion/<benchmark>/new/estimates.json)',
      `${folder === 'base' || folder === 'change' ? `criterion's ${folder}/ folder, its comparison with the previous run` : 'a file outside such a folder'}; pass the new/estimates.json or the whole target/criterion directory`,
    );
  }
  readCriterionBenchmark({ dir: dirParts.join('/'), estimates: { text, source: out.source } }, out);
}

/** sample.json and benchmark.json alone carry no estimate: point the user at what to pass. */
function refuseCompanion(text: string, source: string): void {
  const est = new JsonReader(source).object(parseJson(text, source, 'criterion estimates'), '$');
  if (!('iters' in est || 'group_id' in est)) return;
  throw new IngestError(
    source,
    '$',
    'criterion estimates (<benchmark>/new/estimates.json, or the whole target/criterion directory)',
    `criterion's ${'iters' in est ? 'sample.json' : 'benchmark.json'}, which has none`,
  );
}

export function readCriterionBenchmark(files: CriterionBenchmark, out: Collector): void {
  const { name, params, throughput } = identify(files);
  const json = new JsonReader(files.estimates.source);
  refuseCompanion(files.estimates.text, files.estimates.source);
  const est = json.object(parseJson(files.estimates.text, files.estimates.source, 'criterion estimates'), '$');
  const point = (key: string) => {
    if (est[key] === undefined || est[key] === null) return undefined;
    const e = json.object(est[key], `$.${key}`);
    return json.number(e.point_estimate, `$.${key}.point_estimate`) * NS_TO_MS;
  };
  const mean = point('mean');
  const median = point('median');
  if (mean === undefined && median === undefined && point('slope') === undefined) {
    json.fail('$', 'a "mean", "median" or "slope" estimate', Object.keys(est).join(', ') || 'an empty object');
  }
  let perIteration: number[] | undefined;
  if (files.sample) {
    const sj = new JsonReader(files.sample.source);
    const s = sj.object(parseJson(files.sample.text, files.sample.source, 'criterion samples'), '$');
    const iters = sj.numbers(s.iters, '$.iters');
    const times = sj.numbers(s.times, '$.times');
    if (iters.length !== times.length) {
      throw new IngestError(
        files.sample.source,
        '$.times',
        `as many times as iters (${iters.length})`,
        `${times.length}`,
      );
    }
    perIteration = times.map((t, i) => (t / (iters[i] as number)) * NS_TO_MS).filter((v) => Number.isFinite(v));
  }
  const typical = mean ?? median ?? (point('slope') as number);
  const stats = perIteration?.length
    ? undefined
    : statsFromSummary({ mean: typical, median: median ?? typical, sd: point('std_dev') });
  out.add({
    name,
    params,
    unit: 'ms',
    better: 'lower',
    ...(perIteration?.length ? { samples: perIteration } : {}),
    ...(stats ? { stats } : {}),
  });
  if (throughput) {
    const perSecond = (ms: number) => (throughput.amount * throughput.scale) / (ms / 1000);
    out.add({
      name: `${name}/throughput`,
      params,
      unit: throughput.unit,
      better: 'higher',
      ...(perIteration?.length
        ? { samples: perIteration.map(perSecond) }
        : { stats: statsFromSummary({ mean: perSecond(typical), median: perSecond(median ?? typical) }) }),
    });
  }
}

interface Identity {
  name: string;
  params?: Params;
  throughput?: { amount: number; scale: number; unit: string };
}

function identify(files: CriterionBenchmark): Identity {
  if (!files.benchmark) return splitId(files.dir);
  const json = new JsonReader(files.benchmark.source);
  const b = json.object(parseJson(files.benchmark.text, files.benchmark.source, 'criterion benchmark.json'), '$');
  const group = json.string(b.group_id, '$.group_id');
  const fn = typeof b.function_id === 'string' && b.function_id ? b.function_id : undefined;
  const value = typeof b.value_str === 'string' && b.value_str ? b.value_str : undefined;
  const id: Identity = { name: cleanName(fn ? `${group}/${fn}` : group) };
  if (value) id.params = valueParams(value);
  if (b.throughput !== undefined && b.throughput !== null) id.throughput = readThroughput(json, b.throughput);
  return id;
}

function readThroughput(json: JsonReader, raw: unknown): Identity['throughput'] {
  const t = json.object(raw, '$.throughput');
  if (typeof t.Elements === 'number') return { amount: t.Elements, scale: 1, unit: 'elem/s' };
  if (typeof t.Bytes === 'number') return { amount: t.Bytes, scale: 1e-6, unit: 'MB/s' };
  if (typeof t.BytesDecimal === 'number') return { amount: t.BytesDecimal, scale: 1e-6, unit: 'MB/s' };
  return undefined;
}

/** `group/function/value` as criterion prints ids: a last part that is a number or `k=v` is the parameter. */
export function splitId(id: string): Identity {
  const parts = id.split('/').filter((p) => p !== '');
  const last = parts[parts.length - 1];
  if (parts.length >= 2 && last !== undefined && (parts.length >= 3 || isValueLike(last))) {
    return { name: cleanName(parts.slice(0, -1).join('/')), params: valueParams(last) };
  }
  return { name: cleanName(id) };
}

function isValueLike(text: string): boolean {
  return typeof paramValue(text) === 'number' || kvParams(text) !== undefined;
}

function valueParams(value: string): Params {
  return kvParams(value) ?? { case: paramValue(value) };
}
