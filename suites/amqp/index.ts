// The `amqp` suite kind: producers on confirm channels and consumers with manual acks on real RabbitMQ
// queues, measuring publish and end-to-end throughput, delivery latency, backlog, and (with `crash`) loss,
// duplicates and recovery when a consumer's connection dies holding unacked deliveries.

import type { Metric } from '../../src/model/results.ts';
import { defineSuiteKind } from '../../src/runner/suite-kind.ts';
import { measureRounds } from '../broker/round.ts';
import { Admin } from './admin.ts';
import { roundsToMetrics } from './metrics.ts';
import { makePlan } from './plan.ts';
import { WorkerPool } from './pool.ts';
import { makeSharedRecord, WORKER_ROLE, type WorkerSetup } from './protocol.ts';
import { type RoundResult, runRound } from './round.ts';
import { type AmqpConfig, amqpSchema } from './schema.ts';
import { runAmqpWorker } from './worker.ts';

export { type AmqpConfig, amqpSchema } from './schema.ts';

export const amqpKind = defineSuiteKind({
  name: 'amqp',
  description:
    'Producers with publisher confirms and acking consumers on RabbitMQ: throughput, latency, loss under a crash',
  schema: amqpSchema,
  roles: { [WORKER_ROLE]: () => runAmqpWorker() },
  async *run(ctx): AsyncIterable<Metric> {
    const cfg = ctx.config as AmqpConfig;
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
  },
});
