// The redis-streams kind against a real redis-server of its own (REDIS_URL selects another): what it
// measures, that every run cleans up after itself (also when aborted or when Redis dies), and how it
// refuses servers it cannot use.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuiteSetupError } from '../src/runner/suite-kind.ts';
import { redisStreamsKind } from '../suites/redis-streams/index.ts';
import { freePort, type RedisHandle, startRedis } from './helpers/redis-server.ts';
import { metricOf, type RunHooks, runKindCaught } from './helpers/suite-run.ts';

const runKind = (url: string, over: Record<string, unknown>, hooks: RunHooks = {}) =>
  runKindCaught(redisStreamsKind, 'events', { url, warmup: 0, ...over }, hooks);
const metric = metricOf;

let redis: RedisHandle;
let admin: Redis;

/** Keys the suite created: it must leave none behind. */
async function leftovers(client = admin): Promise<string[]> {
  return (await client.keys('perf-action:*')).concat(await client.keys('test-*'));
}

/** Connections the suite opened (each is named perf-action-...); they close shortly after a run. */
async function openConnections(client = admin): Promise<number> {
  for (let i = 0; ; i++) {
    const list = String(await client.call('CLIENT', 'LIST'));
    const n = list.split('\n').filter((l) => /name=perf-action-/.test(l)).length;
    if (n === 0 || i >= 40) return n;
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url, { lazyConnect: true });
  await admin.connect();
});

afterAll(async () => {
  admin?.disconnect();
  await redis?.stop();
});

describe('redis-streams suite kind', () => {
  it('measures produce and end-to-end throughput, every delivery, one sample per round, and cleans up', async () => {
    const o = await runKind(redis.url, { events: 20_000, rounds: 2 });
    expect(o.error).toBeUndefined();
    expect([...o.metrics.keys()]).toEqual([
      'produce/throughput',
      'consume/throughput',
      'delivery/latency',
      'lost',
      'duplicates',
      'backlog',
    ]);
    for (const m of o.metrics.values()) expect(m.samples).toHaveLength(2);
    expect(metric(o, 'produce/throughput')).toMatchObject({
      id: 'events/produce/throughput',
      unit: 'events/s',
      better: 'higher',
    });
    expect(metric(o, 'consume/throughput')).toMatchObject({ unit: 'events/s', better: 'higher' });
    const latency = metric(o, 'delivery/latency');
    expect(latency).toMatchObject({ unit: 'ms', better: 'lower' });
    // The distribution holds every event of every round, exactly once.
    expect(latency.stats.n).toBe(40_000);
    const s = latency.stats;
    expect(s.min).toBeLessThanOrEqual(s.p50 as number);
    expect(s.p50).toBeLessThanOrEqual(s.p95 as number);
    expect(s.p95).toBeLessThanOrEqual(s.p99 as number);
    expect(s.p99).toBeLessThanOrEqual(s.max);
    expect(metric(o, 'lost').samples).toEqual([0, 0]);
    expect(metric(o, 'duplicates').samples).toEqual([0, 0]);
    expect(metric(o, 'lost')).toMatchObject({ unit: 'count', better: 'lower' });
    expect(metric(o, 'backlog')).toMatchObject({ unit: 'events', better: 'lower' });
    expect(metric(o, 'backlog').stats.max).toBeLessThanOrEqual(20_000);
    expect(o.metrics.has('recovery')).toBe(false);
    expect(o.warnings).toEqual([]);
    expect(await leftovers()).toEqual([]);
    expect(await openConnections()).toBe(0);
  });

  it('spreads several producers and consumers over streams and threads, in both shapes and writers', async () => {
    for (const over of [
      { producers: 3, consumers: 4, streams: 2, threads: 3, payload: { shape: 'fields', size: '300B' } },
      { producers: 2, consumers: 2, writer: 'ioredis', batch: 100, count: 300 },
    ]) {
      const o = await runKind(redis.url, { events: 9_000, rounds: 1, ...over });
      expect(o.error).toBeUndefined();
      expect(metric(o, 'delivery/latency').stats.n).toBe(9_000);
      expect(metric(o, 'lost').samples).toEqual([0]);
      expect(metric(o, 'duplicates').samples).toEqual([0]);
    }
    expect(await leftovers()).toEqual([]);
  });

  it('measures producing alone with consumers: 0', async () => {
    const o = await runKind(redis.url, { events: 5_000, consumers: 0, rounds: 2 });
    expect(o.error).toBeUndefined();
    expect([...o.metrics.keys()]).toEqual(['produce/throughput']);
    expect(metric(o, 'produce/throughput').samples).toHaveLength(2);
  });

  it('produces exactly the due events in the open model, stamped with their due time', async () => {
    // 2,000 events/s for 1 s: the count follows from the schedule, whatever the machine's speed.
    const o = await runKind(redis.url, { rate: '2k/s', duration: '1s', producers: 2, rounds: 1 });
    expect(o.error).toBeUndefined();
    expect(metric(o, 'delivery/latency').stats.n).toBe(2_000);
    expect(metric(o, 'lost').samples).toEqual([0]);
  });

  it('reports events trimmed by MAXLEN before any consumer read them as lost, without waiting for the drain timeout', async () => {
    // One slow consumer (1 ms per event) and a stream capped near 500 entries: most events are trimmed.
    const o = await runKind(redis.url, {
      events: 5_000,
      consumers: 1,
      count: 50,
      processing: '1ms',
      maxlen: 500,
      rounds: 1,
      'drain-timeout': '60s',
    });
    expect(o.error).toBeUndefined();
    const lost = metric(o, 'lost').samples?.[0] as number;
    expect(lost).toBeGreaterThan(1_000);
    expect(lost).toBeLessThan(5_000);
    expect(metric(o, 'delivery/latency').stats.n).toBe(5_000 - lost);
    expect(o.warnings.join('\n')).toMatch(/trimmed by maxlen 500/);
    expect(o.warnings.join('\n')).not.toMatch(/drain-timeout/);
  });

  it('stops promptly on abort (Ctrl-C), deleting its streams and closing its connections', async () => {
    const controller = new AbortController();
    const o = await runKind(
      redis.url,
      { rate: '1k/s', duration: '60s', rounds: 3 },
      {
        signal: controller.signal,
        progress: (m) => {
          if (/[1-9]\d* acked/.test(m)) controller.abort(new Error('interrupted'));
        },
      },
    );
    expect(o.error?.message).toBe('interrupted');
    expect(o.metrics.size).toBe(0);
    expect(await leftovers()).toEqual([]);
    expect(await openConnections()).toBe(0);
  });

  it('refuses an unreachable server with a setup error that names it', async () => {
    const port = await freePort();
    const o = await runKind(`redis://127.0.0.1:${port}`, { events: 1_000 });
    expect(o.error).toBeInstanceOf(SuiteSetupError);
    expect(o.error?.message).toMatch(
      new RegExp(`cannot connect to Redis at redis://127\\.0\\.0\\.1:${port}.*ECONNREFUSED`),
    );
    expect(o.error?.message).toMatch(/REDIS_URL/);
    expect(o.metrics.size).toBe(0);
  });
});

