// The run of a redis-streams suite: the server checked, the worker threads started, and the rounds measured
// by the shared broker engine. Loaded by index.ts only when a suite runs: ioredis and the worker code stay
// out of config loading.

import type { Metric } from '../../src/model/results.ts';
import type { SuiteContext } from '../../src/runner/suite-kind.ts';
import { crashOf } from '../broker/plan.ts';
import { measureRounds } from '../broker/round.ts';
import { Admin } from './admin.ts';
import type { Target } from './connection.ts';
import { brokerService as brokerServiceOf, RECONNECT_MS } from './faults.ts';
import { roundsToMetrics } from './metrics.ts';
import { makePlan } from './plan.ts';
import { WorkerPool } from './pool.ts';
import { makeSharedRecord, type WorkerSetup } from './protocol.ts';
import { type RoundResult, runRound } from './round.ts';
import type { RedisStreamsConfig } from './schema.ts';

export async function* runRedisStreams(ctx: SuiteContext<RedisStreamsConfig>): AsyncIterable<Metric> {
  const cfg = ctx.config;
  const plan = makePlan(cfg);
  const fault = crashOf(cfg.crash);
  // Faults that can leave XADDs unanswered: only what the server acknowledged counts as produced.
  const unanswered = plan.crashTarget === 'producer' || plan.crashTarget === 'broker';
  // Known before connecting: a broker restart needs a service perf-action started, or it is a setup error.
  const brokerService =
    fault?.target === 'broker'
      ? brokerServiceOf(ctx.services, (Array.isArray(cfg.url) ? cfg.url[0] : cfg.url) as string, fault.service)
      : undefined;
  const target: Target = { urls: Array.isArray(cfg.url) ? cfg.url : [cfg.url], cluster: cfg.cluster };
  ctx.progress('connecting');
  const admin = await Admin.connect(target, cfg.prefix, ctx.suite);
  const pool = new WorkerPool();
  yield* measureRounds<RoundResult, Metric>({
    ctx,
    counts: cfg,
    async start() {
      let reclaim = cfg.reclaim && cfg.consumers > 0;
      let version: string;
      try {
        version = await admin.checkServer({ autoclaim: reclaim });
      } catch (err) {
        // Without a crash nothing needs reclaiming: run on servers older than 6.2 instead of refusing.
        if (plan.crashAt !== undefined || !/XAUTOCLAIM/.test((err as Error).message)) throw err;
        ctx.warn('the server lacks XAUTOCLAIM (Redis < 6.2): consumers will not reclaim idle entries');
        reclaim = false;
        version = await admin.checkServer({ autoclaim: false });
      }
      const [major = 0, minor = 0] = version.split('.').map(Number);
      const base: Omit<WorkerSetup, 'agents'> = {
        target,
        producers: cfg.producers,
        consumers: cfg.consumers,
        payload: cfg.payload,
        writer: cfg.writer,
        batch: cfg.batch,
        count: plan.count,
        blockMs: cfg.block,
        processingMs: cfg.processing,
        ...(cfg.maxlen !== undefined ? { maxlen: cfg.maxlen } : {}),
        nomkstream: major > 6 || (major === 6 && minor >= 2),
        reclaim,
        minIdleMs: cfg['min-idle'],
        ...(brokerService ? { reconnectMs: RECONNECT_MS } : {}),
        shared: makeSharedRecord(plan.events, cfg.producers, cfg.consumers, unanswered),
      };
      const victims = plan.threads.filter((agents) => agents.some((a) => a.victim));
      const regular = plan.threads.filter((agents) => !agents.some((a) => a.victim));
      ctx.progress(`starting ${plan.threads.length} worker threads`);
      await pool.start(
        regular.map((agents) => ({ ...base, agents })),
        ctx.signal,
      );
      const rc = {
        pool,
        admin,
        plan,
        cfg,
        shared: base.shared,
        ...(victims[0] ? { victimSetup: { ...base, agents: victims[0] } } : {}),
        ...(brokerService ? { brokerService } : {}),
        signal: ctx.signal,
      };
      return (r, label, progress) => runRound({ ...rc, progress }, r, label);
    },
    async close() {
      await pool.close();
      const left = await admin.close();
      if (left.length > 0) ctx.warn(`could not delete ${left.join(', ')} (they expire after ttl)`);
    },
    metrics: (rounds) =>
      roundsToMetrics(
        ctx.suite,
        rounds,
        { consumers: cfg.consumers, crash: plan.crashAt !== undefined },
        // Sends a fault left unanswered: neither produced nor lost, reported on their own.
        unanswered ? [{ name: 'unconfirmed', pick: (r) => r.unconfirmed ?? 0 }] : [],
      ),
  });
}
