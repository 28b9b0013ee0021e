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
import { isObject } from '../json.ts';
import { cleanName, cleanParam, paramValue } from '../names.ts';
import { betterFor, normalizeUnit } from '../units.ts';

interface Line {
  text: string;
  /** Where to point a user: "line 12" of the file. */
  where: string;
}

interface Result {
  pkg: string;
  name: string;
  procs?: number;
  pairs: Array<{ value: number; unit: string }>;
}

const RESULT = /^(Benchmark\S*)\s+(\d+)\s+(\S.*)$/;
const CONTINUATION = /^\s+(\d+)\s+([-+\d.].*)$/;

export function readGoBench(text: string, out: Collector): void {
  const lines = looksLikeTest2Json(text) ? fromTest2Json(text) : plainLines(text);
  const results: Result[] = [];
  let pkg = '';
  let pending: string | undefined;
  for (const { text: line, where } of lines) {
    const header = /^pkg:\s*(\S+)/.exec(line);
    if (header) {
      pkg = header[1] as string;
      continue;
    }
    const failed = /^--- FAIL: (Benchmark\S*)/.exec(line);
    if (failed) {
      out.warn(`${out.source} at ${where}: ${failed[1]} failed; it has no result`);
      continue;
    }
    const buildFailed = /^FAIL\s+(\S+)\s+\[(.*)\]/.exec(line);
    if (buildFailed) {
      out.warn(`${out.source} at ${where}: package ${buildFailed[1]} did not run (${buildFailed[2]})`);
      continue;
    }
    if (/^Benchmark\S*\s+\d+\s*$/.test(line)) {
      // the name and the iteration count, then nothing: output cut off mid-line
      out.warn(
        `${describeProblem(out.source, where, '`<value> <unit>` pairs after the iteration count', JSON.stringify(line.slice(0, 80)))}; entry skipped`,
      );
      pending = undefined;
      continue;
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
      continue;
    }
    pending = undefined;
    const pairs = parsePairs(rest);
    if (!pairs) {
      out.warn(
        `${describeProblem(out.source, where, '`<value> <unit>` pairs after the iteration count', JSON.stringify(line.slice(0, 80)))}; entry skipped`,
      );
      continue;
    }
    results.push({ pkg, ...splitProcs(name), pairs });
  }
  resolveProcs(results);
  const prefixes = packagePrefixes(results.map((r) => r.pkg));
  const series = new Map<string, { name: string; params: Params; unit: string; raw: string; values: number[] }>();
  const unknownUnits = new Set<string>();
  for (const r of results) {
    const { name, params } = nameAndParams(r.name);
    const prefix = prefixes.get(r.pkg);
    const base = prefix ? `${prefix}/${name}` : name;
    if (r.procs !== undefined) params.procs = r.procs;
    for (const { value, unit } of r.pairs) {
      const norm = normalizeUnit(unit);
      if (norm.kind === 'unknown') unknownUnits.add(unit);
      const metricName = unit === 'ns/op' ? base : `${base}/${suffixFor(unit)}`;
      const key = `${metricName}${JSON.stringify(params)}`;
      const entry = series.get(key) ?? { name: metricName, params: { ...params }, unit, raw: unit, values: [] };
      entry.values.push(value * norm.factor);
      series.set(key, entry);
    }
  }
  for (const unit of unknownUnits) {
    out.warn(`${out.source}: unit "${unit}" is not one perf-action knows; kept as is, lower taken as better`);
  }
  for (const s of series.values()) {
    const norm = normalizeUnit(s.raw);
    out.add({ name: s.name, params: s.params, unit: norm.unit, better: betterFor(norm.kind), samples: s.values });
  }
}

function plainLines(text: string): Line[] {
  return text.split(/\r?\n/).map((t, i) => ({ text: t, where: `line ${i + 1}` }));
}

function looksLikeTest2Json(text: string): boolean {
  const first = text.trimStart().split('\n', 1)[0] ?? '';
  return first.startsWith('{') && first.includes('"Action"');
}

/** test2json: rebuild each package's text from its output events; lines point at the event that ended them. */
function fromTest2Json(text: string): Line[] {
  const byPackage = new Map<string, { buffer: string; lines: Line[] }>();
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    let event: unknown;
    try {
      event = JSON.parse(raw);
    } catch {
      return; // a truncated last event: the lines before it still count
    }
    if (!isObject(event) || event.Action !== 'output' || typeof event.Output !== 'string') return;
    const pkg = typeof event.Package === 'string' ? event.Package : '';
    const state = byPackage.get(pkg) ?? { buffer: '', lines: [] };
    state.buffer += event.Output;
    const parts = state.buffer.split('\n');
    state.buffer = parts.pop() as string;
    for (const part of parts) state.lines.push({ text: part, where: `line ${i + 1}` });
    byPackage.set(pkg, state);
  });
  return [...byPackage.values()].flatMap((s) => s.lines);
}

function parsePairs(rest: string): Array<{ value: number; unit: string }> | undefined {
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 2 || fields.length % 2 !== 0) return undefined;
  const pairs: Array<{ value: number; unit: string }> = [];
  for (let i = 0; i < fields.length; i += 2) {
    const value = Number(fields[i]);
    if (!Number.isFinite(value) || fields[i] === '') return undefined;
    pairs.push({ value, unit: fields[i + 1] as string });
  }
  return pairs;
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
function resolveProcs(results: Result[]): void {
  const counts = new Map<number, number>();
  for (const r of results) if (r.procs !== undefined) counts.set(r.procs, (counts.get(r.procs) ?? 0) + 1);
  const usual = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const states = new Map<string, Set<number>>();
  for (const r of results) {
    const key = `${r.pkg} ${r.name}`;
    const set = states.get(key) ?? new Set();
    set.add(r.procs ?? 1);
    states.set(key, set);
  }
  for (const r of results) {
    const several = (states.get(`${r.pkg} ${r.name}`)?.size ?? 0) > 1;
    if (several) r.procs ??= 1;
    else if (r.procs !== undefined && r.procs !== usual) {
      r.name = `${r.name}-${r.procs}`;
      r.procs = undefined;
    } else r.procs = undefined;
  }
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
    if (kv) params[cleanParam(kv[1] as string)] = paramValue(kv[2] as string);
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
