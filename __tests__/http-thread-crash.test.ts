// A load thread that dies mid-run must not take the other threads' measurements with it: the suite fails
// with an error that names the death, and keeps the metrics of the surviving thread. The death is an
// uncaught error thrown in the thread (the test-only PERF_ACTION_TEST_HTTP_THREAD_CRASH). And a value that
// cannot go into a request (an id with a lone UTF-16 surrogate cannot be URI-encoded) fails that request
// with its reason instead of killing the thread, as it once did.

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoadedConfig, parseConfigText, suiteKinds } from '../src/index.ts';
import { silentProgress } from '../src/runner/progress.ts';
import { runSuites } from '../src/runner/run.ts';
import { describeThreadDeaths } from '../suites/http/runtime.ts';

/** `{"id":"\ud800"}`: valid JSON, but the string it gives cannot be URI-encoded. */
const BAD_ID = '{"id":"\\ud800"}';

interface CrashServer {
  url: string;
  /** Sockets (so threads: one connection each) that were handed the bad id. */
  doomed: Set<Socket>;
  close(): Promise<void>;
}

/**
 * `/id` answers a fresh id; from `armMs` after the first request on, it answers the bad id to the first
 * connection that asks, and always to that one, so a re-fetch cannot heal its thread.
 */
async function startCrashServer(armMs: number): Promise<CrashServer> {
  const doomed = new Set<Socket>();
  let first = 0;
  let n = 0;
  const server = http.createServer((req, res) => {
    first ||= Date.now();
    const route = new URL(req.url ?? '/', 'http://x').pathname;
    let body = '{}';
    if (route === '/id') {
      const armed = Date.now() - first >= armMs;
      if (armed && doomed.size === 0) doomed.add(req.socket);
      body = doomed.has(req.socket) ? BAD_ID : JSON.stringify({ id: `i${n++}` });
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    doomed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let srv: CrashServer | undefined;

afterEach(async () => {
  await srv?.close();
  srv = undefined;
  delete process.env.PERF_ACTION_TEST_HTTP_THREAD_CRASH;
});

/** One http suite with a user per thread (so a connection per thread), run through the engine. */
async function runSuite(target: string, threads: number) {
  const text = `version: 1
suites:
  - name: api
    kind: http
    target: ${target}
    workers: ${threads}
    timeout: 20s
    load: { users: ${threads}, duration: 2s, think-time: 2ms..4ms }
    requests:
      - { name: fetch, path: /id, capture: { id: "$.id" } }
      - { name: use, path: /use, query: { id: "{{id}}" }, weight: 3 }
`;
  const file = path.resolve('perf.yml');
  const loaded: LoadedConfig = {
    kinds: suiteKinds,
    file,
    dir: path.dirname(file),
    id: 'crash',
    config: parseConfigText(text, file),
  };
  const warnings: string[] = [];
  const progress = { ...silentProgress, warn: (w: string) => void warnings.push(w) };
  const { results } = await runSuites(loaded, { env: process.env, progress });
  const suite = results.suites.find((s) => s.name === 'api');
  if (!suite) throw new Error('no api suite in the results');
  return { ...suite, warnings };
}

describe('a load thread dying mid-run', () => {
  it('fails the suite, names the death, and keeps the surviving thread’s metrics', async () => {
    srv = await startCrashServer(Number.POSITIVE_INFINITY);
    process.env.PERF_ACTION_TEST_HTTP_THREAD_CRASH = '1:600';
    const suite = await runSuite(srv.url, 2);
    expect(suite.ok).toBe(false);
    expect(suite.error).toMatch(/^1 of 2 load threads died mid-run \(thread 2: test-only crash of thread 1 /);
    expect(suite.error).toMatch(/the metrics cover only the surviving thread\b/);
    const byId = new Map(suite.metrics.map((m) => [m.id, m]));
    expect(byId.get('api/all/latency')?.stats.n).toBeGreaterThan(0);
    expect(byId.get('api/use/latency')?.stats.p99).toBeGreaterThan(0);
    expect(byId.get('api/fetch/latency')?.stats.n).toBeGreaterThan(0);
    expect(byId.get('api/all/throughput')?.unit).toBe('req/s');
    expect(byId.get('api/all/error_rate')?.stats.max).toBe(0);
  });

  it('fails with the thread’s own error and no metrics when every thread dies', async () => {
    // A single thread: with two, the first death stops the other, which then survives by design.
    srv = await startCrashServer(Number.POSITIVE_INFINITY);
    process.env.PERF_ACTION_TEST_HTTP_THREAD_CRASH = '0:300';
    const suite = await runSuite(srv.url, 1);
    expect(suite.ok).toBe(false);
    expect(suite.error).toMatch(/^test-only crash of thread 0 /);
    expect(suite.metrics).toEqual([]);
  });

  it('a captured value that cannot be URI-encoded fails its requests with the reason, and no thread dies', async () => {
    srv = await startCrashServer(600);
    const suite = await runSuite(srv.url, 2);
    expect(srv.doomed.size).toBe(1);
    expect(suite.ok).toBe(true);
    const byId = new Map(suite.metrics.map((m) => [m.id, m]));
    // The doomed connection's thread keeps going: its `use` requests fail, its `fetch` requests still succeed.
    expect(byId.get('api/use/error_rate')?.stats.max).toBeGreaterThan(0);
    expect(byId.get('api/fetch/error_rate')?.stats.max).toBe(0);
    expect(byId.get('api/all/latency')?.stats.n).toBeGreaterThan(0);
    expect(suite.warnings.join('\n')).toMatch(/request could not be built: URI malformed/);
  });

  it('says how many threads died, why, and what the metrics cover', () => {
    const deaths = [
      { thread: 0, error: new Error('an http worker thread exited with code 1') },
      { thread: 2, error: new RangeError('Maximum call stack size exceeded') },
    ];
    expect(describeThreadDeaths(deaths, 4)).toBe(
      '2 of 4 load threads died mid-run (thread 1: an http worker thread exited with code 1; thread 3: ' +
        'RangeError: Maximum call stack size exceeded); the metrics cover only the 2 surviving threads, stopped ' +
        'when the first thread died',
    );
  });
});
