// Joins the results of the legs of a sharded run (`--shard i/n` on a GitHub Actions matrix) into one results
// document, judged once: one comparison family, criteria across legs, one comment. A leg that sent nothing
// or failed is a failed suite of the merged run, so the gate fails and the report names it.

import type { ResultsDocument, SuiteResult } from '../model/results.ts';
import type { ShardSuite } from '../runner/shard.ts';
import { suitesForShard } from '../runner/shard.ts';

export class MergeError extends Error {
  override name = 'MergeError';
}

export interface LegInput {
  /** Where the leg's document came from (its file), for messages. */
  source: string;
  doc: ResultsDocument;
}

/** What merge needs of a suite kind: how to join the parts of a split load. */
export interface ShardMerger {
  name: string;
  mergeShards?(suite: string, parts: unknown[]): SuiteResult['metrics'];
}

export interface MergeOptions {
  kinds: readonly ShardMerger[];
  /** The config's suites, to name what a missing leg should have run. */
  planned?: readonly ShardSuite[];
}

/** Kind of the placeholder suite that stands for a missing leg. */
export const MISSING_LEG_KIND = 'shard';

export function mergeLegs(legs: readonly LegInput[], opts: MergeOptions): ResultsDocument {
  if (legs.length === 0) throw new MergeError('merge needs the results of at least one leg');
  for (const l of legs) {
    if (!l.doc.shard) {
      throw new MergeError(
        `${l.source} is not one leg of a sharded run (it has no "shard"): run each leg with --shard i/n`,
      );
    }
  }
  const count = legs[0]?.doc.shard?.count ?? 1;
  const byIndex = new Map<number, LegInput>();
  for (const l of legs) {
    const shard = l.doc.shard as { index: number; count: number };
    if (shard.count !== count) {
      throw new MergeError(
        `${l.source} is leg ${shard.index}/${shard.count} but ${legs[0]?.source} is of ${count} legs: merge the legs of one run`,
      );
    }
    const seen = byIndex.get(shard.index);
    if (seen)
      throw new MergeError(
        `${seen.source} and ${l.source} are both leg ${shard.index}/${count}: give each leg its own --shard`,
      );
    byIndex.set(shard.index, l);
  }
  const shas = new Set(legs.map((l) => l.doc.git?.sha).filter((s) => s !== undefined));
  if (shas.size > 1) {
    throw new MergeError(`the legs measured different commits (${[...shas].join(', ')}): merge the legs of one run`);
  }
  const ordered = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, l]) => l);
  const first = ordered[0] as LegInput;
  const suites: SuiteResult[] = [];
  const splits = new Map<string, Array<{ leg: number; suite: SuiteResult }>>();
  const owner = new Map<string, string>();
  for (const leg of ordered) {
    const index = leg.doc.shard?.index ?? 1;
    for (const suite of leg.doc.suites) {
      if (suite.shard) {
        const group = splits.get(suite.name) ?? [];
        if (group.length === 0) suites.push(suite); // placeholder: replaced by the merged suite below
        group.push({ leg: index, suite });
        splits.set(suite.name, group);
        continue;
      }
      if (suite.kind === 'service' && owner.has(suite.name)) {
        // Every leg starts the config's services: their usage is kept per leg under its own name.
        suites.push(renameSuite(suite, `${suite.name}-leg${index}`));
        continue;
      }
      const other = owner.get(suite.name);
      if (other) {
        throw new MergeError(`suite ${suite.name} is in ${other} and in ${leg.source}: each suite runs on one leg`);
      }
      owner.set(suite.name, leg.source);
      suites.push(suite);
    }
  }
  const merged = suites.map((s) => {
    const group = splits.get(s.name);
    return group && s === group[0]?.suite ? mergeSplit(s.name, group, opts.kinds) : s;
  });
  for (let i = 1; i <= count; i++) {
    if (byIndex.has(i)) continue;
    const expected = opts.planned ? suitesForShard(opts.planned, { index: i, count }).map((a) => a.name) : [];
    merged.push({
      name: `leg-${i}-of-${count}`,
      kind: MISSING_LEG_KIND,
      ok: false,
      error:
        `leg ${i}/${count} sent no results (its job failed, was cancelled, or its upload is missing)` +
        (expected.length > 0 ? `; it was to run ${expected.join(', ')}` : ''),
      durationMs: 0,
      metrics: [],
    });
  }
  const createdAt =
    ordered
      .map((l) => l.doc.createdAt)
      .sort()
      .at(-1) ?? first.doc.createdAt;
  return {
    schema: first.doc.schema,
    createdAt,
    ...(first.doc.git ? { git: first.doc.git } : {}),
    env: first.doc.env,
    suites: merged,
  };
}

function mergeSplit(
  name: string,
  group: Array<{ leg: number; suite: SuiteResult }>,
  kinds: readonly ShardMerger[],
): SuiteResult {
  const head = group[0]?.suite as SuiteResult;
  const parts = head.shard?.count ?? group.length;
  const base: SuiteResult = {
    name,
    kind: head.kind,
    ok: true,
    durationMs: Math.max(...group.map((g) => g.suite.durationMs)),
    metrics: [],
  };
  const got = new Set(group.map((g) => g.suite.shard?.index));
  const missing = Array.from({ length: parts }, (_, i) => i + 1).filter((i) => !got.has(i));
  const failed = group.filter((g) => !g.suite.ok || g.suite.shard?.data === undefined);
  if (missing.length > 0 || failed.length > 0) {
    const why = [
      ...missing.map((i) => `part ${i}/${parts} is missing`),
      ...failed.map((g) => `leg ${g.leg} failed: ${g.suite.error ?? 'it recorded no measurements'}`),
    ];
    return {
      ...base,
      ok: false,
      error: `the split load is incomplete (${why.join('; ')}): its metrics would cover part of the load`,
    };
  }
  const kind = kinds.find((k) => k.name === head.kind);
  if (!kind?.mergeShards) {
    return { ...base, ok: false, error: `suites of kind ${head.kind} cannot be split over legs` };
  }
  try {
    const ordered = [...group].sort((a, b) => (a.suite.shard?.index ?? 0) - (b.suite.shard?.index ?? 0));
    return {
      ...base,
      metrics: kind.mergeShards(
        name,
        ordered.map((g) => g.suite.shard?.data),
      ),
    };
  } catch (err) {
    return { ...base, ok: false, error: (err as Error).message };
  }
}

/** The same suite under another name: metric ids start with the suite's name. */
function renameSuite(suite: SuiteResult, name: string): SuiteResult {
  const prefix = `${suite.name}/`;
  return {
    ...suite,
    name,
    metrics: suite.metrics.map((m) => ({
      ...m,
      suite: name,
      id: m.id.startsWith(prefix) ? `${name}/${m.id.slice(prefix.length)}` : m.id,
    })),
  };
}
