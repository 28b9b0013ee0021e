// Faults beyond a consumer crash, against real redis-servers: a producer killed with XADDs in flight, and
// the broker itself killed and restarted mid-round. Only events the server acknowledged count as produced,
// so a dead producer's unanswered sends are reported apart (`unconfirmed`) and never as lost, and a broker
// without persistence shows the loss it causes.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../src/index.ts';
import { silentProgress } from '../src/runner/progress.ts';
import { runSuites } from '../src/runner/run.ts';
import { startService } from '../src/runner/services.ts';
import { redisStreamsKind, redisStreamsSchema } from '../suites/redis-streams/index.ts';
import { layout, makePlan } from '../suites/redis-streams/plan.ts';
import { encodeCommand, RespPipe } from '../suites/redis-streams/resp-pipe.ts';
import { freePort, type RedisHandle, startRedis } from './helpers/redis-server.ts';
import { scratchDir } from './helpers/scratch.ts';
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

describe('crash targets in the config', () => {
  const plan = (raw: Record<string, unknown>) =>
    makePlan({ ...redisStreamsSchema.parse(raw), name: 'bus', kind: 'redis-streams' });

  it('keeps crash: true and { at } a consumer crash, and gives a producer victim a thread of its own', () => {
    expect(plan({ crash: true })).toMatchObject({ crashAt: 0.3, crashTarget: 'consumer' });
    expect(plan({ crash: { at: '60%' }, consumers: 2 })).toMatchObject({ crashAt: 0.6, crashTarget: 'consumer' });
    const threads = plan({ crash: { target: 'producer' }, producers: 3, consumers: 1 }).threads;
    expect(threads).toContainEqual([{ kind: 'producer', index: 0, victim: true }]);
    const others = threads.flat().filter((a) => !a.victim);
    expect(others.map((a) => `${a.kind}${a.index}`).sort()).toEqual(['consumer0', 'producer1', 'producer2']);
    // A producer crash kills no consumer: one consumer per stream is enough, unlike a consumer crash.
    expect(() => plan({ crash: { target: 'producer' }, consumers: 1 })).not.toThrow();
    expect(() => plan({ crash: true, consumers: 1 })).toThrow(/crash needs consumers: 2/);
    // Nothing else beside the victim: no empty thread.
    expect(layout(1, 0, 1, 'producer')).toEqual([[{ kind: 'producer', index: 0, victim: true }]]);
  });

  it('rejects what a broker restart cannot do, saying what to change', () => {
    expect(() => plan({ crash: { target: 'consumer', service: 'redis' } })).toThrow(/add target: broker/);
    expect(() =>
      plan({ crash: { target: 'broker' }, cluster: true, url: ['redis://127.0.0.1:7000', 'redis://127.0.0.1:7001'] }),
    ).toThrow(/not a cluster/);
    expect(() => redisStreamsSchema.parse({ crash: { target: 'publisher' } })).toThrow();
  });
});

describe('RESP pipeline', () => {
  it('tells a batch with a nil reply (XADD NOMKSTREAM to a missing stream) from one that added everything', async () => {
    const pipe = await RespPipe.connect({ host: '127.0.0.1', port: redis.port });
    const key = `perf-action-test-nil-${process.pid}`;
    const xadd = (...head: string[]) => encodeCommand(['XADD', key, ...head, '*', 'f', 'v']);
    const outcomes: Array<[string | undefined, boolean | undefined]> = [];
    const done = (error: string | undefined, nil?: boolean) => outcomes.push([error, nil]);
    pipe.send(xadd('NOMKSTREAM') + xadd('NOMKSTREAM'), 2, done);
    pipe.send(xadd() + xadd('NOMKSTREAM'), 2, done);
    pipe.send(encodeCommand(['DEL', key]), 1, done);
    await pipe.waitInflight(0);
    pipe.close();
    expect(outcomes).toEqual([
      [undefined, true],
      [undefined, false],
      [undefined, false],
    ]);
  });
});

