// The amqp kind's pure parts, without a broker: event encoding, config checks, thread layout, URL handling,
// and how measured rounds become metrics.

import { describe, expect, it } from 'vitest';
import { SuiteSetupError } from '../src/runner/suite-kind.ts';
import { checkUrl, explainConnectError, redact, vhostOf } from '../suites/amqp/connection.ts';
import { type DecodedEvent, decodeEvent, makeEncoder, minimumSize } from '../suites/amqp/event.ts';
import { roundsToMetrics } from '../suites/amqp/metrics.ts';
import { layout, makePlan } from '../suites/amqp/plan.ts';
import type { RoundResult } from '../suites/amqp/round.ts';
import { type AmqpConfig, amqpSchema } from '../suites/amqp/schema.ts';

function config(over: Record<string, unknown> = {}): AmqpConfig {
  return { ...amqpSchema.parse(over), name: 'bus', kind: 'amqp' };
}

const TS = 1_763_000_000_123_456;

describe('events', () => {
  it('json bodies are exactly the configured size and decode back to producer, sequence and timestamp', () => {
    const min = minimumSize('json', 4, 1_000_000);
    for (const size of [min, min + 1, 256, 1000]) {
      const enc = makeEncoder('json', size);
      for (const [p, seq] of [
        [0, 0],
        [3, 999_999],
        [2, 42],
      ] as const) {
        const e = enc.encode(p, seq, TS);
        expect(e.body.length).toBe(size);
        expect(e.headers).toBeUndefined();
        expect(JSON.parse(e.body.toString())).toMatchObject({ ts: TS, producer: p, seq, event_id: `${p}-${seq}` });
        const out: DecodedEvent = { producer: -1, seq: -1, tsUs: -1 };
        expect(decodeEvent(e.body, undefined, out)).toBe(true);
        expect(out).toEqual({ producer: p, seq, tsUs: TS });
      }
    }
  });

  it('the headers shape carries the event id in headers and pads a valid JSON body to the size', () => {
    const enc = makeEncoder('headers', 128);
    const e = enc.encode(1, 7, TS);
    expect(e.body.length).toBe(128);
    expect(JSON.parse(e.body.toString())).toMatchObject({ event_type: 'workflow.task.completed' });
    expect(e.headers).toEqual({ ts: TS, producer: 1, seq: 7 });
    const out: DecodedEvent = { producer: -1, seq: -1, tsUs: -1 };
    expect(decodeEvent(e.body, e.headers, out)).toBe(true);
    expect(out).toEqual({ producer: 1, seq: 7, tsUs: TS });
    expect(minimumSize('headers', 1000, 1e9)).toBeLessThan(minimumSize('json', 1000, 1e9));
  });

  it('messages perf-action did not publish are recognised and left alone', () => {
    const out: DecodedEvent = { producer: -1, seq: -1, tsUs: -1 };
    for (const body of ['hello', '{"ts":1,"seq":2}', '{"ts":x', '{"ts":1,"producer":2,"seq":}', '']) {
      expect(decodeEvent(Buffer.from(body), undefined, out)).toBe(false);
    }
    expect(decodeEvent(Buffer.from('x'), { seq: 'a', producer: 0, ts: 1 }, out)).toBe(false);
    expect(decodeEvent(Buffer.from('x'), { seq: -1, producer: 0, ts: 1 }, out)).toBe(false);
    expect(out).toEqual({ producer: -1, seq: -1, tsUs: -1 });
  });
});

