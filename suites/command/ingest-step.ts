// `ingest: { format, file }`: after the last run of a parameter set, read the results file the command wrote and
// yield the tool's metrics under the suite, with the set's parameters added to their ids.

import { readdirSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { matchesGlob } from '../../src/model/glob.ts';
import { makeMetric } from '../../src/model/make-metric.ts';
import type { Metric } from '../../src/model/results.ts';
import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { ingestFiles } from '../ingest/index.ts';
import type { IngestFormat } from '../ingest/types.ts';
import type { ParamSet } from './grid.ts';

/**
 * The newest modification time of what the command writes (undefined when absent), to tell fresh results from
 * an earlier run's: the file itself, every file of a directory (criterion's tree), or a Locust `--csv` prefix.
 */
export function fileStamp(file: string): number | undefined {
  const info = statOrUndefined(file) ?? statOrUndefined(`${file}_stats.csv`);
  if (!info?.isDirectory()) return info?.mtimeMs;
  let newest = info.mtimeMs;
  const pending = [file];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else newest = Math.max(newest, statOrUndefined(full)?.mtimeMs ?? 0);
    }
  }
  return newest;
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/**
 * The metrics' directions as perf.yml says: a map of name globs (matched against the name after the suite)
 * overrides whatever the tool or the unit implied; the first matching glob wins.
 */
export function applyDirections(metrics: Metric[], suite: string, map: Record<string, 'higher' | 'lower'>): Metric[] {
  const globs = Object.entries(map);
  return metrics.map((m) => {
    const name = m.id.startsWith(`${suite}/`) ? m.id.slice(suite.length + 1) : m.id;
    const bare = name.replace(/\[.*\]$/, '');
    const hit = globs.find(([g]) => matchesGlob(g, name) || matchesGlob(g, bare));
    return hit && hit[1] !== m.better ? { ...m, better: hit[1] } : m;
  });
}

export async function ingestResults(
  target: {
    format: IngestFormat | 'auto';
    file: string;
    shown: string;
    better?: 'higher' | 'lower' | Record<string, 'higher' | 'lower'>;
  },
  suite: string,
  set: ParamSet,
  stampBefore: number | undefined,
): Promise<{ metrics: Metric[]; warnings: string[] }> {
  const stamp = fileStamp(target.file);
  if (stamp === undefined) throw new SuiteSetupError(`the command did not write ${target.shown} (ingest.file)`);
  if (stamp === stampBefore) {
    throw new Error(`${target.shown} was not rewritten by the command: it still holds an earlier run's results`);
  }
  let out: Awaited<ReturnType<typeof ingestFiles>>;
  try {
    out = await ingestFiles([target.file], {
      format: target.format,
      suite,
      ...(typeof target.better === 'string' ? { better: target.better } : {}),
    });
  } catch (err) {
    throw new Error(`ingest: ${(err as Error).message}`);
  }
  const directed = typeof target.better === 'object' ? applyDirections(out.metrics, suite, target.better) : out.metrics;
  if (Object.keys(set).length === 0) return { metrics: directed, warnings: out.warnings };
  const metrics = directed.map((m) =>
    makeMetric({
      suite,
      name: m.name,
      params: { ...m.params, ...set },
      unit: m.unit,
      better: m.better,
      ...(m.samples ? { samples: m.samples, windows: m.sampling === 'windows' } : {}),
      stats: m.stats,
    }),
  );
  return { metrics, warnings: out.warnings };
}
