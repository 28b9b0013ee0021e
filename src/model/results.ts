// The results document (perf-action/results@1): what a run measured, and what a baseline keeps.

import { z } from 'zod';
import { readDocument } from './documents.ts';

export const RESULTS_SCHEMA = 'perf-action/results@1';

export type Better = 'lower' | 'higher';

export interface MetricStats {
  n: number;
  mean: number;
  median: number;
  min: number;
  max: number;
  sd?: number;
  p50?: number;
  p75?: number;
  p90?: number;
  p95?: number;
  p99?: number;
  p999?: number;
}

export interface Metric {
  id: string;
  suite: string;
  name: string;
  params?: Record<string, string | number>;
  unit: string;
  better: Better;
  /** One value per replicate (process, window, or run), in `unit`. */
  samples?: number[];
  /**
   * What the samples are: `windows` when they are time windows (or rounds) of one run, which describe that
   * run and are not independent replicates of it; absent when each is a replicate (a process or a run).
   */
  sampling?: 'windows';
  stats: MetricStats;
}

export interface SuiteResult {
  name: string;
  kind: string;
  ok: boolean;
  error?: string;
  durationMs: number;
  metrics: Metric[];
  /** A fixed workload timed where the suite measured: the machine's speed during the suite. */
  reference?: SuiteReference;
  /** A load suite split over legs (`load.shards`): this leg's part, with what `merge` needs to join it. */
  shard?: SuiteShard;
}

/** Which leg of a sharded run (`--shard i/n`): `index` counts from 1. */
export interface ShardPosition {
  index: number;
  count: number;
}

export interface SuiteShard extends ShardPosition {
  /** The suite kind's own record of what this leg measured (http: encoded HDR histograms), merged exactly. */
  data: unknown;
}

/**
 * The time of a fixed workload that no pull request changes (suites/bench/reference.ts), taken in every
 * replicate of a suite: a slow machine shows in it as in the suite's own metrics.
 */
export interface SuiteReference {
  /** Which workload, with its version: times of different workloads are never compared. */
  workload: string;
  unit: string;
  /** Each part of the workload, by name: one time per replicate that timed it, in `unit`. */
  parts: Record<string, number[]>;
}

export interface RunEnvironment {
  os: string;
  arch: string;
  cpu: string;
  cores: number;
  node: string;
  runner?: string;
  /**
   * The machine's speed during the run: units of a fixed JavaScript workload per second, the median of
   * probes taken before each suite and after the last (runner/speed-probe.ts). Absent from ingested results.
   */
  speed?: number;
}

export interface ResultsDocument {
  schema: typeof RESULTS_SCHEMA;
  createdAt: string;
  git?: { sha: string; ref?: string };
  env: RunEnvironment;
  /** Set on one leg's results when the suites were split over several runners (`--shard i/n`). */
  shard?: ShardPosition;
  suites: SuiteResult[];
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

const statsShape = z.object({
  n: z.number().int().nonnegative(),
  mean: finite,
  median: finite,
  min: finite,
  max: finite,
  sd: finite.optional(),
  p50: finite.optional(),
  p75: finite.optional(),
  p90: finite.optional(),
  p95: finite.optional(),
  p99: finite.optional(),
  p999: finite.optional(),
});

const metricShape = z.object({
  id: z.string().min(1),
  suite: z.string().min(1),
  name: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  unit: z.string(),
  better: z.enum(['lower', 'higher']),
  samples: z.array(finite).optional(),
  sampling: z.literal('windows').optional(),
  stats: statsShape,
});

export const referenceShape = z.object({
  workload: z.string().min(1),
  unit: z.string(),
  parts: z.record(z.string(), z.array(finite.refine((v) => v > 0, 'must be positive')).min(1)),
});

/** The commit and the machine of a run; the history document (baseline/history.ts) records the same. */
export const gitShape = z.object({ sha: z.string(), ref: z.string().optional() });
export const environmentShape = z.object({
  os: z.string(),
  arch: z.string(),
  cpu: z.string(),
  cores: z.number(),
  node: z.string(),
  runner: z.string().optional(),
  speed: z.number().positive().optional(),
});

const shardPosition = z.object({ index: z.number().int().min(1), count: z.number().int().min(1) });

const resultsShape = z.object({
  // Any minor version of this major (the tag was checked before); normalised to the one this code writes.
  schema: z.string().transform((): typeof RESULTS_SCHEMA => RESULTS_SCHEMA),
  createdAt: z.string(),
  git: gitShape.optional(),
  env: environmentShape,
  shard: shardPosition.optional(),
  suites: z.array(
    z.object({
      name: z.string(),
      kind: z.string(),
      ok: z.boolean(),
      error: z.string().optional(),
      durationMs: z.number(),
      metrics: z.array(metricShape),
      reference: referenceShape.optional(),
      shard: shardPosition.extend({ data: z.unknown() }).optional(),
    }),
  ),
});

// Keep the hand-written interfaces and the validator in step: this fails to compile if they drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _resultsInSync: Same<z.infer<typeof resultsShape>, ResultsDocument> = true;
void _resultsInSync;

export function parseResults(text: string, source: string): ResultsDocument {
  return readDocument(text, source, 'results', 1, resultsShape) as ResultsDocument;
}

export function allMetrics(doc: ResultsDocument): Metric[] {
  return doc.suites.flatMap((s) => s.metrics);
}
