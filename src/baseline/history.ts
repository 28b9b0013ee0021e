// The baseline's history (perf-action/history@1): the last few runs saved as baselines, per metric, so the
// gate knows how much each metric moves between runs of unchanged code. It is a document of its own, kept
// next to the baseline (same cache entry, same folder), because the results document's format is fixed.
//
// Carried forward on every save: restore the old history, append the run being saved, trim, save. Bounded
// twice: at most `maxRuns` runs, and at most `maxBytes` of JSON (samples of the oldest runs go first, then
// whole runs), so a suite with thousands of metrics cannot grow the cache entry without limit.
// The history only ever informs the comparison: a missing or damaged one means "no history", never a failure.

import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { levelOf } from '../compare/level.ts';
import { readDocument } from '../model/documents.ts';
import {
  type Better,
  environmentShape,
  gitShape,
  type ResultsDocument,
  type RunEnvironment,
  referenceShape,
  type SuiteReference,
} from '../model/results.ts';
import { median } from '../stats/quantile.ts';

export const HISTORY_SCHEMA = 'perf-action/history@1';
export const DEFAULT_HISTORY_RUNS = 20;
export const DEFAULT_HISTORY_BYTES = 1_048_576;

/** One metric in one past run, in that run's unit. */
export interface HistoryMetric {
  unit: string;
  better: Better;
  /** Median of the replicates. */
  median: number;
  /** The run's level as the verdict takes it (compare/level.ts); older histories have only the median. */
  level?: number;
  /** Replicates behind the median. */
  n: number;
  /** The replicates themselves, while the size cap allows. */
  samples?: number[];
}

export interface HistoryRun {
  createdAt: string;
  git?: { sha: string; ref?: string };
  env: RunEnvironment;
  /** Keyed by metric id. */
  metrics: Record<string, HistoryMetric>;
  /** The suites' reference workload times (results' `reference`), keyed by suite name. */
  references?: Record<string, SuiteReference>;
}

export interface HistoryDocument {
  schema: typeof HISTORY_SCHEMA;
  /** Oldest first. */
  runs: HistoryRun[];
}

