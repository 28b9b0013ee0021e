// Go: the text `go test -bench . [-benchmem] [-count N] [-cpu a,b] ./...` prints (Go's benchmark data format:
// `goos:`/`pkg:` headers, then `BenchmarkName-P  <iterations>  <value> <unit>  [<value> <unit>]...`), or the
// same run with `-json` (test2json events; their Output fields are that text).
//
// Used: `pkg:` lines, result lines, `--- FAIL: BenchmarkX` (warned). Every value/unit pair is a metric:
// ns/op -> `<name>` in ms, B/op -> `<name>/bytes_per_op` in B, allocs/op -> `<name>/allocs_per_op` (count),
// MB/s -> `<name>/MB_per_s` (higher is better), and b.ReportMetric units the same way (`x/s` rates higher,
// others lower). Each -count repetition is one sample.
// Names: `BenchmarkPlan/nodes=1000-8` -> `Plan` with {nodes: 1000}; the -GOMAXPROCS suffix is dropped, or kept
// as {procs: P} when one run used several (-cpu 1,2); with several packages each name starts with the package
// path below their common prefix (`graph/Plan`).

import type { Params } from '../../../src/model/metric-id.ts';
import type { Collector } from '../collector.ts';
import { describeProblem } from '../errors.ts';
import { cleanName, paramKey, paramValue } from '../names.ts';
import { betterFor, type NormalUnit, normalizeUnit } from '../units.ts';
import { forEachGoLine } from './go-lines.ts';

/**
 * One benchmark as printed (package, name, -P suffix) with every value of its result lines. Repetitions
 * (-count) land in the same group, so the work after parsing follows the distinct benchmarks, not the lines.
 */
interface Group {
  pkg: string;
  name: string;
  procs?: number;
  /** Result lines read for it: the weight of its -P suffix when choosing the run's usual one. */
  lines: number;
  /** Units as printed, in order of appearance, and the values of each (parallel arrays). */
  units: string[];
  values: number[][];
  /** unit -> index, only for a group printing many units, where a scan of `units` would cost too much. */
  index?: Map<string, number>;
}

/** Above this many units a group looks its units up in a Map instead of scanning them. */
const SCAN_UNITS = 8;

const RESULT = /^(Benchmark\S*)\s+(\d+)\s+(\S.*)$/;
const CONTINUATION = /^\s+(\d+)\s+([-+\d.].*)$/;

