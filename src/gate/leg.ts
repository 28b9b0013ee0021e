// One leg of a sharded run: measure this leg's suites and write them, after each suite and at the end, for
// the merge job, which judges all legs together (gate/merge.ts). A leg judges nothing itself.

import { writeJsonAtomic } from '../baseline/file.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { ResultsDocument, ShardPosition } from '../model/results.ts';
import type { ProgressSink } from '../runner/progress.ts';
import { runSuites } from '../runner/run.ts';

export interface LegInput {
  loaded: LoadedConfig;
  shard: ShardPosition;
  /** When the legs' split loads start (epoch ms). */
  startAt?: number;
  /** The leg's results file. */
  file: string;
  env: NodeJS.ProcessEnv;
  progress: ProgressSink;
  signal: AbortSignal;
  git?: { sha: string; ref?: string };
  only?: string[];
}

export async function runLeg(l: LegInput): Promise<{ results: ResultsDocument; setupErrors: string[] }> {
  const outcome = await runSuites(l.loaded, {
    env: l.env,
    progress: l.progress,
    signal: l.signal,
    shard: l.shard,
    ...(l.startAt !== undefined ? { startAt: l.startAt } : {}),
    ...(l.git ? { git: l.git } : {}),
    ...(l.only && l.only.length > 0 ? { only: l.only } : {}),
    onSuite: (partial) => writeJsonAtomic(l.file, partial),
  });
  await writeJsonAtomic(l.file, outcome.results);
  return outcome;
}

/** The leg's suites as a reader names them: a split suite with its part. */
export function legSuiteNames(results: ResultsDocument): string[] {
  return results.suites.map((s) => (s.shard ? `${s.name} (part ${s.shard.index}/${s.shard.count})` : s.name));
}