export interface HistoryLimits {
  maxRuns?: number;
  maxBytes?: number;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const historyShape = z.object({
  schema: z.string().transform((): typeof HISTORY_SCHEMA => HISTORY_SCHEMA),
  runs: z.array(
    z.object({
      createdAt: z.string(),
      git: gitShape.optional(),
      env: environmentShape,
      metrics: z.record(
        z.string(),
        z.object({
          unit: z.string(),
          better: z.enum(['lower', 'higher']),
          median: finite,
          level: finite.optional(),
          n: z.number().int().nonnegative(),
          samples: z.array(finite).optional(),
        }),
      ),
      references: z.record(z.string(), referenceShape).optional(),
    }),
  ),
});

export function emptyHistory(): HistoryDocument {
  return { schema: HISTORY_SCHEMA, runs: [] };
}

export function parseHistory(text: string, source: string): HistoryDocument {
  const doc = readDocument(text, source, 'history', 1, historyShape) as HistoryDocument;
  // Rebuilt without a prototype: an id like "__proto__" can reach no prototype and never reads as a metric.
  for (const run of doc.runs) {
    run.metrics = Object.assign(Object.create(null), run.metrics);
    if (run.references) run.references = Object.assign(Object.create(null), run.references);
  }
  return doc;
}

// Six significant digits: far below any noise worth measuring, and about half the bytes of full doubles.
const compact = (v: number): number => Number(v.toPrecision(6));

/**
 * One history entry from a results document. Only suites that finished count: a crashed suite's numbers
 * describe the crash, not the code.
 */
export function historyRunFrom(results: ResultsDocument): HistoryRun {
  const metrics: Record<string, HistoryMetric> = Object.create(null);
  const references: Record<string, SuiteReference> = Object.create(null);
  for (const suite of results.suites) {
    if (!suite.ok) continue;
    if (suite.reference && !(suite.name in references)) {
      const parts: Record<string, number[]> = Object.create(null);
      for (const [part, times] of Object.entries(suite.reference.parts)) parts[part] = times.map(compact);
      references[suite.name] = { ...suite.reference, parts };
    }
    for (const m of suite.metrics) {
      if (m.id in metrics) continue;
      const values = m.samples && m.samples.length > 0 ? m.samples : undefined;
      metrics[m.id] = {
        unit: m.unit,
        better: m.better,
        median: compact(values ? median(values) : m.stats.median),
        level: compact(levelOf({ values: values ?? [m.stats.median], windows: m.sampling === 'windows' }, m.better)),
        n: values ? values.length : 1,
        ...(values ? { samples: values.map(compact) } : {}),
      };
    }
  }
  return {
    createdAt: results.createdAt,
    ...(results.git ? { git: results.git } : {}),
    env: results.env,
    metrics,
    ...(Object.keys(references).length > 0 ? { references } : {}),
  };
}

const sizeOf = (doc: HistoryDocument): number => Buffer.byteLength(JSON.stringify(doc));

/**
 * The newest `maxRuns` runs within `maxBytes`: samples are dropped from the oldest runs first (their medians
 * still inform the spread), then the oldest runs. Returns a new document; the input is not changed.
 */
export function trimHistory(doc: HistoryDocument, limits: HistoryLimits = {}): HistoryDocument {
  const maxRuns = limits.maxRuns ?? DEFAULT_HISTORY_RUNS;
  const maxBytes = limits.maxBytes ?? DEFAULT_HISTORY_BYTES;
  if (!(Number.isInteger(maxRuns) && maxRuns >= 0))
    throw new RangeError(`history maxRuns must be >= 0 (got ${maxRuns})`);
  const runs = doc.runs.slice(Math.max(0, doc.runs.length - maxRuns)).map((r) => ({ ...r, metrics: r.metrics }));
  const out: HistoryDocument = { schema: HISTORY_SCHEMA, runs };
  let size = sizeOf(out);
  for (let i = 0; size > maxBytes && i < runs.length; i++) {
    const run = runs[i] as HistoryRun;
    const stripped: Record<string, HistoryMetric> = Object.create(null);
    for (const [id, m] of Object.entries(run.metrics)) {
      const { samples: _dropped, ...rest } = m;
      stripped[id] = rest;
    }
    runs[i] = { ...run, metrics: stripped };
    size = sizeOf(out);
  }
  while (size > maxBytes && runs.length > 0) {
    runs.shift();
    size = sizeOf(out);
  }
  return out;
}

/** Restore → append → trim: the history to save along with `results`. */
export function appendToHistory(
  history: HistoryDocument | undefined,
  results: ResultsDocument,
  limits: HistoryLimits = {},
): HistoryDocument {
  const runs = [...(history?.runs ?? [])];
  // Saving the same run twice (a retried job) must not count it twice.
  const last = runs[runs.length - 1];
  if (last && last.createdAt === results.createdAt && last.git?.sha === results.git?.sha) runs.pop();
  runs.push(historyRunFrom(results));
  return trimHistory({ schema: HISTORY_SCHEMA, runs }, limits);
}

/** The history file that goes with a baseline file: base.json → base.history.json. */
export function historyFileFor(baselineFile: string): string {
  return baselineFile.endsWith('.json') ? `${baselineFile.slice(0, -5)}.history.json` : `${baselineFile}.history.json`;
}

export interface ReadHistory {
  history?: HistoryDocument;
  /** Why an existing history could not be used; the comparison goes on without it. */
  problem?: string;
}

/** A missing file is no history; a damaged one is no history plus a problem to report. */
export async function readHistoryFile(file: string): Promise<ReadHistory> {
  if (!existsSync(file)) return {};
  try {
    return { history: parseHistory(await readFile(file, 'utf8'), file) };
  } catch (err) {
    return {
      problem: `${(err as Error).message}; the baseline history is not used (it is rebuilt from the next saved baselines)`,
    };
  }
}

/** Written compactly (the size cap counts compact JSON) and atomically (a crash never leaves half a file). */
export async function writeHistoryFile(file: string, history: HistoryDocument): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(history)}\n`);
  await rename(tmp, file);
}

/** Two histories as one, oldest first, each run once (by time and commit). */
export function mergeHistories(a: HistoryDocument | undefined, b: HistoryDocument): HistoryDocument {
  const seen = new Set<string>();
  const runs = [...(a?.runs ?? []), ...b.runs].filter((r) => {
    const key = `${r.createdAt}|${r.git?.sha ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  runs.sort((x, y) => Date.parse(x.createdAt) - Date.parse(y.createdAt));
  return { schema: HISTORY_SCHEMA, runs };
}
