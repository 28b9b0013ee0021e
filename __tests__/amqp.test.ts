// The amqp kind against a real RabbitMQ of its own (AMQP_URL selects another): what it measures, the crash
// probe's at-least-once check, that every run deletes what it declared (also when aborted), how it reports
// a broker it cannot reach, and the kind inside the engine (perf.yml errors, isolation, the example).

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText } from '../src/index.ts';
import { runSuites } from '../src/runner/run.ts';
import { SuiteSetupError } from '../src/runner/suite-kind.ts';
import { amqpKind } from '../suites/amqp/index.ts';
import { type RabbitHandle, startRabbit } from './helpers/rabbitmq.ts';
import { freePort } from './helpers/redis-server.ts';
import { scratchDir } from './helpers/scratch.ts';
import { metricOf, type RunHooks, runKindCaught, runScaledDown } from './helpers/suite-run.ts';

const runKind = (url: string, over: Record<string, unknown>, hooks: RunHooks = {}) =>
  runKindCaught(amqpKind, 'bus', { url, warmup: 0, prefix: PREFIX, ...over }, hooks);
const metric = metricOf;

/** Every queue and exchange a test run declares starts with this. */
const PREFIX = `test-${process.pid}`;
let rabbit: RabbitHandle;

/** What the suite declared and did not delete: it must leave nothing behind. */
function leftovers(): string[] {
  return [...rabbit.queues(), ...rabbit.exchanges()].filter((n) => n.startsWith(PREFIX));
}

beforeAll(async () => {
  rabbit = await startRabbit();
});

afterAll(async () => {
  await rabbit?.stop();
});

