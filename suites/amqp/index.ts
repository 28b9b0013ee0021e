// The `amqp` suite kind: producers on confirm channels and consumers with manual acks on real RabbitMQ
// queues, measuring publish and end-to-end throughput, delivery latency, backlog, and (with `crash`) loss,
// duplicates and recovery when a consumer's connection dies holding unacked deliveries.
//
// Only the schema is imported here; the run and the worker threads' code (amqplib) load when a suite runs,
// kept in the bundle's one file by the "eager" mode (see http/index.ts).

import type { Metric } from '../../src/model/results.ts';
import { defineSuiteKind } from '../../src/runner/suite-kind.ts';
import { BROKER_METRIC_UNITS } from '../broker/units.ts';
import { WORKER_ROLE } from './protocol.ts';
import { amqpSchema } from './schema.ts';

export { type AmqpConfig, amqpSchema } from './schema.ts';

export const amqpKind = defineSuiteKind({
  name: 'amqp',
  description:
    'Producers with publisher confirms and acking consumers on RabbitMQ: throughput, latency, loss under a crash',
  schema: amqpSchema,
  metricUnits: BROKER_METRIC_UNITS,
  roles: {
    [WORKER_ROLE]: async () => {
      const { runAmqpWorker } = await import(/* webpackMode: "eager" */ './worker.ts');
      await runAmqpWorker();
    },
  },
  async *run(ctx): AsyncIterable<Metric> {
    const { runAmqp } = await import(/* webpackMode: "eager" */ './runtime.ts');
    yield* runAmqp(ctx);
  },
});
