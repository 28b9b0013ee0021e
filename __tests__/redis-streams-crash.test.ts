// The crash probe against a real redis-server: a consumer dies holding a half-processed, unacked batch.
// With XAUTOCLAIM recovery nothing may be lost and the half it processed comes back as duplicates; with
// recovery off, the probe must see the loss - otherwise it could not catch a consumer that never reclaims.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStreamsKind } from '../suites/redis-streams/index.ts';
import { type RedisHandle, startRedis } from './helpers/redis-server.ts';
import { runKindDirect } from './helpers/suite-run.ts';

let redis: RedisHandle;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

const probe = (over: Record<string, unknown>) =>
  runKindDirect(redisStreamsKind, 'crash', { url: redis.url, warmup: 0, crash: true, ...over });

describe('crash probe', () => {
  it('loses nothing across rounds when survivors reclaim the dead consumer’s entries', async () => {
    const rounds = 5;
    const { metrics, warnings } = await probe({
      events: 10_000,
      consumers: 3,
      count: 200,
      'min-idle': '100ms',
      rounds,
    });
    expect(warnings).toEqual([]);
    expect(metrics.get('lost')?.samples).toEqual(Array(rounds).fill(0));
    // Every round the victim processed half a batch before dying; those events were delivered again.
    const dups = metrics.get('duplicates')?.samples ?? [];
    expect(dups).toHaveLength(rounds);
    for (const d of dups) {
      expect(d).toBeGreaterThanOrEqual(1);
      expect(d).toBeLessThanOrEqual(10_000);
    }
    // Every event was delivered, its first delivery timed.
    expect(metrics.get('delivery/latency')?.stats.n).toBe(rounds * 10_000);
    const recovery = metrics.get('recovery');
    expect(recovery).toMatchObject({ id: 'crash/recovery', unit: 'ms', better: 'lower' });
    expect(recovery?.samples).toHaveLength(rounds);
    expect(recovery?.stats.min).toBeGreaterThan(0);
  });

  it('reports the loss when consumers never reclaim, instead of waiting forever', async () => {
    const { metrics, warnings } = await probe({
      events: 6_000,
      consumers: 2,
      count: 200,
      reclaim: false,
      'drain-timeout': '500ms',
      rounds: 2,
    });
    const lost = metrics.get('lost')?.samples ?? [];
    expect(lost).toHaveLength(2);
    // The unprocessed half of the victim's batch: at least one event, at most a batch.
    for (const l of lost) {
      expect(l).toBeGreaterThanOrEqual(1);
      expect(l).toBeLessThanOrEqual(200);
    }
    expect(metrics.get('duplicates')?.samples).toEqual([0, 0]);
    expect(metrics.has('recovery')).toBe(false);
    expect(warnings.join('\n')).toMatch(/not all recovered/);
    expect(warnings.join('\n')).toMatch(/drain-timeout/);
  });

  it('still leaves half a batch unprocessed when consumers keep up and read one entry at a time', async () => {
    // Paced production, one XADD per flush: every read returns a single entry, and half of one is all of
    // it. The victim must hold two before it dies, or the probe could never see a loss here.
    const paced = { events: 1_000, rate: '2000/s', batch: 1, consumers: 2, count: 200, rounds: 2 };
    const lostRun = await probe({ ...paced, reclaim: false, 'drain-timeout': '300ms' });
    const lost = lostRun.metrics.get('lost')?.samples ?? [];
    expect(lost).toHaveLength(2);
    for (const l of lost) expect(l).toBeGreaterThanOrEqual(1);
    const kept = await probe({ ...paced, 'min-idle': '100ms' });
    expect(kept.warnings).toEqual([]);
    expect(kept.metrics.get('lost')?.samples).toEqual([0, 0]);
    for (const d of kept.metrics.get('duplicates')?.samples ?? []) expect(d).toBeGreaterThanOrEqual(1);
    expect(kept.metrics.get('duplicates')?.samples).toHaveLength(2);
  });
});
