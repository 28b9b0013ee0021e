// The run of an amqp suite: the broker reached, the worker threads started, and the rounds measured by the
// shared broker engine. Loaded by index.ts only when a suite runs: amqplib and the worker code stay out of
// config loading.

import type { Metric } from '../../src/model/results.ts';
import type { SuiteContext } from '../../src/runner/suite-kind.ts';
import { measureRounds } from '../broker/round.ts';
import { Admin } from './admin.ts';
import { roundsToMetrics } from './metrics.ts';
import { makePlan } from './plan.ts';
import { WorkerPool } from './pool.ts';
import { makeSharedRecord, type WorkerSetup } from './protocol.ts';
import { type RoundResult, runRound } from './round.ts';
import type { AmqpConfig } from './schema.ts';

export async function* runAmqp(ctx: SuiteContext<AmqpConfig>): AsyncIterable<Metric> {
  const cfg = ctx.config;
  const plan = makePlan(cfg);
  ctx.progress('connecting');
  const admin = await Admin.connect(cfg.url, cfg.prefix, ctx.suite, ctx.signal);
  const pool = new WorkerPool();
  yield* measureRounds<RoundResult, Metric>({
    ctx,
    counts: cfg,
    async start() {
      const base: Omit<WorkerSetup, 'agents'> = {
        url: cfg.url,
        producers: cfg.producers,
        consumers: cfg.consumers,
        payload: cfg.payload,
        batch: cfg.batch,
        prefetch: plan.prefetch,
        processingMs: cfg.processing,
        persistent: cfg.persistent,
        shared: makeSharedRecord(plan.events, cfg.producers, cfg.consumers),
      };
      ctx.progress(`starting ${plan.threads.length} worker threads (${admin.server})`);
      await pool.start(
        plan.threads.map((agents) => ({ ...base, agents })),
        ctx.signal,
      );
      const rc = { pool, admin, plan, cfg, shared: base.shared, signal: ctx.signal };
      return (r, label, progress) => runRound({ ...rc, progress }, r, label);
    },
    async close() {
      // Threads first: once their connections are closed nothing can publish into what cleanup deletes.
      await pool.close();
      const left = await admin.close();
      if (left.length > 0) ctx.warn(`could not delete ${left.join(', ')} (queues expire after ttl)`);
    },
    metrics: (rounds) =>
      roundsToMetrics(ctx.suite, rounds, { consumers: cfg.consumers, crash: plan.crashAt !== undefined }),
  });
}