describe('servers the suite cannot use', () => {
  it('refuses a server without stream commands, and the crash probe without XAUTOCLAIM', async () => {
    const noStreams = await startRedis({ args: ['--rename-command', 'XADD', ''] });
    const noAutoclaim = await startRedis({ args: ['--rename-command', 'XAUTOCLAIM', ''] });
    try {
      const a = await runKind(noStreams.url, { events: 1_000 });
      expect(a.error).toBeInstanceOf(SuiteSetupError);
      expect(a.error?.message).toMatch(/lacks XADD .*Redis Streams need Redis 5\.0/);
      const b = await runKind(noAutoclaim.url, { events: 1_000, crash: true });
      expect(b.error).toBeInstanceOf(SuiteSetupError);
      expect(b.error?.message).toMatch(/lacks XAUTOCLAIM .*crash probe/);
      // Without a crash nothing needs reclaiming: it runs, and says reclaiming is off.
      const c = await runKind(noAutoclaim.url, { events: 2_000, rounds: 1 });
      expect(c.error).toBeUndefined();
      expect(metric(c, 'lost').samples).toEqual([0]);
      expect(c.warnings.join('\n')).toMatch(/lacks XAUTOCLAIM/);
    } finally {
      await noStreams.stop();
      await noAutoclaim.stop();
    }
  });

  it('keeps the rounds measured before Redis went away, and says what failed', async () => {
    const doomed = await startRedis({ own: true });
    let stopping: Promise<void> | undefined;
    const o = await runKind(
      doomed.url,
      { events: 20_000, rounds: 3, 'drain-timeout': '5s' },
      {
        progress: (m) => {
          if (/^round 2\/3/.test(m)) stopping ??= doomed.stop();
        },
      },
    );
    await stopping;
    expect(o.error).toBeInstanceOf(Error);
    expect(o.error).not.toBeInstanceOf(SuiteSetupError);
    expect(o.error?.message).toMatch(/closed|ECONNREFUSED|ECONNRESET|connection|Connection/);
    expect(metric(o, 'consume/throughput').samples).toHaveLength(1);
    expect(metric(o, 'lost').samples).toEqual([0]);
    expect(o.warnings.join('\n')).toMatch(/could not delete .*expire after ttl/);
  });
});
