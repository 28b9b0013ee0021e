// The redis-streams kind inside the engine: perf.yml parsing (units, env expansion, unknown keys), the
// runner isolating a suite whose Redis is unreachable while the rest still run, and the events example
// whose criteria must each select a metric the kind emits.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigText } from '../src/index.ts';
import { runSuites } from '../src/runner/run.ts';
import { freePort, type RedisHandle, startRedis } from './helpers/redis-server.ts';
import { scratchDir } from './helpers/scratch.ts';
import { runScaledDown } from './helpers/suite-run.ts';

const root = path.resolve(import.meta.dirname, '..');
let redis: RedisHandle;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

describe('redis-streams in perf.yml', () => {
  it('reads units and URLs with defaults from the environment, and names a misspelled key', () => {
    const text = `version: 1
suites:
  - name: events
    kind: redis-streams
    url: \${BUS_URL:-redis://127.0.0.1:6379}
    rate: 50k/s
    duration: 10s
    payload: { size: 1KB }
    min-idle: 2s
`;
    const suite = parseConfigText(text, 'perf.yml', { BUS_URL: 'redis://10.0.0.5:6380' }).suites[0] as Record<
      string,
      unknown
    >;
    expect(suite).toMatchObject({
      url: 'redis://10.0.0.5:6380',
      rate: 50_000,
      duration: 10_000,
      payload: { size: 1000, shape: 'json' },
      'min-idle': 2000,
      consumers: 2,
    });
    expect(() => parseConfigText(`${text}    consumer: 4\n`, 'perf.yml')).toThrow(ConfigError);
    expect(() => parseConfigText(`${text}    consumer: 4\n`, 'perf.yml')).toThrow(
      /line 10.*did you mean "consumers"|perf.yml:10:5.*consumers/,
    );
  });

  it('fails only the suite whose Redis is unreachable; the next suite still runs', async () => {
    const dead = await freePort();
    const dir = scratchDir('perf-streams');
    const file = path.join(dir, 'perf.yml');
    writeFileSync(
      file,
      `version: 1
suites:
  - name: down
    kind: redis-streams
    url: redis://127.0.0.1:${dead}
  - name: up
    kind: redis-streams
    url: \${TEST_REDIS_URL}
    events: 5000
    rounds: 2
    warmup: 0
`,
    );
    const loaded = await loadConfig(file, { env: { TEST_REDIS_URL: redis.url } });
    const { results, setupErrors } = await runSuites(loaded, { env: process.env, logDir: dir });
    const [down, up] = results.suites;
    expect(down).toMatchObject({ name: 'down', kind: 'redis-streams', ok: false, metrics: [] });
    expect(down?.error).toMatch(new RegExp(`cannot connect to Redis at redis://127\\.0\\.0\\.1:${dead}`));
    expect(setupErrors).toEqual([expect.stringMatching(/^suite down: cannot connect/)]);
    expect(up?.ok).toBe(true);
    expect(up?.metrics.map((m) => m.id)).toEqual(
      expect.arrayContaining(['up/produce/throughput', 'up/consume/throughput', 'up/delivery/latency', 'up/lost']),
    );
  });
});

describe('examples/events/perf.yml', () => {
  it('validates, and every criterion selects a metric the suites emit', async () => {
    const file = path.join(root, 'examples/events/perf.yml');
    const loaded = await loadConfig(file, { env: { REDIS_URL: redis.url } });
    expect(loaded.config.suites.map((s) => [s.name, s.kind, s.url])).toEqual([
      ['events', 'redis-streams', redis.url],
      ['events-latency', 'redis-streams', redis.url],
      ['events-crash', 'redis-streams', redis.url],
    ]);
    expect(readFileSync(file, 'utf8')).toMatch(/\$\{REDIS_URL:-redis:\/\/127\.0\.0\.1:6379\}/);
    // The same suites, scaled down so the test stays quick; the criteria are the example's own.
    const { results, verdicts, byExpect } = await runScaledDown(loaded, 4000);
    expect(results.suites.map((s) => [s.name, s.ok, s.error])).toEqual([
      ['events', true, undefined],
      ['events-latency', true, undefined],
      ['events-crash', true, undefined],
    ]);
    expect(verdicts).toHaveLength(5);
    for (const v of verdicts) expect(v.status, v.expect).not.toBe('missing');
    // Loss is behaviour, not speed: these must pass on any machine.
    expect(byExpect.get('events/lost max == 0')).toBe('pass');
    expect(byExpect.get('events-crash/lost max == 0')).toBe('pass');
    expect(byExpect.get('events-crash/recovery max < 60s')).toBe('pass');
  });

  it('a Redis that accepts the connection and never answers fails the suite with a clear error', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((sock) => {
      sockets.push(sock); // accepted, never answered
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as import('node:net').AddressInfo).port;
    try {
      const dir = scratchDir('perf-streams');
      const file = path.join(dir, 'perf.yml');
      writeFileSync(
        file,
        `version: 1\nsuites:\n  - name: mute\n    kind: redis-streams\n    url: redis://127.0.0.1:${port}\n`,
      );
      const loaded = await loadConfig(file, { env: {} });
      const { results } = await runSuites(loaded, { env: process.env, logDir: dir });
      expect(results.suites[0]).toMatchObject({ name: 'mute', ok: false, metrics: [] });
      expect(results.suites[0]?.error).toMatch(
        new RegExp(
          `cannot connect to Redis at redis://127\\.0\\.0\\.1:${port}: .*(did not answer|timed out|timeout)`,
          'i',
        ),
      );
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