// No time limits of their own: a loaded 2-core machine runs these several times slower than an idle one,
// and the config's hang guard (helpers/tier.ts) stops a real hang.
describe('amqp', () => {
  it('counts every delivery of every producer exactly once, one sample per round', async () => {
    const o = await runKind(rabbit.url, { events: 3000, producers: 2, consumers: 2, queues: 2, rounds: 2 });
    expect(o.error).toBeUndefined();
    expect(o.warnings).toEqual([]);
    for (const name of ['produce/throughput', 'consume/throughput']) {
      const m = metric(o, name);
      expect(m).toMatchObject({ id: `bus/${name}`, unit: 'events/s', better: 'higher' });
      expect(m.samples).toHaveLength(2);
      for (const s of m.samples ?? []) expect(s).toBeGreaterThan(0);
    }
    // One latency per delivered event: 3000 per round, from both producers' ranges.
    expect(metric(o, 'delivery/latency')).toMatchObject({ unit: 'ms', better: 'lower' });
    expect(metric(o, 'delivery/latency').stats.n).toBe(6000);
    expect(metric(o, 'delivery/latency').stats.min).toBeGreaterThanOrEqual(0);
    expect(metric(o, 'lost').samples).toEqual([0, 0]);
    expect(metric(o, 'duplicates').samples).toEqual([0, 0]);
    expect(metric(o, 'redelivered').samples).toEqual([0, 0]);
    expect(metric(o, 'backlog').samples).toHaveLength(2);
    expect(o.metrics.has('recovery')).toBe(false);
  });

  it('publishes exactly the events due in the open model, never faster than the rate', async () => {
    const o = await runKind(rabbit.url, {
      rate: '500/s',
      duration: '1s',
      producers: 2,
      batch: 20,
      payload: { shape: 'headers', size: 100 },
      rounds: 1,
    });
    expect(o.error).toBeUndefined();
    // 250/s per producer for 1 s: 250 each, stamped with the time they were due.
    expect(metric(o, 'delivery/latency').stats.n).toBe(500);
    expect(metric(o, 'lost').samples).toEqual([0]);
    // The last event is due 998 ms after the first, and its confirm comes later still.
    expect(metric(o, 'produce/throughput').samples?.[0]).toBeLessThanOrEqual(500 / 0.996);
  });

  it('measures publishing alone with consumers: 0', async () => {
    const o = await runKind(rabbit.url, { events: 2000, consumers: 0, rounds: 1 });
    expect(o.error).toBeUndefined();
    expect([...o.metrics.keys()]).toEqual(['produce/throughput']);
  });

  it('crash: a consumer cut off holding unacked deliveries loses nothing; duplicates and recovery are measured', async () => {
    const o = await runKind(rabbit.url, { events: 4000, consumers: 3, prefetch: 100, crash: true, rounds: 2 });
    expect(o.error).toBeUndefined();
    expect(o.warnings).toEqual([]);
    expect(metric(o, 'lost').samples).toEqual([0, 0]);
    expect(metric(o, 'delivery/latency').stats.n).toBe(8000);
    // The victim processed half a batch before dying: those events were processed twice.
    const duplicates = metric(o, 'duplicates').samples ?? [];
    const redelivered = metric(o, 'redelivered').samples ?? [];
    expect(duplicates).toHaveLength(2);
    for (const [i, d] of duplicates.entries()) {
      expect(d).toBeGreaterThan(0);
      // Everything it held came back flagged, processed or not.
      expect(redelivered[i]).toBeGreaterThanOrEqual(d);
    }
    expect(metric(o, 'recovery')).toMatchObject({ unit: 'ms', better: 'lower' });
    expect(metric(o, 'recovery').samples).toHaveLength(2);
  });

  it('crash on durable quorum queues with persistent messages, and by time in duration mode', async () => {
    const quorum = await runKind(rabbit.url, {
      events: 2000,
      consumers: 2,
      prefetch: 50,
      'queue-type': 'quorum',
      persistent: true,
      crash: { at: '50%' },
      rounds: 1,
    });
    expect(quorum.error).toBeUndefined();
    expect(metric(quorum, 'lost').samples).toEqual([0]);
    expect(metric(quorum, 'duplicates').samples?.[0]).toBeGreaterThan(0);
    expect(metric(quorum, 'recovery').samples).toHaveLength(1);
    const timed = await runKind(rabbit.url, {
      rate: '1000/s',
      duration: '1s',
      consumers: 2,
      batch: 20,
      prefetch: 50,
      crash: true,
      rounds: 1,
    });
    expect(timed.error).toBeUndefined();
    expect(metric(timed, 'lost').samples).toEqual([0]);
    expect(metric(timed, 'delivery/latency').stats.n).toBe(1000);
    expect(metric(timed, 'recovery').samples).toHaveLength(1);
  });

  it('leaves no queue or exchange behind', () => {
    expect(leftovers()).toEqual([]);
  });

  it('stops promptly when aborted, keeps nothing half-measured, and still deletes what it declared', async () => {
    const controller = new AbortController();
    let aborted = false;
    let confirmed = 0;
    const o = await runKind(
      rabbit.url,
      { duration: '60s', rate: '2000/s', consumers: 2, rounds: 1 },
      {
        signal: controller.signal,
        progress: (m) => {
          confirmed = Math.max(confirmed, Number(/(\d+) confirmed/.exec(m)?.[1] ?? 0));
          if (!aborted && /round 1\/1: [1-9]\d* confirmed/.test(m)) {
            aborted = true;
            controller.abort(new Error('interrupted'));
          }
        },
      },
    );
    expect(aborted).toBe(true);
    expect(o.error?.message).toBe('interrupted');
    expect(o.metrics.size).toBe(0);
    // It stopped inside the round it interrupted (judged by events, not by the clock): far fewer than the
    // round's 60 s x 2000/s were ever reported confirmed.
    expect(confirmed).toBeGreaterThan(0);
    expect(confirmed).toBeLessThan(60 * 2000);
    expect(leftovers()).toEqual([]);
  });

  it('fails promptly when the broker goes away mid-run, keeping the rounds measured before', async () => {
    const doomed = await startRabbit();
    try {
      let stopping: Promise<void> | undefined;
      const o = await runKind(
        doomed.url,
        { events: 2000, rounds: 100, consumers: 2 },
        {
          progress: (m) => {
            if (!stopping && /^round 3\/100/.test(m)) stopping = doomed.stop();
          },
        },
      );
      expect(stopping).toBeDefined();
      expect(o.error).toBeDefined();
      expect(o.error).not.toBeInstanceOf(SuiteSetupError);
      expect(o.error?.message).toMatch(/closed|CONNECTION_FORCED|shutdown|ECONNREFUSED|cannot connect/i);
      // Two full rounds were measured before the broker went: they are kept.
      expect(metric(o, 'produce/throughput').samples?.length).toBeGreaterThanOrEqual(2);
      expect(metric(o, 'lost').samples?.slice(0, 2)).toEqual([0, 0]);
    } finally {
      await doomed.stop();
    }
  });

  it('reports an unreachable broker as a setup error naming it, without hanging', async () => {
    const port = await freePort();
    const o = await runKind(`amqp://guest:guest@127.0.0.1:${port}`, { events: 100 });
    expect(o.error).toBeInstanceOf(SuiteSetupError);
    expect(o.error?.message).toMatch(
      new RegExp(
        `cannot connect to RabbitMQ at amqp://guest:\\*\\*\\*@127\\.0\\.0\\.1:${port}: .*ECONNREFUSED.*rabbitmq-server running`,
      ),
    );
    expect(o.metrics.size).toBe(0);
  });

  it('reports refused logins and missing vhosts plainly, never showing the password', async () => {
    const u = new URL(rabbit.url);
    u.password = 'wrong-secret';
    const login = await runKind(u.toString(), { events: 100 });
    expect(login.error).toBeInstanceOf(SuiteSetupError);
    expect(login.error?.message).toMatch(/login refused \(check the user and password in url:\)/);
    expect(login.error?.message).not.toContain('wrong-secret');
    const other = new URL(rabbit.url);
    other.pathname = '/no-such-vhost';
    const vhost = await runKind(other.toString(), { events: 100 });
    expect(vhost.error).toBeInstanceOf(SuiteSetupError);
    expect(vhost.error?.message).toMatch(/refused vhost "no-such-vhost"/);
  });
});

