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
  const fault = crashOf(cfg.crash);
  const crash = fault?.target === 'consumer';
  checkConsumers(cfg.consumers, { key: 'streams', one: 'stream', count: cfg.streams }, crash, 'recovers its entries');
  if (crash && cfg.reclaim && cfg['min-idle'] >= cfg['drain-timeout']) {
    throw new SuiteSetupError(
      `min-idle (${cfg['min-idle']} ms) must be shorter than drain-timeout (${cfg['drain-timeout']} ms), or no entry is ever recovered`,
    );
  }
  if (fault?.service !== undefined && fault.target !== 'broker') {
    throw new SuiteSetupError(
      `crash.service names the service a broker restart restarts: add target: broker, or remove service`,
    );
  }
  if (fault?.target === 'broker' && cfg.cluster) {
    throw new SuiteSetupError(
      'crash target broker restarts one redis-server service, not a cluster: use it with a standalone Redis',
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
    threads: layout(cfg.producers, cfg.consumers, cfg.threads, fault?.target === 'broker' ? false : fault?.target),
  };
}

/**
 * Threads as suites/broker/plan.ts splits them, packed round-robin; the victim (consumer 0, or producer 0
 * with `crash: producer`) gets a thread of its own on top: the suite kills that thread, as a crashing process
 * would die. `crash: true` means a consumer.
 */
export function layout(
  producers: number,
  consumers: number,
  threads: number | undefined,
  crash: boolean | 'consumer' | 'producer' | undefined,
): AgentSpec[][] {
  const target = crash === true ? 'consumer' : crash || undefined;
  const victims: AgentSpec[] = target ? [{ kind: target, index: 0, victim: true }] : [];
  const p0 = target === 'producer' ? 1 : 0;
  const c0 = target === 'consumer' ? 1 : 0;
  const rest = threads === undefined ? undefined : threads - victims.length;
  const { forProducers, forConsumers } = threadSplit(producers - p0, consumers - c0, rest, false);
  const out: AgentSpec[][] = [];
  packAgents(out, producers - p0, forProducers, (i) => ({ kind: 'producer', index: i + p0 }));
  packAgents(out, consumers - c0, forConsumers, (i) => ({ kind: 'consumer', index: i + c0 }));
  for (const v of victims) out.push([v]);
  // A split with no agents left beside the victim (threads: 1 and one producer, say) spawns no empty thread.
  return out.filter((agents) => agents.length > 0);
}
