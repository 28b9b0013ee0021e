// Turns a validated config into what a run needs, and rejects combinations the per-key schema cannot see.
// The broker-independent part (events, quotas, rate, crash, payload size) is suites/broker/plan.ts.

import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { type BasePlan, basePlan, checkConsumers, crashOf, packAgents, threadSplit } from '../broker/plan.ts';
import { checkUrl } from './connection.ts';
import { minimumSize } from './event.ts';
import type { AgentSpec } from './protocol.ts';
import type { AmqpConfig } from './schema.ts';

export { DURATION_EVENT_CAP } from '../broker/plan.ts';

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
 * Threads as suites/broker/plan.ts splits them, packed round-robin. The crash victim is consumer 0 (it cuts
 * its own connection, so its thread may host others).
 */
export function layout(
  producers: number,
  consumers: number,
  threads: number | undefined,
  crash: boolean,
): AgentSpec[][] {
  const { forProducers, forConsumers } = threadSplit(producers, consumers, threads, true);
  const out: AgentSpec[][] = [];
  packAgents(out, producers, forProducers, (i) => ({ kind: 'producer', index: i }));
  packAgents(out, consumers, forConsumers, (i) =>
    crash && i === 0 ? { kind: 'consumer', index: 0, victim: true } : { kind: 'consumer', index: i },
  );
  return out;
}
