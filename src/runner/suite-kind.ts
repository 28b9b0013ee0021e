// The one interface between the engine and a suite kind. A kind has a name, a schema for its own
// perf.yml keys, and a run() that yields metrics as they are measured (so a crash keeps what came before).

import type { z } from 'zod';
import type { Metric, ShardPosition, SuiteReference } from '../model/results.ts';

export interface SuiteContext<C> {
  /** The suite's name from perf.yml: the first segment of every metric id it yields. */
  suite: string;
  /** The suite's validated config (its own keys plus name, kind, timeout). */
  config: C;
  /** Folder of the config file: relative paths in the suite's config resolve against it. */
  configDir: string;
  /** Aborted on Ctrl-C or when the suite's timeout passes; long work must stop promptly. */
  signal: AbortSignal;
  /** Progress for humans: one short line; `fraction` in [0, 1] when known. */
  progress(message: string, fraction?: number): void;
  /** Something the user should know that does not fail the suite. */
  warn(message: string): void;
  /** Environment for child processes (the runner's, with services' URLs). */
  env: NodeJS.ProcessEnv;
  /**
   * Records how long a fixed reference workload took where the suite measured (per part, one time per
   * replicate), so that compare can take the machine's speed out of the suite's changes (compare/reference.ts).
   */
  reference?(reference: SuiteReference): void;
  /**
   * Set when this run is one leg of a load the kind splits over several runners (its `loadShards`): the
   * leg's position, and when every leg starts (epoch ms) so their time windows line up.
   */
  shard?: ShardPosition & { startAt?: number };
  /** Records this leg's raw measurements for the kind's `mergeShards` (only with `shard`). */
  attach?(data: unknown): void;
  /**
   * The kind's measured period starts (true) or ends (false): the services' CPU and memory are also reported
   * over it alone, without warm-up, setup and idle gaps (runner/resource-monitor.ts).
   */
  measuring?(on: boolean): void;
  /**
   * The services perf.yml started for this run (runner/services.ts), for a kind that injects faults into
   * them: `restart` kills one and starts it again with the same command, resolving once it is ready.
   */
  services?: ReadonlyArray<{ name: string; ready?: string; restart(): Promise<void> }>;
}

export interface SuiteKind<Shape extends z.ZodRawShape = z.ZodRawShape> {
  /** The value of `kind:` in perf.yml. */
  name: string;
  /** One line for the JSON schema and `perf-action validate`. */
  description: string;
  /** The kind's own keys (name, kind and timeout are added by the engine). */
  schema: z.ZodObject<Shape>;
  run(ctx: SuiteContext<z.output<z.ZodObject<Shape>> & { name: string; kind: string }>): AsyncIterable<Metric>;
  /**
   * Helper processes the kind starts from perf-action's own entry (selected by PERF_ACTION_ROLE). `api` is the
   * library's public API, for user modules that `import ... from 'perf-action'`.
   */
  roles?: Record<string, (api: Record<string, unknown>) => Promise<void>>;
  /**
   * Units of the metrics the kind yields, by the metric name's last segment (`*`: every metric), so that a
   * criterion with a VALUE of another dimension is an error when the config is read, not after the run.
   */
  metricUnits?: Readonly<Record<string, string>>;
  /** How many legs a suite's load is split over (e.g. http's `load.shards`); 1 or absent: not split. */
  loadShards?(config: Record<string, unknown>): number | undefined;
  /**
   * Loads the kind's merger (lazily: only a merge needs it), which joins the legs' attached records into the
   * metrics one run with all their load would have given, and throws an Error naming what does not match.
   */
  shardMerger?(): Promise<(suite: string, parts: unknown[]) => Metric[]>;
}

/** Marks errors caused by the user's setup (a broken bench file, a missing file): the CLI exits 2. */
export class SuiteSetupError extends Error {
  override name = 'SuiteSetupError';
}

/** Identity helper that keeps a kind's config type inferred from its schema. */
export function defineSuiteKind<Shape extends z.ZodRawShape>(kind: SuiteKind<Shape>): SuiteKind {
  return kind as unknown as SuiteKind;
}
