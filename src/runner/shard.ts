// Which suites one leg of a sharded run takes (`--shard i/n`). A suite whose load is split (`load.shards: k`)
// runs on legs 1..k with 1/k of the load each; every other suite runs on exactly one leg, dealt round-robin
// in perf.yml order, so a given perf.yml always gives the same legs the same suites.

import type { ShardPosition } from '../model/results.ts';
import type { SuiteKind } from './suite-kind.ts';

export class ShardError extends Error {
  override name = 'ShardError';
}

/** Parses `i/n` (1 ≤ i ≤ n ≤ 256). */
export function parseShard(text: string, where = '--shard'): ShardPosition {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || count < 1 || index > count || count > 256) {
    throw new ShardError(
      `${where} "${text}" is not a leg: write i/n with 1 <= i <= n <= 256, e.g. 2/3 (in a matrix: \${{ matrix.shard }}/3)`,
    );
  }
  return { index, count };
}

export interface ShardSuite {
  name: string;
  /** Legs the suite's own load is split over (1 when it is not split). */
  loadShards: number;
}

/** How many legs each suite's load is split over, as its kind reads its config. */
export function shardSuites(
  suites: ReadonlyArray<{ name: string; kind: string }>,
  kinds: ReadonlyArray<Pick<SuiteKind, 'name' | 'loadShards'>>,
): ShardSuite[] {
  return suites.map((s) => ({
    name: s.name,
    loadShards: kinds.find((k) => k.name === s.kind)?.loadShards?.(s as Record<string, unknown>) ?? 1,
  }));
}

export interface ShardAssignment {
  name: string;
  /** Absent: the whole suite runs on this leg. Present: this leg's part of a split load. */
  part?: ShardPosition;
}

/** The suites this leg runs, in perf.yml order. */
export function suitesForShard(suites: readonly ShardSuite[], shard: ShardPosition): ShardAssignment[] {
  const out: ShardAssignment[] = [];
  let dealt = 0;
  for (const s of suites) {
    if (s.loadShards > 1) {
      if (s.loadShards > shard.count) {
        throw new ShardError(
          `suite ${s.name}: load.shards is ${s.loadShards} but the run has ${shard.count} leg(s); ` +
            `run ${s.loadShards} or more legs, or lower load.shards`,
        );
      }
      if (shard.index <= s.loadShards) out.push({ name: s.name, part: { index: shard.index, count: s.loadShards } });
      continue;
    }
    if (dealt % shard.count === shard.index - 1) out.push({ name: s.name });
    dealt++;
  }
  return out;
}

/** The agreed start of a split load: an ISO time or epoch milliseconds. */
export function parseStartAt(text: string, where = '--start-at'): number {
  const trimmed = text.trim();
  const t = /^\d+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (!Number.isFinite(t)) {
    throw new ShardError(
      `${where} "${text}" is not a time: give an ISO time (2026-12-04T10:00:00Z) or epoch milliseconds`,
    );
  }
  return t;
}
