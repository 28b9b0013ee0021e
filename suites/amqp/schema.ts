import { z } from 'zod';
import { duration, percent, rate, size } from '../../src/config/units-schema.ts';

const count = (max: number) => z.number().int().min(0).max(max);

export const payloadSchema = z.strictObject({
  size: size.default(256).describe('Bytes per message body'),
  shape: z
    .enum(['json', 'headers'])
    .default('json')
    .describe('json: the event is a JSON body; headers: its id and timestamp travel as AMQP headers'),
});

export const amqpSchema = z.strictObject({
  url: z
    .string()
    .min(1)
    .default('amqp://guest:guest@127.0.0.1:5672')
    .describe('amqp:// or amqps:// URL, with user, password and vhost (default vhost "/")'),
  events: count(100_000_000).min(1).optional().describe('Events per round (default 100000; the cap with duration)'),
  duration: duration.optional().describe('Publish for this long per round instead of a fixed number of events'),
  rate: rate.optional().describe('Open model: total events/s across producers; omit to publish as fast as possible'),
  rounds: z.number().int().min(1).max(1000).default(3).describe('Measured rounds; each gives one sample per metric'),
  warmup: z.number().int().min(0).max(100).default(1).describe('Unmeasured rounds first (JIT, connections, allocator)'),
  producers: count(256).min(1).default(1).describe('Publishers, each on its own connection and confirm channel'),
  consumers: count(256).default(2).describe('Consumers, each on its own connection; 0 measures publishing only'),
  queues: count(256).min(1).default(1).describe('Queues (partitions); consumer i reads queue i mod queues'),
  threads: count(256).min(1).optional().describe('Worker threads to spread producers and consumers over'),
  batch: count(100_000)
    .min(1)
    .default(500)
    .describe('Messages a producer publishes before it waits for their confirms'),
  prefetch: count(65_535).min(1).optional().describe('Unacked deliveries per consumer (basic.qos; default: batch)'),
  payload: payloadSchema.default({ size: 256, shape: 'json' }),
  processing: duration.default(0).describe('Simulated processing time per event, before the ack'),
  'queue-type': z
    .enum(['classic', 'quorum'])
    .default('classic')
    .describe('classic queues, or quorum queues (replicated, always durable)'),
  persistent: z
    .boolean()
    .default(false)
    .describe('Durable queues and persistent messages (written to disk before the confirm)'),
  crash: z
    .union([z.boolean(), z.strictObject({ at: percent.default(0.3) })])
    .default(false)
    .describe("Kill a consumer's connection holding unacked deliveries `at` (default 30%) into the round"),
  'drain-timeout': duration.default(30_000).describe('Longest wait for consumers after publishing ends'),
  'sample-interval': duration.default(100).describe('How often backlog (published - acked) is sampled'),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits, "_", ".", ":" or "-"')
    .default('perf-action')
    .describe('Name prefix of the unique per-run exchanges and queues'),
  ttl: duration
    .default(3_600_000)
    .describe('Queues expire (x-expires) after this long unused, in case perf-action itself is killed'),
});

export type AmqpConfig = z.output<typeof amqpSchema> & { name: string; kind: string };
