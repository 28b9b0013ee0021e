// The `redis-streams` suite kind: producers and a consumer group on real Redis Streams, measuring produce
// and end-to-end throughput, delivery latency, backlog, and (with `crash`) loss, duplicates and recovery
// when a consumer dies holding unacked entries.
//
// Only the schema is imported here; the run and the worker threads' code (ioredis) load when a suite runs,
// kept in the bundle's one file by the "eager" mode (see http/index.ts).

import type { Metric } from '../../src/model/results.ts';
import { defineSuiteKind } from '../../src/runner/suite-kind.ts';
import { BROKER_METRIC_UNITS } from '../broker/units.ts';
import { WORKER_ROLE } from './protocol.ts';
import { redisStreamsSchema } from './schema.ts';

export { type RedisStreamsConfig, redisStreamsSchema } from './schema.ts';

export const redisStreamsKind = defineSuiteKind({
  name: 'redis-streams',
  description: 'Producers and a consumer group on Redis Streams: throughput, delivery latency, loss under a crash',
  schema: redisStreamsSchema,
  metricUnits: BROKER_METRIC_UNITS,
  roles: {
    [WORKER_ROLE]: async () => {
      const { runStreamsWorker } = await import(/* webpackMode: "eager" */ './worker.ts');
      await runStreamsWorker();
    },
  },
  async *run(ctx): AsyncIterable<Metric> {
    const { runRedisStreams } = await import(/* webpackMode: "eager" */ './runtime.ts');
    yield* runRedisStreams(ctx);
  },
});