describe('config', () => {
  it('has defaults that run against a local RabbitMQ', () => {
    const c = config();
    expect(c).toMatchObject({
      url: 'amqp://guest:guest@127.0.0.1:5672',
      rounds: 3,
      warmup: 1,
      producers: 1,
      consumers: 2,
      queues: 1,
      batch: 500,
      payload: { size: 256, shape: 'json' },
      'queue-type': 'classic',
      persistent: false,
      crash: false,
    });
    const plan = makePlan(c);
    expect(plan.events).toBe(100_000);
    expect(plan.prefetch).toBe(500);
    expect(plan.crashAt).toBeUndefined();
  });

  it('reads units, and rejects unknown keys and values', () => {
    const c = config({ rate: '20k/s', duration: '3s', processing: '2ms', ttl: '10m', crash: { at: '50%' } });
    expect(c).toMatchObject({ rate: 20_000, duration: 3000, processing: 2, ttl: 600_000, crash: { at: 0.5 } });
    expect(() => amqpSchema.parse({ prefetc: 10 })).toThrow(/prefetc/);
    expect(() => amqpSchema.parse({ 'queue-type': 'stream' })).toThrow(/classic|quorum/);
    expect(() => amqpSchema.parse({ payload: { shape: 'fields' } })).toThrow(/json|headers/);
    expect(() => amqpSchema.parse({ prefix: 'a b' })).toThrow(/letters, digits/);
    expect(() => amqpSchema.parse({ crash: { at: 30 } })).toThrow(/%/);
  });

  it('rejects combinations that cannot run, naming the keys and the fix', () => {
    const fails = (over: Record<string, unknown>, why: RegExp) => {
      expect(() => makePlan(config(over))).toThrow(SuiteSetupError);
      expect(() => makePlan(config(over))).toThrow(why);
    };
    fails({ url: 'redis://127.0.0.1:6379' }, /url: .*expected an amqp:\/\/ or amqps:\/\/ URL/);
    fails({ url: 'not a url' }, /url: .*write amqp:\/\/user:password@host:5672\/vhost/);
    fails({ queues: 3, consumers: 2 }, /consumers \(2\) must be at least queues \(3\)/);
    fails({ crash: true, consumers: 1 }, /crash needs consumers: 2 or more/);
    fails({ crash: true, queues: 2, consumers: 2 }, /crash needs consumers: 3 or more/);
    fails({ events: 2, producers: 3 }, /events \(2\) must be at least producers \(3\)/);
    fails({ payload: { size: 40 } }, /payload size 40B is below the \d+B a json event of this run needs/);
    // The headers shape keeps the id out of the body, so smaller bodies are possible.
    fails({ payload: { size: 100 } }, /payload size 100B is below/);
    expect(() => makePlan(config({ payload: { size: 100, shape: 'headers' } }))).not.toThrow();
  });

  it('splits events over producers exactly, each with its own range in the delivery record', () => {
    const plan = makePlan(config({ events: 10, producers: 3, prefetch: 50, crash: { at: '40%' }, consumers: 2 }));
    expect(plan.quota).toEqual([4, 3, 3]);
    expect(plan.bases).toEqual([0, 4, 7]);
    expect(plan.prefetch).toBe(50);
    expect(plan.crashAt).toBe(0.4);
    const timed = makePlan(config({ duration: '2s', rate: '1000/s', producers: 4 }));
    expect(timed.durationMs).toBe(2000);
    expect(timed.ratePerProducer).toBe(250);
  });
});

describe('layout', () => {
  const kinds = (threads: ReturnType<typeof layout>) => threads.map((t) => [...new Set(t.map((a) => a.kind))]);

  it('gives every agent a thread by default, producers and consumers apart, the victim being consumer 0', () => {
    const t = layout(2, 3, undefined, true);
    expect(t).toHaveLength(5);
    expect(kinds(t).every((k) => k.length === 1)).toBe(true);
    const victims = t.flat().filter((a) => a.victim);
    expect(victims).toEqual([{ kind: 'consumer', index: 0, victim: true }]);
  });

  it('packs agents into `threads` without ever mixing producers and consumers', () => {
    for (const [p, c, n] of [
      [4, 4, 2],
      [1, 8, 3],
      [8, 1, 3],
      [3, 0, 2],
      [2, 2, 100],
    ] as const) {
      const t = layout(p, c, n, false);
      expect(t.length).toBeLessThanOrEqual(Math.max(n, c > 0 ? 2 : 1));
      expect(kinds(t).every((k) => k.length === 1)).toBe(true);
      const all = t.flat();
      expect(all.filter((a) => a.kind === 'producer').map((a) => a.index)).toEqual(
        expect.arrayContaining([...Array(p).keys()]),
      );
      expect(all.filter((a) => a.kind === 'consumer')).toHaveLength(c);
      expect(t.every((x) => x.length > 0)).toBe(true);
    }
  });
});

