// Faults beyond a consumer crash, against real redis-servers: a producer killed with XADDs in flight, and
// the broker itself killed and restarted mid-round. Only events the server acknowledged count as produced,
// so a dead producer's unanswered sends are reported apart (`unconfirmed`) and never as lost, and a broker
// without persistence shows the loss it causes.

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

describe('producer crash', () => {
  it('loses none of the acknowledged events, and the round ends without the dead producer’s quota', async () => {
    const rounds = 3;
    const events = 4000;
    const { metrics, warnings } = await runKindDirect(redisStreamsKind, 'pcrash', {
      url: redis.url,
      warmup: 0,
      rounds,
      events,
      producers: 2,
      consumers: 2,
      batch: 100,
      crash: { at: '50%', target: 'producer' },
    });
    expect(warnings).toEqual([]);
    expect(metrics.get('lost')?.samples).toEqual(Array(rounds).fill(0));
    const unconfirmed = metrics.get('unconfirmed')?.samples ?? [];
    expect(unconfirmed).toHaveLength(rounds);
    const delivered = metrics.get('delivery/latency')?.stats.n ?? 0;
    // The victim (producer 0, 2000 events) dies with the batch that reaches half its quota: it wrote 1000,
    // each either acknowledged (and then delivered, nothing being lost) or unconfirmed. The survivor
    // delivered its whole quota, and the round ended without the other half of the victim's.
    const written = events / 2 + events / 4;
    expect(delivered + unconfirmed.reduce((s, u) => s + u, 0)).toBe(rounds * written);
    expect(delivered).toBeGreaterThanOrEqual(rounds * (events / 2));
    expect(metrics.has('recovery')).toBe(false);
  });
});
