// The broker-independent part of turning a suite's config into a plan: the crash option, the per-round
// events split among producers (each gets its own range of the shared delivery record), the open-model
// rate, and the checks every broker suite makes. Cross-key checks are setup errors (the engine merges
// kinds' keys into one schema, so the per-key schema cannot see them).

import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import type { AgentSpec } from './protocol.ts';

/** Events per round when only `duration` bounds a round: sizes the shared delivery record (5 bytes each). */
export const DURATION_EVENT_CAP = 10_000_000;

/** The config keys every broker suite has, as its schema outputs them. */
export interface BrokerPlanConfig {
  producers: number;
  consumers: number;
  events?: number | undefined;
  duration?: number | undefined;
  rate?: number | undefined;
  crash: boolean | CrashConfig;
  payload: { size: number; shape: string };
}

/**
 * What `crash:` kills: a consumer holding unacked events (the default, and all `crash: true` means), a
 * producer with sends in flight, or the broker itself (a service perf-action started, restarted on the spot).
 */
export type CrashTarget = 'consumer' | 'producer' | 'broker';

export interface CrashConfig {
  at: number;
  target?: CrashTarget;
  /** With target broker: the service to restart (default: the one whose ready URL has the suite's port). */
  service?: string | undefined;
}

export interface BasePlan {
  /** Events per round: exact with `events`, a cap with `duration`. */
  events: number;
  durationMs?: number;
  /** Events/s per producer in the open model. */
  ratePerProducer?: number;
  /** Events each producer sends per round (a cap in duration mode). */
  quota: number[];
  /** Where each producer's sequence numbers start in the shared delivery record. */
  bases: number[];
  crashAt?: number;
  /** What the crash kills, when there is one. */
  crashTarget?: CrashTarget;
}

export function crashOf(
  crash: boolean | CrashConfig,
): { at: number; target: CrashTarget; service?: string | undefined } | undefined {
  if (crash === false) return undefined;
  if (crash === true) return { at: 0.3, target: 'consumer' };
  return { ...crash, target: crash.target ?? 'consumer' };
}

/**
 * Consumer i reads partition i mod partitions, so every partition needs one; with a crash the victim
 * (consumer 0) reads partition 0 and consumer `partitions` is the survivor that reads it too.
 */
export function checkConsumers(
  consumers: number,
  partitions: { key: string; one: string; count: number },
  crash: boolean,
  survivorDoes: string,
): void {
  const { key, one, count } = partitions;
  if (consumers > 0 && consumers < count) {
    throw new SuiteSetupError(
      `consumers (${consumers}) must be at least ${key} (${count}): consumer i reads ${one} i mod ${key}`,
    );
  }
  if (crash && consumers < count + 1) {
    throw new SuiteSetupError(
      `crash needs consumers: ${count + 1} or more (one is killed, another on its ${one} ${survivorDoes})`,
    );
  }
}

/**
 * Everything of the plan that does not depend on the broker. `minimumSize` is the smallest payload of the
 * suite's shape that holds this run's numbers; `sizeNote` ends the message when the payload is smaller.
 */
export function basePlan(
  cfg: BrokerPlanConfig,
  minimumSize: (producers: number, perProducer: number) => number,
  sizeNote: string,
): BasePlan {
  const events = cfg.events ?? (cfg.duration !== undefined ? DURATION_EVENT_CAP : 100_000);
  if (events < cfg.producers) {
    throw new SuiteSetupError(`events (${events}) must be at least producers (${cfg.producers})`);
  }
  const quota: number[] = [];
  const bases: number[] = [];
  let base = 0;
  for (let p = 0; p < cfg.producers; p++) {
    const q = Math.floor(events / cfg.producers) + (p < events % cfg.producers ? 1 : 0);
    quota.push(q);
    bases.push(base);
    base += q;
  }
  const smallest = minimumSize(cfg.producers, quota[0] ?? 0);
  if (cfg.payload.size < smallest) {
    throw new SuiteSetupError(
      `payload size ${cfg.payload.size}B is below the ${smallest}B a ${cfg.payload.shape} event of this run needs${sizeNote}`,
    );
  }
  const crash = crashOf(cfg.crash);
  return {
    events,
    ...(cfg.duration !== undefined ? { durationMs: cfg.duration } : {}),
    ...(cfg.rate !== undefined ? { ratePerProducer: cfg.rate / cfg.producers } : {}),
    quota,
    bases,
    ...(crash ? { crashAt: crash.at, crashTarget: crash.target } : {}),
  };
}

/** Appends `buckets` threads to `out` and deals `n` agents over them round-robin. */
export function packAgents(out: AgentSpec[][], n: number, buckets: number, make: (i: number) => AgentSpec): void {
  const start = out.length;
  for (let b = 0; b < buckets; b++) out.push([]);
  for (let i = 0; i < n; i++) out[start + (i % buckets)]?.push(make(i));
}

/**
 * How many threads producers and consumers get. They never share a thread (a busy producer would delay
 * deliveries and inflate latency); by default every agent has a thread of its own, and `threads` packs
 * them in proportion to their numbers. With `leaveOneForConsumers`, producers never take every thread.
 */
export function threadSplit(
  producers: number,
  consumers: number,
  threads: number | undefined,
  leaveOneForConsumers: boolean,
): { forProducers: number; forConsumers: number } {
  const agents = producers + consumers;
  const total = threads === undefined ? agents : Math.max(consumers > 0 ? 2 : 1, Math.min(threads, agents));
  const cap = leaveOneForConsumers ? total - 1 : Number.POSITIVE_INFINITY;
  const forProducers =
    consumers > 0 ? Math.min(producers, Math.max(1, Math.min(cap, Math.round((total * producers) / agents)))) : total;
  const forConsumers = consumers > 0 ? Math.min(consumers, Math.max(1, total - forProducers)) : 0;
  return { forProducers, forConsumers };
}
