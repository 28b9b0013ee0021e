// Turns a validated config into what a run needs, and rejects combinations the per-key schema cannot see.
// The broker-independent part (events, quotas, rate, crash, payload size) is suites/broker/plan.ts.

import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { type BasePlan, basePlan, checkConsumers, crashOf, packAgents, threadSplit } from '../broker/plan.ts';
import { minimumSize } from './event.ts';
import type { AgentSpec } from './protocol.ts';
import type { RedisStreamsConfig } from './schema.ts';

export { DURATION_EVENT_CAP } from '../broker/plan.ts';

export interface Plan extends BasePlan {
  count: number;
  /** Agents per worker thread; a crash victim always gets a thread of its own. */
  threads: AgentSpec[][];
}

export function makePlan(cfg: RedisStreamsConfig): Plan {
  const urls = Array.isArray(cfg.url) ? cfg.url : [cfg.url];
  if (urls.length > 1 && !cfg.cluster) {
    throw new SuiteSetupError('url lists several servers: set cluster: true to use them as Redis Cluster seeds');
  }
  const crash = crashOf(cfg.crash) !== undefined;
  checkConsumers(cfg.consumers, { key: 'streams', one: 'stream', count: cfg.streams }, crash, 'recovers its entries');
  if (crash && cfg.reclaim && cfg['min-idle'] >= cfg['drain-timeout']) {
    throw new SuiteSetupError(
      `min-idle (${cfg['min-idle']} ms) must be shorter than drain-timeout (${cfg['drain-timeout']} ms), or no entry is ever recovered`,
    );
  }
  const base = basePlan(
    cfg,
    (producers, perProducer) => minimumSize(cfg.payload.shape, producers, perProducer),
    ' (timestamp, producer, sequence)',
  );
  return {
    ...base,
    count: cfg.count ?? cfg.batch,
    threads: layout(cfg.producers, cfg.consumers, cfg.threads, crash),
  };
}

/**
 * Threads as suites/broker/plan.ts splits them, packed round-robin; the victim gets a thread of its own on
 * top: the suite kills that thread, as a crashing process would die.
 */
export function layout(
  producers: number,
  consumers: number,
  threads: number | undefined,
  crash: boolean,
): AgentSpec[][] {
  const victims: AgentSpec[] = crash ? [{ kind: 'consumer', index: 0, victim: true }] : [];
  const regular = consumers - victims.length;
  const rest = threads === undefined ? undefined : threads - victims.length;
  const { forProducers, forConsumers } = threadSplit(producers, regular, rest, false);
  const out: AgentSpec[][] = [];
  packAgents(out, producers, forProducers, (i) => ({ kind: 'producer', index: i }));
  packAgents(out, regular, forConsumers, (i) => ({ kind: 'consumer', index: i + victims.length }));
  for (const v of victims) out.push([v]);
  return out;
}
