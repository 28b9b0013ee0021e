// Turns a validated config into what a run needs, and rejects combinations the per-key schema cannot see
// (the engine merges kinds' keys into one schema, so cross-key checks live here, as setup errors).

import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { checkUrl } from './connection.ts';
import { minimumSize } from './event.ts';
import type { AgentSpec } from './protocol.ts';
import type { AmqpConfig } from './schema.ts';

/** Events per round when only `duration` bounds a round: sizes the shared delivery record (5 bytes each). */
export const DURATION_EVENT_CAP = 10_000_000;

export interface Plan {
  /** Events per round: exact with `events`, a cap with `duration`. */
  events: number;
  durationMs?: number;
  /** Events/s per producer in the open model. */
  ratePerProducer?: number;
  /** Events each producer publishes per round (a cap in duration mode). */
  quota: number[];
  /** Where each producer's sequence numbers start in the shared delivery record. */
  bases: number[];
  prefetch: number;
  crashAt?: number;
  /** Agents per worker thread. */
  threads: AgentSpec[][];
}

export function makePlan(cfg: AmqpConfig): Plan {
  const bad = checkUrl(cfg.url);
  if (bad) throw new SuiteSetupError(`url: ${bad}`);
  if (cfg.consumers > 0 && cfg.consumers < cfg.queues) {
    throw new SuiteSetupError(
      `consumers (${cfg.consumers}) must be at least queues (${cfg.queues}): consumer i reads queue i mod queues`,
    );
  }
  const crash = cfg.crash === false ? undefined : cfg.crash === true ? { at: 0.3 } : cfg.crash;
  // The victim (consumer 0) reads queue 0; consumer `queues` is the survivor that reads it too.
  if (crash && cfg.consumers < cfg.queues + 1) {
    throw new SuiteSetupError(
      `crash needs consumers: ${cfg.queues + 1} or more (one is killed, another on its queue receives its deliveries again)`,
    );
  }
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
  const smallest = minimumSize(cfg.payload.shape, cfg.producers, quota[0] ?? 0);
  if (cfg.payload.size < smallest) {
    throw new SuiteSetupError(
      `payload size ${cfg.payload.size}B is below the ${smallest}B a ${cfg.payload.shape} event of this run needs`,
    );
  }
  return {
    events,
    ...(cfg.duration !== undefined ? { durationMs: cfg.duration } : {}),
    ...(cfg.rate !== undefined ? { ratePerProducer: cfg.rate / cfg.producers } : {}),
    quota,
    bases,
    prefetch: cfg.prefetch ?? Math.min(cfg.batch, 65_535),
    ...(crash ? { crashAt: crash.at } : {}),
    threads: layout(cfg.producers, cfg.consumers, cfg.threads, crash !== undefined),
  };
}

/**
 * Producers and consumers never share a thread (a busy producer would delay deliveries and inflate
 * latency); by default every agent has a thread of its own, and `threads` packs them round-robin, in
 * proportion to their numbers. The crash victim is consumer 0.
 */
export function layout(
  producers: number,
  consumers: number,
  threads: number | undefined,
  crash: boolean,
): AgentSpec[][] {
  const agents = producers + consumers;
  const total = threads === undefined ? agents : Math.max(consumers > 0 ? 2 : 1, Math.min(threads, agents));
  const forProducers =
    consumers > 0
      ? Math.min(producers, Math.max(1, Math.min(total - 1, Math.round((total * producers) / agents))))
      : total;
  const forConsumers = consumers > 0 ? Math.min(consumers, Math.max(1, total - forProducers)) : 0;
  const out: AgentSpec[][] = [];
  const pack = (n: number, buckets: number, make: (i: number) => AgentSpec) => {
    const start = out.length;
    for (let b = 0; b < buckets; b++) out.push([]);
    for (let i = 0; i < n; i++) out[start + (i % buckets)]?.push(make(i));
  };
  pack(producers, forProducers, (i) => ({ kind: 'producer', index: i }));
  pack(consumers, forConsumers, (i) =>
    crash && i === 0 ? { kind: 'consumer', index: 0, victim: true } : { kind: 'consumer', index: i },
  );
  return out;
}