describe('amqp in perf.yml', () => {
  const text = `version: 1
suites:
  - name: bus
    kind: amqp
    url: \${BUS_URL:-amqp://guest:guest@127.0.0.1:5672}
    rate: 5k/s
    duration: 10s
    payload: { size: 1KB, shape: headers }
    queue-type: quorum
    processing: 1ms
`;

  it('reads units and URLs with defaults from the environment, and names a misspelled key', () => {
    const suite = parseConfigText(text, 'perf.yml', { BUS_URL: 'amqp://u:p@bus:5673/events' }).suites[0];
    expect(suite).toMatchObject({
      url: 'amqp://u:p@bus:5673/events',
      rate: 5000,
      duration: 10_000,
      payload: { size: 1000, shape: 'headers' },
      'queue-type': 'quorum',
      processing: 1,
      consumers: 2,
    });
    expect(() => parseConfigText(`${text}    prefetc: 100\n`, 'perf.yml')).toThrow(ConfigError);
    expect(() => parseConfigText(`${text}    prefetc: 100\n`, 'perf.yml')).toThrow(
      /perf.yml:11:5.*did you mean "prefetch"/s,
    );
    expect(() => parseConfigText(text.replace('quorum', 'stream'), 'perf.yml')).toThrow(/perf.yml:9.*queue-type/s);
  });

  it('fails only the suite whose broker is unreachable; the next suite still runs', async () => {
    const dead = await freePort();
    const dir = scratchDir('perf-amqp');
    const file = path.join(dir, 'perf.yml');
    writeFileSync(
      file,
      `version: 1
suites:
  - name: down
    kind: amqp
    url: amqp://guest:guest@127.0.0.1:${dead}
  - name: up
    kind: amqp
    url: \${TEST_AMQP_URL}
    prefix: ${PREFIX}
    events: 2000
    rounds: 2
    warmup: 0
`,
    );
    const loaded = await loadConfig(file, { env: { TEST_AMQP_URL: rabbit.url } });
    const { results, setupErrors } = await runSuites(loaded, { env: process.env, logDir: dir });
    const [down, up] = results.suites;
    expect(down).toMatchObject({ name: 'down', kind: 'amqp', ok: false, metrics: [] });
    expect(down?.error).toMatch(
      new RegExp(`cannot connect to RabbitMQ at amqp://guest:\\*\\*\\*@127\\.0\\.0\\.1:${dead}`),
    );
    expect(setupErrors).toEqual([expect.stringMatching(/^suite down: cannot connect/)]);
    expect(up?.ok).toBe(true);
    expect(up?.metrics.map((m) => m.id)).toEqual(
      expect.arrayContaining(['up/produce/throughput', 'up/consume/throughput', 'up/delivery/latency', 'up/lost']),
    );
  });

  it('examples/events/amqp.yml validates, and every criterion selects a metric the suites emit', async () => {
    const file = path.resolve(import.meta.dirname, '../examples/events/amqp.yml');
    const loaded = await loadConfig(file, { env: { AMQP_URL: rabbit.url } });
    expect(loaded.config.suites.map((s) => [s.name, s.kind, s.url])).toEqual([
      ['bus', 'amqp', rabbit.url],
      ['bus-latency', 'amqp', rabbit.url],
      ['bus-crash', 'amqp', rabbit.url],
    ]);
    expect(readFileSync(file, 'utf8')).toMatch(/\$\{AMQP_URL:-amqp:\/\/guest:guest@127\.0\.0\.1:5672\}/);
    // The same suites, scaled down so the test stays quick; the criteria are the example's own.
    const { results, verdicts, byExpect } = await runScaledDown(loaded, 3000, { prefix: PREFIX });
    expect(results.suites.map((s) => [s.name, s.ok, s.error])).toEqual([
      ['bus', true, undefined],
      ['bus-latency', true, undefined],
      ['bus-crash', true, undefined],
    ]);
    expect(verdicts).toHaveLength(5);
    for (const v of verdicts) expect(v.status, v.expect).not.toBe('missing');
    // Loss is behaviour, not speed: these must pass on any machine.
    expect(byExpect.get('bus/lost max == 0')).toBe('pass');
    expect(byExpect.get('bus-crash/lost max == 0')).toBe('pass');
    expect(byExpect.get('bus-crash/recovery max < 60s')).toBe('pass');
    expect(leftovers()).toEqual([]);
  });
});
