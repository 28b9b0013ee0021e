// Turns a validated config into what a run needs, and rejects combinations the per-key schema cannot see
// (the engine merges kinds' keys into one schema, so cross-key checks live here, as setup errors).

import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { minimumSize } from './event.ts';
import type { AgentSpec } from './protocol.ts';
import type { RedisStreamsConfig } from './schema.ts';

/** Events per round when only `duration` bounds a round: sizes the shared delivery record (5 bytes each). */
export const DURATION_EVENT_CAP = 10_000_000;

export interface Plan {
  /** Events per round: exact with `events`, a cap with `duration`. */
  events: number;
  durationMs?: number;
  /** Events/s per producer in the open model. */
  ratePerProducer?: number;
  /** Events each producer writes per round (a cap in duration mode). */
  quota: number[];
  /** Where each producer's sequence numbers start in the shared delivery record. */
  bases: number[];
  count: number;
  crashAt?: number;
  /** Agents per worker thread; a crash victim always gets a thread of its own. */
  threads: AgentSpec[][];
}

export function makePlan(cfg: RedisStreamsConfig): Plan {
  const urls = Array.isArray(cfg.url) ? cfg.url : [cfg.url];
  if (urls.length > 1 && !cfg.cluster) {
    throw new SuiteSetupError('url lists several servers: set cluster: true to use them as Redis Cluster seeds');
  }
  if (cfg.consumers > 0 && cfg.consumers < cfg.streams) {
    throw new SuiteSetupError(
      `consumers (${cfg.consumers}) must be at least streams (${cfg.streams}): consumer i reads stream i mod streams`,
    );
  }
  const crash = cfg.crash === false ? undefined : cfg.crash === true ? { at: 0.3 } : cfg.crash;
  // The victim (consumer 0) reads stream 0; consumer `streams` is the survivor that reads it too.
  if (crash && cfg.consumers < cfg.streams + 1) {
    throw new SuiteSetupError(
      `crash needs consumers: ${cfg.streams + 1} or more (one is killed, another on its stream recovers its entries)`,
    );
  }
  if (crash && cfg.reclaim && cfg['min-idle'] >= cfg['drain-timeout']) {
    throw new SuiteSetupError(
      `min-idle (${cfg['min-idle']} ms) must be shorter than drain-timeout (${cfg['drain-timeout']} ms), or no entry is ever recovered`,
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
      `payload size ${cfg.payload.size}B is below the ${smallest}B a ${cfg.payload.shape} event of this run needs (timestamp, producer, sequence)`,
    );
  }
  return {
    events,
    ...(cfg.duration !== undefined ? { durationMs: cfg.duration } : {}),
    ...(cfg.rate !== undefined ? { ratePerProducer: cfg.rate / cfg.producers } : {}),
    quota,
    bases,
    count: cfg.count ?? cfg.batch,
    ...(crash ? { crashAt: crash.at } : {}),
    threads: layout(cfg.producers, cfg.consumers, cfg.threads, crash !== undefined),
  };
}

/**
 * Producers and consumers never share a thread (a busy producer would delay deliveries and inflate
 * latency); by default each agent has its own thread, and `threads` packs them round-robin.
 */
export function layout(
  producers: number,
  consumers: number,
  threads: number | undefined,
  crash: boolean,
): AgentSpec[][] {
  const victims: AgentSpec[] = crash ? [{ kind: 'consumer', index: 0, victim: true }] : [];
  const regular = consumers - victims.length;
  const agents = producers + regular;
  const total =
    threads === undefined ? agents : Math.max(regular > 0 ? 2 : 1, Math.min(threads - victims.length, agents));
  const forProducers = regular > 0 ? Math.min(producers, Math.max(1, Math.round((total * producers) / agents))) : total;
  const forConsumers = regular > 0 ? Math.min(regular, Math.max(1, total - forProducers)) : 0;
  const out: AgentSpec[][] = [];
  const pack = (n: number, buckets: number, make: (i: number) => AgentSpec) => {
    const start = out.length;
    for (let b = 0; b < buckets; b++) out.push([]);
    for (let i = 0; i < n; i++) out[start + (i % buckets)]?.push(make(i));
  };
  pack(producers, forProducers, (i) => ({ kind: 'producer', index: i }));
  pack(regular, forConsumers, (i) => ({ kind: 'consumer', index: i + victims.length }));
  for (const v of victims) out.push([v]);
  return out;
}