describe('urls', () => {
  it('never shows a password, and finds the vhost', () => {
    expect(redact('amqp://app:s3cret@bus:5672/prod')).toBe('amqp://app:***@bus:5672/prod');
    expect(redact('amqp://bus')).toBe('amqp://bus');
    expect(vhostOf('amqp://bus:5672')).toBe('/');
    expect(vhostOf('amqp://bus:5672/%2Fteam')).toBe('/team');
    expect(checkUrl('amqps://u:p@bus/v')).toBeUndefined();
    expect(checkUrl('http://bus')).toMatch(/amqp:\/\//);
  });

  it('explains refused logins and vhosts from the reply code, never from a port that contains it', () => {
    const url = 'amqp://app:pw@127.0.0.1:5672/prod';
    const login = new Error(
      'Handshake terminated by server: 403 (ACCESS-REFUSED) with message "ACCESS_REFUSED - Login was refused"',
    );
    expect(explainConnectError(login, url)).toMatch(/^login refused/);
    const vhost = new Error('Connection closed: 530 (NOT-ALLOWED) with message "NOT_ALLOWED - vhost prod not found"');
    expect(explainConnectError(vhost, url)).toMatch(/refused vhost "prod"/);
    // Ports that contain 403 and 530: a refused connection stays a refused connection.
    for (const port of [40317, 45303, 15300]) {
      const refused = new Error(`connect ECONNREFUSED 127.0.0.1:${port}`);
      expect(explainConnectError(refused, url)).toBe(refused.message);
    }
  });
});

describe('metrics', () => {
  const round = (over: Partial<RoundResult>): RoundResult => ({
    produced: 4,
    produceRate: 1000,
    consumed: 4,
    consumeRate: 900,
    latencies: Float32Array.from([1, 2, 3, 4]),
    lost: 0,
    duplicates: 0,
    redelivered: 0,
    backlog: [0, 3, 1],
    crashed: false,
    warnings: [],
    ...over,
  });

  it('gives one sample per round, with the pooled latency distribution', () => {
    const ms = roundsToMetrics(
      'bus',
      [round({}), round({ produceRate: 2000, latencies: Float32Array.from([10, 20]), duplicates: 2, recoveryMs: 50 })],
      { consumers: 2, crash: true },
    );
    const by = new Map(ms.map((m) => [m.id, m]));
    expect([...by.keys()]).toEqual([
      'bus/produce/throughput',
      'bus/consume/throughput',
      'bus/delivery/latency',
      'bus/lost',
      'bus/duplicates',
      'bus/redelivered',
      'bus/backlog',
      'bus/recovery',
    ]);
    expect(by.get('bus/produce/throughput')).toMatchObject({
      unit: 'events/s',
      better: 'higher',
      samples: [1000, 2000],
    });
    expect(by.get('bus/delivery/latency')).toMatchObject({ unit: 'ms', better: 'lower', samples: [2.5, 15] });
    expect(by.get('bus/delivery/latency')?.stats).toMatchObject({ n: 6, min: 1, max: 20 });
    expect(by.get('bus/duplicates')).toMatchObject({ unit: 'count', better: 'lower', samples: [0, 2] });
    expect(by.get('bus/backlog')?.samples).toEqual([3, 3]);
    expect(by.get('bus/recovery')).toMatchObject({ unit: 'ms', samples: [50] });
  });

  it('reports only publishing without consumers, and nothing without a measured round', () => {
    expect(roundsToMetrics('bus', [round({})], { consumers: 0, crash: false }).map((m) => m.id)).toEqual([
      'bus/produce/throughput',
    ]);
    expect(roundsToMetrics('bus', [], { consumers: 2, crash: false })).toEqual([]);
  });
});