export function readGoBench(text: string, out: Collector): void {
  // package -> printed name -> group; `order` keeps the groups in order of appearance.
  const groups = new Map<string, Map<string, Group>>();
  const order: Group[] = [];
  // One string per unit for the whole file, not one per line and group.
  const unitNames = new Map<string, string>();
  let pkg = '';
  let pending: string | undefined;
  const where = (line: number) => `line ${line}`;
  forEachGoLine(text, (line, n) => {
    const header = /^pkg:\s*(\S+)/.exec(line);
    if (header) {
      pkg = header[1] as string;
      return;
    }
    const failed = /^--- FAIL: (Benchmark\S*)/.exec(line);
    if (failed) {
      out.warn(`${out.source} at ${where(n)}: ${failed[1]} failed; it has no result`);
      return;
    }
    const buildFailed = /^FAIL\s+(\S+)\s+\[(.*)\]/.exec(line);
    if (buildFailed) {
      out.warn(`${out.source} at ${where(n)}: package ${buildFailed[1]} did not run (${buildFailed[2]})`);
      return;
    }
    if (/^Benchmark\S*\s+\d+\s*$/.test(line)) {
      // the name and the iteration count, then nothing: output cut off mid-line
      out.warn(
        `${describeProblem(out.source, where(n), '`<value> <unit>` pairs after the iteration count', JSON.stringify(line.slice(0, 80)))}; entry skipped`,
      );
      pending = undefined;
      return;
    }
    const m = RESULT.exec(line);
    const cont = pending ? CONTINUATION.exec(line) : null;
    let name: string;
    let rest: string;
    if (m && !/^Benchmark[a-z]/.test(m[1] as string)) {
      name = m[1] as string;
      rest = m[3] as string;
    } else if (pending && cont) {
      // The benchmark printed something between its name and its numbers.
      name = pending;
      rest = cont[2] as string;
    } else {
      const named = /^(Benchmark[^a-z\s]\S*|Benchmark)(\s|$)/.exec(line);
      pending = named ? named[1] : pending;
      return;
    }
    pending = undefined;
    const pairs = parsePairs(rest);
    if (!pairs) {
      out.warn(
        `${describeProblem(out.source, where(n), '`<value> <unit>` pairs after the iteration count', JSON.stringify(line.slice(0, 80)))}; entry skipped`,
      );
      return;
    }
    const inPackage = getOrMake(groups, pkg, () => new Map());
    let group = inPackage.get(name);
    const first = !group;
    if (!group) {
      const split = splitProcs(name);
      group = { pkg, name: split.name, procs: split.procs, lines: 0, units: [], values: [] };
      inPackage.set(name, group);
      order.push(group);
    }
    group.lines++;
    for (let i = 0; i < pairs.length; i += 2) {
      addValue(
        group,
        getOrMake(unitNames, pairs[i + 1] as string, () => pairs[i + 1] as string),
        i / 2,
        pairs[i],
      );
    }
    if (first) {
      // Arrays grown by push keep room for 16 more; a group is kept until the end, so it keeps exact ones.
      group.units = group.units.slice();
      group.values = group.values.slice();
    }
  });
  resolveProcs(order);
  addGroups(order, out);
}

/** File a value under its unit; `at` is the unit's place on the line, which is nearly always its slot too. */
function addValue(group: Group, unit: string, at: number, text: string | undefined): void {
  const value = Number(text);
  if (group.units[at] === unit) {
    (group.values[at] as number[]).push(value);
    return;
  }
  const slot = group.index ? group.index.get(unit) : group.units.indexOf(unit);
  if (slot !== undefined && slot >= 0) {
    (group.values[slot] as number[]).push(value);
    return;
  }
  group.index?.set(unit, group.units.length);
  group.units.push(unit);
  // A literal holds exactly one value: with -count 1 (one value each) nothing more is ever allocated.
  group.values.push([value]);
  if (!group.index && group.units.length > SCAN_UNITS) group.index = new Map(group.units.map((u, i) => [u, i]));
}

/**
 * Groups -> metrics, one per benchmark and unit, named and converted once per group. Two printed names that
 * clean up to one id (names cut at 200 characters, `n=1` and `n=01`) stay two results: the collector keeps the
 * first and warns.
 */
function addGroups(groups: Group[], out: Collector): void {
  const prefixes = packagePrefixes(groups.map((g) => g.pkg));
  const units = new UnitCache();
  // Warnings about units come before the metrics are added, so they are not crowded out by duplicates.
  for (const g of groups) for (const unit of g.units) units.get(unit);
  for (const unit of units.unknown) {
    out.warn(`${out.source}: unit "${unit}" is not one perf-action knows; kept as is, lower taken as better`);
  }
  for (const g of groups) {
    // The params object is shared by the group's metrics (ns/op, B/op, ...): nothing changes it afterwards.
    const { name, params } = nameAndParams(g.name);
    const prefix = prefixes.get(g.pkg);
    const base = prefix ? `${prefix}/${name}` : name;
    if (g.procs !== undefined) params.procs = g.procs;
    g.units.forEach((unit, i) => {
      const { norm, suffix } = units.get(unit);
      const raw = g.values[i] as number[];
      out.add({
        name: unit === 'ns/op' ? base : `${base}/${suffix}`,
        params,
        unit: norm.unit,
        better: betterFor(norm.kind),
        // slice and map make exact-size arrays: the samples live as long as the results.
        samples: norm.factor !== 1 ? raw.map((v) => v * norm.factor) : raw.length > 1 ? raw.slice() : raw,
      });
    });
  }
}

