// The redis-streams kind against a three-master Redis Cluster on loopback, started by this file
// (REDIS_CLUSTER_URLS selects another): streams land on different nodes, producers write to each stream's
// owner, consumers and the crash probe's XAUTOCLAIM go through ioredis Cluster.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStreamsKind } from '../suites/redis-streams/index.ts';
import { type RedisClusterHandle, startRedisCluster } from './helpers/redis-server.ts';
import { runKindDirect } from './helpers/suite-run.ts';

let cluster: RedisClusterHandle;
let nodes: Redis[];

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  nodes = cluster.urls.map((u) => new Redis(u, { protocol: 2 }));
});

afterAll(async () => {
  for (const n of nodes ?? []) n.disconnect();
  await cluster?.stop();
});

const run = (over: Record<string, unknown>) =>
  runKindDirect(redisStreamsKind, 'bus', { url: cluster.urls, cluster: true, warmup: 0, rounds: 1, ...over });

const xaddCalls = async (n: Redis) =>
  Number(/cmdstat_xadd:calls=(\d+)/.exec(String(await n.call('INFO', 'commandstats')))?.[1] ?? 0);

describe('redis-streams on Redis Cluster', () => {
  it('spreads streams over the masters and delivers every event once', async () => {
    const before = await Promise.all(nodes.map(xaddCalls));
    const { metrics, warnings } = await run({ events: 12_000, producers: 2, consumers: 6, streams: 6, threads: 4 });
    expect(warnings).toEqual([]);
    expect(metrics.get('lost')?.samples).toEqual([0]);
    expect(metrics.get('duplicates')?.samples).toEqual([0]);
    expect(metrics.get('delivery/latency')?.stats.n).toBe(12_000);
    const after = await Promise.all(nodes.map(xaddCalls));
    const written = after.map((a, i) => a - (before[i] as number));
    expect(written.reduce((s, n) => s + n, 0)).toBe(12_000);
    expect(written.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    for (const n of nodes) expect(await n.dbsize()).toBe(0);
  });

  it('recovers a crashed consumer’s entries through the cluster client', async () => {
    const { metrics, warnings } = await run({
      events: 6_000,
      consumers: 2,
      crash: true,
      'min-idle': '100ms',
      count: 200,
    });
    expect(warnings).toEqual([]);
    expect(metrics.get('lost')?.samples).toEqual([0]);
    expect(metrics.get('duplicates')?.samples?.[0]).toBeGreaterThanOrEqual(1);
    expect(metrics.get('recovery')?.samples).toHaveLength(1);
    for (const n of nodes) expect(await n.dbsize()).toBe(0);
  });

  it('tells a user who points cluster: false at a cluster node what to change', async () => {
    await expect(run({ cluster: false, url: cluster.urls[0], events: 1_000 })).rejects.toThrow(
      /is a cluster node: set cluster: true/,
    );
  });
});
