// Reading tool output from disk, for the formats whose results span several files: Locust's --csv PREFIX
// (PREFIX_stats.csv, with PREFIX_stats_history.csv for per-window samples when it is there) and criterion's
// target/criterion tree (each <benchmark>/new/estimates.json with its sample.json and benchmark.json).

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Metric } from '../../src/model/results.ts';
import { type CriterionBenchmark, readCriterionBenchmark, type TextFile } from './adapters/criterion.ts';
import { readLocustCsv } from './adapters/locust-csv.ts';
import { collect, ingest, resolveFormat, wholeFile } from './core.ts';
import { detectFormat } from './detect.ts';
import { IngestError } from './errors.ts';
import type { IngestFormat, IngestOptions, IngestOutput } from './types.ts';

const STATS = '_stats.csv';
const HISTORY = '_stats_history.csv';

/** Read files (or a Locust prefix, or a criterion directory) into one output; all must be of one format. */
export async function ingestFiles(paths: string[], opts: IngestOptions): Promise<IngestOutput> {
  if (paths.length === 0) throw new IngestError('ingest', '', 'at least one file', 'none');
  const outputs: Array<{ source: string; output: IngestOutput }> = [];
  const done = new Set<string>();
  for (const p of paths) {
    const output = await ingestPath(p, opts, done);
    if (output) outputs.push({ source: p, output });
  }
  if (outputs.length === 0) throw new IngestError(paths.join(', '), '', 'at least one readable file', 'none');
  const format = (outputs[0] as { output: IngestOutput }).output.format;
  // One file's ids are already unique (the collector saw to it): nothing to merge.
  if (outputs.length === 1) return (outputs[0] as { output: IngestOutput }).output;
  const metrics: Metric[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const { source, output } of outputs) {
    if (output.format !== format) {
      throw new IngestError(
        source,
        '',
        `${format} output like ${paths[0]} (one suite reads one tool)`,
        `${output.format} output`,
      );
    }
    warnings.push(...output.warnings);
    for (const m of output.metrics) {
      if (seen.has(m.id)) {
        warnings.push(`${source}: ${m.id} was already read from an earlier file; kept the first`);
        continue;
      }
      seen.add(m.id);
      metrics.push(m);
    }
  }
  return { format, metrics, warnings };
}

async function ingestPath(p: string, opts: IngestOptions, done: Set<string>): Promise<IngestOutput | undefined> {
  const info = await stat(p).catch(() => undefined);
  if (!info) {
    // `locust --csv run` is given as "run": its files are run_stats.csv and friends.
    if (await isFile(`${p}${STATS}`)) return locustPair(`${p}${STATS}`, opts, done);
    throw new IngestError(p, '', 'a file or directory', 'nothing at that path');
  }
  if (info.isDirectory()) return criterionTree(p, opts);
  if (p.endsWith(HISTORY) && (await isFile(p.slice(0, -HISTORY.length) + STATS))) {
    return locustPair(p.slice(0, -HISTORY.length) + STATS, opts, done);
  }
  const text = await readFile(p, 'utf8');
  if (p.endsWith(STATS)) {
    const wanted = opts.format ?? 'auto';
    const format = wanted === 'auto' ? detectFormat({ text, source: p }) : wanted;
    if (format === 'locust') return locustPair(p, opts, done, text);
  }
  return ingest({ text, source: p }, opts);
}

async function locustPair(
  statsPath: string,
  opts: IngestOptions,
  done: Set<string>,
  text?: string,
): Promise<IngestOutput | undefined> {
  if (done.has(statsPath)) return undefined; // both files of one prefix were given
  done.add(statsPath);
  checkFormat(statsPath, opts, 'locust');
  const statsText = text ?? (await readFile(statsPath, 'utf8'));
  const historyPath = statsPath.slice(0, -STATS.length) + HISTORY;
  const history = (await isFile(historyPath))
    ? { text: await readFile(historyPath, 'utf8'), source: historyPath }
    : undefined;
  return collect(
    statsPath,
    'locust',
    opts,
    (out) => readLocustCsv(statsText, out, history),
    wholeFile('locust', statsText),
  );
}

async function criterionTree(dir: string, opts: IngestOptions): Promise<IngestOutput> {
  checkFormat(dir, opts, 'criterion');
  const found: string[] = [];
  await walk(dir, found);
  if (found.length === 0) {
    throw new IngestError(dir, '', 'a target/criterion directory with <benchmark>/new/estimates.json files', 'none');
  }
  const benchmarks: CriterionBenchmark[] = [];
  for (const estimates of found.sort()) {
    const newDir = path.dirname(estimates);
    const rel = path.relative(dir, path.dirname(newDir)).split(path.sep);
    const below = rel.lastIndexOf('criterion');
    const optional = async (name: string): Promise<TextFile | undefined> => {
      const file = path.join(newDir, name);
      return (await isFile(file)) ? { text: await readFile(file, 'utf8'), source: file } : undefined;
    };
    const sample = await optional('sample.json');
    const benchmark = await optional('benchmark.json');
    benchmarks.push({
      dir: rel.slice(below + 1).join('/'),
      estimates: { text: await readFile(estimates, 'utf8'), source: estimates },
      ...(sample ? { sample } : {}),
      ...(benchmark ? { benchmark } : {}),
    });
  }
  return collect(dir, 'criterion', opts, (out) => {
    for (const b of benchmarks) out.entry(() => readCriterionBenchmark(b, out));
  });
}

/** Every <x>/new/estimates.json below dir; criterion's HTML reports are skipped. */
async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'report') await walk(full, found);
    else if (e.isFile() && e.name === 'estimates.json' && path.basename(dir) === 'new') found.push(full);
  }
}

function checkFormat(source: string, opts: IngestOptions, format: IngestFormat): void {
  const wanted = opts.format ?? 'auto';
  if (wanted !== 'auto' && wanted !== format) {
    throw new IngestError(source, '', `${wanted} output`, `${format} output`);
  }
  resolveFormat({ text: '', source }, { ...opts, format });
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}