/** A run prints a handful of units on every line: convert and name each once. */
class UnitCache {
  readonly unknown = new Set<string>();
  private readonly known = new Map<string, { norm: NormalUnit; suffix: string }>();

  get(unit: string): { norm: NormalUnit; suffix: string } {
    let entry = this.known.get(unit);
    if (!entry) {
      entry = { norm: normalizeUnit(unit), suffix: suffixFor(unit) };
      if (entry.norm.kind === 'unknown') this.unknown.add(unit);
      this.known.set(unit, entry);
    }
    return entry;
  }
}

/** The `<value> <unit>` fields after the iteration count, checked: values at even places, units at odd. */
function parsePairs(rest: string): string[] | undefined {
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 2 || fields.length % 2 !== 0) return undefined;
  for (let i = 0; i < fields.length; i += 2) {
    if (fields[i] === '' || !Number.isFinite(Number(fields[i]))) return undefined;
  }
  return fields;
}

function splitProcs(raw: string): { name: string; procs?: number } {
  const m = /^(.*)-(\d+)$/.exec(raw);
  return m ? { name: m[1] as string, procs: Number(m[2]) } : { name: raw };
}

/**
 * `-N` is GOMAXPROCS: drop it when the whole run used one value. When a benchmark shows up with several
 * (-cpu 1,2,4; no suffix means 1), keep it as a parameter. A suffix that is not the run's usual one on a
 * benchmark that appears once was part of its name (`n=-5`), so it goes back.
 */
function resolveProcs(list: Group[]): void {
  const counts = new Map<number, number>();
  for (const g of list) if (g.procs !== undefined) counts.set(g.procs, (counts.get(g.procs) ?? 0) + g.lines);
  const usual = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  // package -> name without the suffix -> the suffixes it was printed with (none counts as 1)
  const states = new Map<string, Map<string, Set<number>>>();
  const sets = list.map((g) =>
    getOrMake(
      getOrMake(states, g.pkg, () => new Map()),
      g.name,
      () => new Set<number>(),
    ).add(g.procs ?? 1),
  );
  list.forEach((g, i) => {
    const several = (sets[i] as Set<number>).size > 1;
    if (several) g.procs ??= 1;
    else if (g.procs !== undefined && g.procs !== usual) {
      g.name = `${g.name}-${g.procs}`;
      g.procs = undefined;
    } else g.procs = undefined;
  });
}

/** The map's value for key, made and stored first when there is none. */
function getOrMake<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** With several packages, each gets its path below their common prefix (a lone package: none). */
function packagePrefixes(pkgs: string[]): Map<string, string> {
  const distinct = [...new Set(pkgs)];
  const out = new Map<string, string>();
  if (distinct.length < 2) return out;
  const split = distinct.map((p) => p.split('/'));
  let common = 0;
  while (split.every((s) => s.length > common + 1 && s[common] === (split[0] as string[])[common])) common++;
  for (const [i, p] of distinct.entries()) {
    const rest = (split[i] as string[]).slice(common).join('/');
    out.set(p, cleanName(rest || (p.split('/').pop() as string)));
  }
  return out;
}

function nameAndParams(raw: string): { name: string; params: Params } {
  const segments = raw.replace(/^Benchmark/, '').split('/');
  const params: Params = {};
  const names: string[] = [];
  for (const seg of segments) {
    const kv = /^([A-Za-z_][\w.]*)=(.+)$/.exec(seg);
    if (kv) params[paramKey(kv[1] as string)] = paramValue(kv[2] as string);
    else names.push(seg);
  }
  return { name: cleanName(names.join('/') || 'Benchmark'), params };
}

function suffixFor(unit: string): string {
  return unit
    .replace(/^B\//, 'bytes/')
    .replace(/\//g, '_per_')
    .replace(/[^\w.-]/g, '_');
}
