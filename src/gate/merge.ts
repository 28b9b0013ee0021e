// The gate over a sharded run's legs: join them into one results document and judge it once (one comparison
// family, criteria across legs). Nothing can be run again here, so the run is one look.

import type { LoadedBaseline } from '../baseline/store.ts';
import { judge } from '../compare/judge.ts';
import { type CompareOptions, DEFAULT_COMPARE_OPTIONS } from '../compare/options.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { ResultsDocument } from '../model/results.ts';
import type { VerdictDocument } from '../model/verdict.ts';
import { shardSuites } from '../runner/shard.ts';
import type { SuiteKind } from '../runner/suite-kind.ts';
import { type LegInput, mergeLegs, type ShardMerger } from '../shard/merge.ts';

export interface MergeGateInput {
  legs: readonly LegInput[];
  kinds: readonly SuiteKind[];
  /** The config names what a missing leg should have run, and gives the criteria and compare options. */
  loaded?: LoadedConfig;
  baseline?: LoadedBaseline;
  baselineProblem?: string;
  failOn?: CompareOptions['failOn'];
}

/** Throws MergeError (shard/merge.ts) when the legs do not belong together. */
export async function mergeGate(m: MergeGateInput): Promise<{ results: ResultsDocument; verdict: VerdictDocument }> {
  const planned = m.loaded ? shardSuites(m.loaded.config.suites, m.kinds) : undefined;
  // Only kinds with a split suite in the legs load their merger (http's pulls the HDR histogram code).
  const split = new Set(m.legs.flatMap((l) => l.doc.suites.filter((s) => s.shard).map((s) => s.kind)));
  const mergers: ShardMerger[] = await Promise.all(
    m.kinds.map(async (k) => ({
      name: k.name,
      ...(k.shardMerger && split.has(k.name) ? { mergeShards: await k.shardMerger() } : {}),
    })),
  );
  const results = mergeLegs(m.legs, { kinds: mergers, ...(planned ? { planned } : {}) });
  const verdict = judge({
    head: results,
    ...(m.baseline ? { baseline: m.baseline } : {}),
    ...(m.baselineProblem ? { baselineProblem: m.baselineProblem } : {}),
    criteria: m.loaded?.config.criteria ?? [],
    options: {
      ...(m.loaded?.config.compare ?? DEFAULT_COMPARE_OPTIONS),
      ...(m.failOn ? { failOn: m.failOn } : {}),
      runs: 1,
    },
  });
  return { results, verdict };
}
