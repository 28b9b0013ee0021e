import { z } from 'zod';
import { duration, percent, rate, size } from '../../src/config/units-schema.ts';

const count = (max: number) => z.number().int().min(0).max(max);

export const payloadSchema = z.strictObject({
  size: size.default(256).describe('Bytes per event (the JSON document, or all field names and values)'),
  shape: z
    .enum(['json', 'fields'])
    .default('json')
    .describe('json: one field holding a JSON event; fields: the event as flat stream fields'),
});

export const redisStreamsSchema = z.strictObject({
  url: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .default('redis://127.0.0.1:6379')
    .describe('redis:// or rediss:// URL; with cluster: true, one or more seed nodes'),
  cluster: z.boolean().default(false).describe('Connect with ioredis Cluster (slots routed per stream)'),
  events: count(100_000_000).min(1).optional().describe('Events per round (default 100000; the cap with duration)'),
  duration: duration.optional().describe('Produce for this long per round instead of a fixed number of events'),
  rate: rate.optional().describe('Open model: total events/s across producers; omit to produce as fast as possible'),
  rounds: z.number().int().min(1).max(1000).default(3).describe('Measured rounds; each gives one sample per metric'),
  warmup: z.number().int().min(0).max(100).default(1).describe('Unmeasured rounds first (JIT, connections, allocator)'),
  producers: count(256).min(1).default(1),
  consumers: count(256).default(2).describe('Consumers in one consumer group; 0 measures producing only'),
  streams: count(256).min(1).default(1).describe('Streams (partitions); consumer i reads stream i mod streams'),
  threads: count(256).min(1).optional().describe('Worker threads to spread producers and consumers over'),
  batch: count(100_000).min(1).default(500).describe('XADD commands per producer pipeline flush'),
  count: count(100_000).min(1).optional().describe('XREADGROUP COUNT (default: batch)'),
  block: duration.default(100).describe('XREADGROUP BLOCK'),
  payload: payloadSchema.default({ size: 256, shape: 'json' }),
  processing: duration.default(0).describe('Simulated processing time per event, before XACK'),
  maxlen: count(1e12).optional().describe('XADD MAXLEN ~ (approximate trimming)'),
  crash: z
    .union([
      z.boolean(),
      z.strictObject({
        at: percent.default(0.3),
        target: z
          .enum(['consumer', 'producer', 'broker'])
          .default('consumer')
          .describe(
            'consumer: one holding unacked entries; producer: one with XADDs in flight; broker: kill and restart the redis-server service',
          ),
        service: z
          .string()
          .min(1)
          .optional()
          .describe(
            "With target broker: the service to restart (default: the one whose ready URL has the suite's port)",
          ),
      }),
    ])
    .default(false)
    .describe('Kill a consumer (or a producer, or the broker) `at` (default 30%) into the stream (or the duration)'),
  reclaim: z.boolean().default(true).describe('Consumers reclaim idle pending entries with XAUTOCLAIM'),
  'min-idle': duration.default(1000).describe('XAUTOCLAIM min-idle-time'),
  'drain-timeout': duration.default(30_000).describe('Longest wait for consumers after producing ends'),
  'sample-interval': duration.default(100).describe('How often backlog (produced - acked) is sampled'),
  writer: z
    .enum(['resp', 'ioredis'])
    .default('resp')
    .describe('Producer write path: perf-action lean RESP pipeline, or ioredis pipeline'),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]+$/, 'use letters, digits, "_", ".", ":" or "-"')
    .default('perf-action')
    .describe('Key prefix of the unique per-run streams'),
  ttl: duration.default(3_600_000).describe('Expiry on every key created, in case perf-action itself is killed'),
});

export type RedisStreamsConfig = z.output<typeof redisStreamsSchema> & { name: string; kind: string };
