// Turns a validated config into what a run needs, and rejects combinations the per-key schema cannot see.
// The broker-independent part (events, quotas, rate, crash, payload size) is src/broker/plan.ts.

import { type BasePlan, basePlan, checkConsumers, crashOf, packAgents } from '../../src/broker/plan.ts';
import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { checkUrl } from './connection.ts';
import { minimumSize } from './event.ts';
import type { AgentSpec } from './protocol.ts';
import type { AmqpConfig } from './schema.ts';

export { DURATION_EVENT_CAP } from '../../src/broker/plan.ts';

export interface Plan extends BasePlan {
  prefetch: number;
  /** Agents per worker thread. */
  threads: AgentSpec[][];
}

export function makePlan(cfg: AmqpConfig): Plan {
  const bad = checkUrl(cfg.url);
  if (bad) throw new SuiteSetupError(`url: ${bad}`);
  const crash = crashOf(cfg.crash) !== undefined;
  checkConsumers(
    cfg.consumers,
    { key: 'queues', one: 'queue', count: cfg.queues },
    crash,
    'receives its deliveries again',
  );
  const base = basePlan(cfg, (producers, perProducer) => minimumSize(cfg.payload.shape, producers, perProducer), '');
  return {
    ...base,
    prefetch: cfg.prefetch ?? Math.min(cfg.batch, 65_535),
    threads: layout(cfg.producers, cfg.consumers, cfg.threads, crash),
  };
}

/**
 * Producers and consumers never share a thread (a busy producer would delay deliveries and inflate
 * latency); by default every agent has a thread of its own, and `threads` packs them round-robin, in
 * proportion to their numbers. The crash victim is consumer 0 (it cuts its own connection, so its thread
 * may host others).
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
  packAgents(out, producers, forProducers, (i) => ({ kind: 'producer', index: i }));
  packAgents(out, consumers, forConsumers, (i) =>
    crash && i === 0 ? { kind: 'consumer', index: 0, victim: true } : { kind: 'consumer', index: i },
  );
  return out;
}
