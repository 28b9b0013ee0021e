// Vitest bench: the JSON of `vitest bench --run --outputJson FILE` (tinybench results per benchmark).
//
// Used: files[].filepath, .groups[].fullName ("file > describe > ..."), .benchmarks[].name and its summary in ms
// per iteration: mean, median, min, max, sd, p75, p99, p999, sampleCount; `samples` when Vitest kept them. One
// metric per benchmark in ms, lower is better (hz is the same measurement inverted, so it is not repeated).
// Names: the describe blocks and the bench name joined with '/', without the file; `k=v` parts become
// parameters (`describe('plan') > bench('nodes=100')` -> `plan` with {nodes: 100}). When two files hold the same
// name, those get the file's name in front.

import type { Params } from '../../../src/model/metric-id.ts';
import type { Collector, MetricDraft } from '../collector.ts';
import { childPath, JsonReader, parseJson } from '../json.ts';
import { cleanName, kvParams } from '../names.ts';
import { statsFromSummary } from '../stats.ts';

interface Draft extends MetricDraft {
  file: string;
}

export function readVitest(text: string, out: Collector): void {
  const json = new JsonReader(out.source);
  const doc = json.object(parseJson(text, out.source, 'a Vitest bench --outputJson report'), '$');
  const files = json.array(doc.files, '$.files');
  const drafts: Draft[] = [];
  files.forEach((rawFile, fi) => {
    const fp = childPath('$.files', fi);
    out.entry(() => {
      const file = json.object(rawFile, fp);
      const filepath = typeof file.filepath === 'string' ? file.filepath : '';
      json.array(file.groups, `${fp}.groups`).forEach((rawGroup, gi) => {
        const gp = childPath(`${fp}.groups`, gi);
        out.entry(() => {
          const group = json.object(rawGroup, gp);
          const fullName = typeof group.fullName === 'string' ? group.fullName : '';
          const describes = fullName.split(' > ').slice(1);
          json.array(group.benchmarks, `${gp}.benchmarks`).forEach((rawBench, bi) => {
            const bp = childPath(`${gp}.benchmarks`, bi);
            out.entry(() => drafts.push(readBench(json, rawBench, bp, describes, filepath)));
          });
        });
      });
    });
  });
  const filesByKey = new Map<string, Set<string>>();
  const keyOf = (d: MetricDraft) => `${d.name}${JSON.stringify(d.params ?? {})}`;
  for (const d of drafts) filesByKey.set(keyOf(d), (filesByKey.get(keyOf(d)) ?? new Set()).add(d.file));
  for (const { file, ...d } of drafts) {
    const clash = (filesByKey.get(keyOf(d))?.size ?? 0) > 1;
    out.add(clash ? { ...d, name: `${fileStem(file)}/${d.name}` } : d);
  }
}

function readBench(json: JsonReader, raw: unknown, path: string, describes: string[], file: string): Draft {
  const b = json.object(raw, path);
  const benchName = json.string(b.name, `${path}.name`);
  const names: string[] = [];
  const params: Params = {};
  for (const part of [...describes, benchName]) {
    const kv = kvParams(part);
    if (kv) Object.assign(params, kv);
    else names.push(cleanName(part));
  }
  const num = (key: string) => json.optionalNumber(b[key], `${path}.${key}`);
  const samples = Array.isArray(b.samples) ? json.numbers(b.samples, `${path}.samples`) : [];
  const mean = num('mean');
  if (samples.length === 0 && mean === undefined) json.fail(`${path}.mean`, 'a number', b.mean);
  return {
    file,
    name: names.length > 0 ? names.join('/') : 'bench',
    params,
    unit: 'ms',
    better: 'lower',
    ...(samples.length > 0
      ? { samples }
      : {
          stats: statsFromSummary({
            n: num('sampleCount') ?? num('samples'),
            mean,
            median: num('median') ?? num('p50'),
            min: num('min'),
            max: num('max'),
            sd: num('sd'),
            p75: num('p75'),
            p99: num('p99'),
            p999: num('p999'),
          }),
        }),
  };
}

function fileStem(filepath: string): string {
  const base = filepath.split(/[\\/]/).pop() ?? 'file';
  return cleanName(base.replace(/\.(bench|benchmark)?\.?[cm]?[jt]sx?$/, '') || base);
}