/** A perf.yml whose redis-streams suite restarts the redis-server perf-action starts as a service. */
async function restartRun(persistence: string[], suite: Record<string, unknown> = {}) {
  const dir = scratchDir('perf-restart');
  const port = await freePort();
  const keys = {
    events: 2000,
    rounds: 2,
    warmup: 0,
    consumers: 2,
    count: 10,
    // Consumers slower than the paced producer: the restart strikes with a backlog in the server, and half
    // the events are produced after it.
    rate: '4000/s',
    processing: '2ms',
    'min-idle': '200ms',
    crash: { at: '50%', target: 'broker' },
    ...suite,
  };
  writeFileSync(
    path.join(dir, 'perf.yml'),
    stringify({
      version: 1,
      services: [
        {
          name: 'bus',
          run: ['redis-server', '--port', port, '--bind', '127.0.0.1', '--dir', dir, ...persistence].join(' '),
          ready: `redis://127.0.0.1:${port}`,
        },
      ],
      suites: [{ name: 'restart', kind: 'redis-streams', url: `redis://127.0.0.1:${port}`, ...keys }],
    }),
  );
  const loaded = await loadConfig(path.join(dir, 'perf.yml'), { env: {} });
  const warnings: string[] = [];
  const progress = { ...silentProgress, warn: (m: string) => warnings.push(m) };
  const { results, setupErrors } = await runSuites(loaded, { env: process.env, logDir: dir, progress });
  const suiteResult = results.suites.find((s) => s.name === 'restart');
  const metrics = new Map((suiteResult?.metrics ?? []).map((m) => [m.name, m]));
  return { suite: suiteResult, metrics, warnings, setupErrors };
}

describe('service restart', () => {
  it('kills the service and starts it again on the same port, not reported as exited', async () => {
    const dir = scratchDir('perf-restart');
    const port = await freePort();
    const ready = `redis://127.0.0.1:${port}`;
    const svc = await startService(
      { name: 'bus', run: `redis-server --port ${port} --bind 127.0.0.1 --save ''`, ready, timeout: 30_000 },
      { configDir: dir, logDir: dir, env: process.env, signal: new AbortController().signal },
    );
    try {
      const before = svc.pid;
      await svc.restart();
      expect(svc.pid).not.toBe(before);
      expect(svc.exited()).toBeUndefined();
      // The first process was killed and reaped before the second started.
      expect(() => process.kill(before, 0)).toThrow();
    } finally {
      await svc.stop();
    }
    expect(svc.exited()).toBeUndefined();
    await expect(svc.restart()).rejects.toThrow(/not running/);
  });
});

describe('broker restart', () => {
  it('loses nothing with appendfsync always: producers and consumers reconnect and deliveries resume', async () => {
    const { suite, metrics, warnings } = await restartRun(["--save ''", '--appendonly yes', '--appendfsync always']);
    expect(suite?.error).toBeUndefined();
    expect(suite?.ok).toBe(true);
    expect(warnings).toEqual([]);
    expect(metrics.get('lost')?.samples).toEqual([0, 0]);
    const recovery = metrics.get('recovery');
    expect(recovery).toMatchObject({ unit: 'ms', better: 'lower' });
    expect(recovery?.samples).toHaveLength(2);
    expect(recovery?.stats.min).toBeGreaterThan(0);
    expect(metrics.get('unconfirmed')?.samples).toHaveLength(2);
    // Every acknowledged event was delivered, and some were sent after the restart.
    const delivered = metrics.get('delivery/latency')?.stats.n ?? 0;
    const unconfirmed = (metrics.get('unconfirmed')?.samples ?? []).reduce((s, u) => s + u, 0);
    expect(delivered + unconfirmed).toBe(2 * 2000);
  });

  it('reports the loss when the server keeps nothing across the restart', async () => {
    const { suite, metrics, warnings } = await restartRun(["--save ''", '--appendonly no']);
    expect(suite?.ok).toBe(true);
    // The round's stream and group were recreated, and what was produced after the restart delivered.
    expect(warnings).toEqual([]);
    expect(metrics.get('recovery')?.samples).toHaveLength(2);
    const lost = metrics.get('lost')?.samples ?? [];
    expect(lost).toHaveLength(2);
    for (const l of lost) expect(l).toBeGreaterThan(0);
    // What was lost was acknowledged and never delivered: never more than was sent.
    const delivered = metrics.get('delivery/latency')?.stats.n ?? 0;
    expect(delivered + lost.reduce((s, l) => s + l, 0)).toBeLessThanOrEqual(2 * 2000);
  });

  it('is a setup error naming the fix when no service of perf-action runs the suite’s Redis', async () => {
    const { suite, setupErrors } = await restartRun([], { url: redis.url });
    expect(suite?.ok).toBe(false);
    expect(setupErrors).toEqual([expect.stringMatching(/^suite restart: crash target broker .*services:.*ready:/)]);
  });
});
