// The http kind against a real loopback server with known behaviour: percentiles from injected delays,
// weights, captures with per-user setup, expectations turned into failures with reasons, stages, SSE
// timing, transport errors as error_rate, and abort. Each run lasts a couple of seconds at most.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHttp, startHttpServer, type TestServer } from './helpers/http-server.ts';
import { freePort } from './helpers/redis-server.ts';

let srv: TestServer;

beforeAll(async () => {
  srv = await startHttpServer();
});

afterAll(async () => {
  await srv?.close();
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('http kind under load', () => {
  it('reports percentiles that follow the injected latencies (90% ~10 ms, 10% ~100 ms)', async () => {
    // Delays well above a busy machine's timer noise, and few users, so the two modes stay apart.
    const run = await runHttp({
      target: srv.url,
      workers: 2,
      load: { users: 4, duration: '2s' },
      requests: [{ name: 'mix', path: '/mix?fast=10&slow=100' }],
    });
    const lat = run.byId('api/mix/latency');
    expect(lat.unit).toBe('ms');
    expect(lat.better).toBe('lower');
    const { p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0 } = lat.stats;
    // The server sleeps at least the injected time, so these lower bounds hold on any machine.
    expect(p50).toBeGreaterThanOrEqual(9.5);
    expect(p95).toBeGreaterThanOrEqual(95);
    // The bimodal shape: the median sits with the fast mode, p95 with the slow one.
    expect(p95).toBeGreaterThan(3 * p50);
    expect(p90).toBeLessThanOrEqual(p95);
    expect(p99).toBeGreaterThanOrEqual(p95);
    expect(p999).toBeGreaterThanOrEqual(p99);
    expect(lat.stats.max).toBeGreaterThanOrEqual(p999);
    expect(lat.samples?.length).toBe(5);
    expect(run.byId('api/mix/error_rate').stats.max).toBe(0);
    expect(run.byId('api/all/latency').stats.n).toBe(lat.stats.n);
    // Throughput samples are per-window rates whose total matches the count of latencies.
    const tput = run.byId('api/mix/throughput');
    expect(tput.unit).toBe('req/s');
    const total = (tput.samples ?? []).reduce((a, b) => a + b, 0) * (2000 / 5 / 1000);
    expect(total).toBeCloseTo(lat.stats.n, 0);
  });

  it('splits requests by weight', async () => {
    // The open model fixes the number of requests (600) whatever the machine's speed.
    const run = await runHttp({
      target: srv.url,
      load: { model: 'open', rate: '400/s', duration: '1500ms' },
      requests: [
        { name: 'heavy', path: '/delay?ms=1', weight: 3 },
        { name: 'light', path: '/delay?ms=1&light=1', weight: 1 },
      ],
    });
    const heavy = run.byId('api/heavy/latency').stats.n;
    const light = run.byId('api/light/latency').stats.n;
    expect(heavy + light).toBeGreaterThan(590);
    // 3:1 of 600 picks: 450 +- 11 (one sd); these bounds are over 4 sd away.
    expect(heavy / light).toBeGreaterThan(2.4);
    expect(heavy / light).toBeLessThan(3.75);
  });

  it('logs each user in once, captures ids, and only sends requests whose variables exist', async () => {
    const before = srv.hits.get('/login') ?? 0;
    const run = await runHttp({
      target: srv.url,
      load: { users: 4, duration: '1500ms', 'think-time': '1ms..3ms' },
      setup: [{ name: 'login', method: 'POST', path: '/login', capture: { token: '$.auth.token' } }],
      headers: { 'x-suite': 'perf' },
      requests: [
        {
          name: 'create',
          method: 'POST',
          path: '/items',
          json: { kind: '{{pick a b}}', n: '{{int 1 5}}', seq: '{{seq}}' },
          expect: { status: 201 },
          capture: { id: '$.item.id' },
        },
        {
          name: 'get',
          path: '/items/{{id}}',
          headers: { authorization: 'Bearer {{token}}' },
          weight: 3,
          expect: { status: 200, 'body-contains': '"id"' },
        },
      ],
    });
    expect((srv.hits.get('/login') ?? 0) - before).toBe(4);
    expect(run.byId('api/login/latency').stats.n).toBe(4);
    expect(run.byId('api/get/error_rate').stats.max).toBe(0);
    expect(run.byId('api/create/error_rate').stats.max).toBe(0);
    expect(run.byId('api/get/latency').stats.n).toBeGreaterThan(20);
    const bodies = (srv.bodies.get('/items') ?? []) as { kind: string; n: number; seq: number }[];
    expect(bodies.length).toBeGreaterThan(5);
    for (const b of bodies) {
      expect(['a', 'b']).toContain(b.kind);
      expect(Number.isInteger(b.n) && b.n >= 1 && b.n <= 5).toBe(true);
    }
    expect(new Set(bodies.map((b) => b.seq)).size).toBe(bodies.length);
    expect(run.warnings.filter((w) => /failed/.test(w))).toEqual([]);
  });

  it('turns unmet expectations into failures grouped by reason', async () => {
    const run = await runHttp({
      target: srv.url,
      load: { users: 3, duration: '1s', 'think-time': '2ms' },
      requests: [
        { name: 'ok', path: '/fast' },
        { name: 'server_error', path: '/status/500' },
        { name: 'wrong_status', path: '/fast', expect: { status: 201 } },
        { name: 'slow', path: '/delay?ms=20', expect: { latency: '<5ms' } },
        { name: 'body', path: '/fast', expect: { 'body-contains': 'nope' } },
      ],
    });
    expect(run.byId('api/ok/error_rate').stats.max).toBe(0);
    for (const name of ['server_error', 'wrong_status', 'slow', 'body']) {
      expect(run.byId(`api/${name}/error_rate`).stats.min).toBe(100);
    }
    const all = run.byId('api/all/error_rate').stats.median;
    expect(all).toBeGreaterThan(50);
    expect(all).toBeLessThan(100);
    const text = run.warnings.join('\n');
    expect(text).toMatch(/server_error: \d+ failed \(status 500: \d+\)/);
    expect(text).toMatch(/wrong_status: \d+ failed \(status 200 \(expected 201\): \d+\)/);
    expect(text).toMatch(/slow: \d+ failed \(slower than <5ms: \d+\)/);
    expect(text).toMatch(/body: \d+ failed \(body lacks "nope": \d+\)/);
    expect(text).not.toMatch(/\bok: /);
  });

  it('times asynchronous work to completion: polls the status URL until the JSON path says done', async () => {
    const run = await runHttp({
      target: srv.url,
      workers: 1,
      load: { users: 2, duration: '1500ms' },
      requests: [
        {
          name: 'job',
          method: 'POST',
          path: '/jobs?ms=150',
          capture: { jid: '$.id' },
          until: { path: '/jobs/{{jid}}', json: '$.state', equals: 'done', interval: '20ms', timeout: '10s' },
        },
      ],
    });
    const latency = run.byId('api/job/latency');
    // The server answers the POST at once, but each job only reports done 150 ms later: that is the latency.
    // (The histogram keeps 3 significant digits: 150 ms may read as 149.8.)
    expect(latency.stats.min).toBeGreaterThanOrEqual(150 * 0.995);
    // Without polling it would be the POST alone: a few ms.
    expect(latency.stats.median).toBeGreaterThan(100);
    expect(latency.stats.n).toBeGreaterThan(0);
    expect(run.byId('api/job/error_rate').stats.max).toBe(0);
    // Several polls per job: the status route saw more requests than the jobs route.
    const polls = [...srv.hits.entries()].filter(([route]) => route.startsWith('/jobs/')).map(([, n]) => n);
    expect(polls.length).toBeGreaterThan(0);
    expect(Math.max(...polls)).toBeGreaterThan(1);
  });

  it('fails a job that never completes within its until timeout, naming the last state', async () => {
    const run = await runHttp({
      target: srv.url,
      workers: 1,
      load: { users: 1, duration: '1s' },
      requests: [
        {
          name: 'stuck',
          method: 'POST',
          path: '/jobs?ms=-1',
          capture: { jid: '$.id' },
          until: { path: '/jobs/{{jid}}', json: '$.state', equals: 'done', interval: '20ms', timeout: '200ms' },
        },
      ],
    });
    expect(run.byId('api/stuck/error_rate').stats.min).toBe(100);
    expect(run.warnings.join('\n')).toMatch(
      /stuck: \d+ failed \(until: \$\.state was not done within 200 ms \(last: HTTP 200, \$\.state = running\): \d+\)/,
    );
  });

  it('times asynchronous work to completion by following an event stream (until follow: sse)', async () => {
    const run = await runHttp({
      target: srv.url,
      workers: 1,
      load: { users: 2, duration: '1500ms' },
      requests: [
        {
          name: 'job',
          method: 'POST',
          path: '/jobs?ms=150',
          capture: { jid: '$.id' },
          until: { path: '/jobs/{{jid}}/events', follow: 'sse', json: '$.state', equals: 'done', timeout: '10s' },
        },
      ],
    });
    const latency = run.byId('api/job/latency');
    // Done is only sent 150 ms after the POST: the latency runs to that event, not to the POST's answer.
    expect(latency.stats.min).toBeGreaterThanOrEqual(150 * 0.995);
    expect(latency.stats.n).toBeGreaterThan(0);
    expect(run.byId('api/job/error_rate').stats.max).toBe(0);
    // One stream per job, never a status poll.
    const streams = [...srv.hits.entries()].filter(([route]) => /^\/jobs\/[^/]+\/events$/.test(route));
    expect(streams.length).toBeGreaterThan(0);
    expect(Math.max(...streams.map(([, n]) => n))).toBe(1);
    // (The server's hit counts span the tests: the jobs of this one are those with a stream.)
    expect(streams.map(([route]) => srv.hits.get(route.replace(/\/events$/, '')) ?? 0)).toEqual(streams.map(() => 0));
  });

  it('fails a followed job whose stream ends, or runs past the timeout, before it is done, naming the last state', async () => {
    const run = await runHttp({
      target: srv.url,
      workers: 1,
      load: { users: 1, duration: '1s' },
      requests: [
        {
          name: 'ends',
          method: 'POST',
          path: '/jobs?ms=-1',
          capture: { jid: '$.id' },
          until: { path: '/jobs/{{jid}}/events?end=early', follow: 'sse', json: '$.state', equals: 'done' },
        },
        {
          name: 'slow',
          method: 'POST',
          path: '/jobs?ms=-1',
          capture: { jid: '$.id' },
          until: { path: '/jobs/{{jid}}/events', follow: 'sse', json: '$.state', equals: 'done', timeout: '200ms' },
        },
      ],
    });
    expect(run.byId('api/ends/error_rate').stats.min).toBe(100);
    expect(run.byId('api/slow/error_rate').stats.min).toBe(100);
    const text = run.warnings.join('\n');
    expect(text).toMatch(
      /ends: \d+ failed \(until: the event stream ended before \$\.state was done \(last: \$\.state = running\): \d+\)/,
    );
    expect(text).toMatch(
      /slow: \d+ failed \(until: \$\.state was not done within 200 ms \(last: \$\.state = running\): \d+\)/,
    );
  });

  it('follows stages: more users, more throughput', async () => {
    const run = await runHttp({
      target: srv.url,
      workers: 2,
      load: {
        stages: [
          { duration: 0, target: 2 },
          { duration: '1500ms', target: 2 },
          { duration: 0, target: 8 },
          { duration: '1500ms', target: 8 },
        ],
      },
      requests: [{ name: 'd', path: '/delay?ms=40' }],
    });
    const s = run.byId('api/d/throughput').samples ?? [];
    expect(s).toHaveLength(5);
    // Windows of 600 ms: 0-1 at 2 users, 3-4 at 8 users; each user does at most 25 req/s.
    expect(mean(s.slice(3))).toBeGreaterThan(2.5 * mean(s.slice(0, 2)));
    expect(mean(s.slice(0, 2))).toBeLessThanOrEqual(2 * 25 * 1.05);
  });

  it('streams SSE: ttfb, first event after the server delay, events per second', async () => {
    const run = await runHttp({
      target: srv.url,
      load: { users: 2, duration: '1500ms' },
      requests: [{ name: 'chat', path: '/sse?first=150&events=8&gap=5', stream: 'sse' }],
    });
    const ttfb = run.byId('api/chat/ttfb').stats.median;
    const first = run.byId('api/chat/first_event').stats.median;
    const total = run.byId('api/chat/latency').stats.median;
    expect(first).toBeGreaterThanOrEqual(145);
    expect(ttfb).toBeLessThan(first / 2);
    expect(total).toBeGreaterThan(first);
    const eps = run.byId('api/chat/events_per_s');
    expect(eps.unit).toBe('events/s');
    expect(eps.better).toBe('higher');
    expect(eps.stats.median).toBeGreaterThan(0);
    // 8 events with 5 ms gaps (some written two at a time): far faster than one event per 150 ms.
    expect(eps.stats.median).toBeGreaterThan(1000 / 150);
  });

  it('counts refused connections and timeouts in error_rate instead of crashing', async () => {
    const dead = await freePort();
    const refused = await runHttp({
      target: `http://127.0.0.1:${dead}`,
      load: { users: 2, duration: '1s', 'think-time': '5ms' },
      requests: [{ name: 'down', path: '/' }],
    });
    expect(refused.byId('api/down/error_rate').stats.min).toBe(100);
    expect(refused.warnings.join('\n')).toMatch(/down: \d+ failed \(connection refused: \d+\)/);
    // A target that never answered fails the suite: refusals are not a load test's throughput.
    expect(refused.error).toMatch(
      new RegExp(`http://127\\.0\\.0\\.1:${dead} never answered: all \\d+ requests failed`),
    );
    const timeouts = await runHttp({
      target: srv.url,
      // Three users, and `fine` four times as likely: each user picks it many times in the second.
      load: { users: 3, duration: '1s' },
      requests: [
        { name: 'hang', path: '/hang', timeout: '300ms' },
        { name: 'fine', path: '/fast', weight: 4 },
      ],
    });
    expect(timeouts.byId('api/hang/error_rate').stats.min).toBe(100);
    expect(timeouts.byId('api/fine/error_rate').stats.max).toBe(0);
    expect(timeouts.warnings.join('\n')).toMatch(/hang: \d+ failed \(timeout: \d+\)/);
    // Some requests were answered: the suite stands, with its error rates.
    expect(timeouts.error).toBeUndefined();
  });

  it('stops promptly on abort and keeps what it measured', async () => {
    const controller = new AbortController();
    let aborted = false;
    let furthest = 0;
    const run = await runHttp(
      { target: srv.url, load: { users: 4, duration: '30s' }, requests: [{ name: 'f', path: '/delay?ms=2' }] },
      {
        signal: controller.signal,
        onProgress: (_m, fraction) => {
          if (fraction !== undefined) furthest = Math.max(furthest, fraction);
          if (!aborted && fraction !== undefined && fraction > 0.02) {
            aborted = true;
            controller.abort(new Error('stop'));
          }
        },
      },
    );
    expect(aborted).toBe(true);
    // Judged by the suite's own progress, not a clock: it never got near the end of the 30 s it was given.
    expect(furthest).toBeLessThan(0.5);
    expect(run.byId('api/f/latency').stats.n).toBeGreaterThan(0);
  });
});

describe('open model', () => {
  it('starts requests at the configured rate', async () => {
    const before = srv.hits.get('/delay') ?? 0;
    const run = await runHttp({
      target: srv.url,
      load: { model: 'open', rate: '200/s', duration: '2s' },
      requests: [{ name: 'r', path: '/delay?ms=1' }],
    });
    const sent = (srv.hits.get('/delay') ?? 0) - before;
    // The schedule holds exactly 400 starts; none may be dropped at this rate.
    expect(sent).toBeGreaterThanOrEqual(396);
    expect(sent).toBeLessThanOrEqual(404);
    expect(mean(run.byId('api/r/throughput').samples ?? [])).toBeCloseTo(200, -1);
    expect(run.byId('api/all/dropped').stats.max).toBe(0);
  });

  it("drops starts beyond max-in-flight and counts them; paths go under the target's own path", async () => {
    const before = srv.hits.get('/hang') ?? 0;
    const run = await runHttp({
      target: `${srv.url}/base`,
      load: { model: 'open', rate: '100/s', duration: '1s', 'max-in-flight': 10 },
      requests: [{ name: 'h', path: '/hang', timeout: '2s' }],
    });
    // Every request hangs until its timeout, so after the first 10 every start finds the cap reached.
    expect((srv.hits.get('/hang') ?? 0) - before).toBe(10);
    const dropped = run.byId('api/all/dropped');
    expect(dropped.unit).toBe('count');
    expect((dropped.samples ?? []).reduce((a, b) => a + b, 0)).toBe(90);
    expect(run.warnings.join('\n')).toMatch(/90 scheduled requests were dropped: 10 already in flight/);
    expect(run.byId('api/h/error_rate').stats.min).toBe(100);
  });

  it('measures from the intended start, so a 1 s server stall shows in p99', async () => {
    let stalled = false;
    const run = await runHttp(
      {
        target: srv.url,
        load: { model: 'open', rate: '200/s', duration: '4s' },
        requests: [{ name: 's', path: '/fast' }],
      },
      {
        onProgress: (_m, fraction) => {
          if (!stalled && fraction !== undefined && fraction > 0.2) {
            stalled = true;
            srv.stall(1000);
          }
        },
      },
    );
    expect(stalled).toBe(true);
    const lat = run.byId('api/s/latency').stats;
    // About 200 of 800 starts fall inside the stall and wait for its end: a quarter of the requests are
    // late by 0-1000 ms, so p99 is close to a second while the median stays small.
    expect(lat.p99 ?? 0).toBeGreaterThan(700);
    expect(lat.p90 ?? 0).toBeGreaterThan(100);
    expect(lat.median).toBeLessThan((lat.p99 ?? 0) / 5);
    expect(lat.n).toBeGreaterThan(780);
  });
});
