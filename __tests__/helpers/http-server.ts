// A loopback HTTP server for the http kind's tests, with behaviours whose timing is known: fixed and mixed
// delays, status codes, a login/token flow, SSE streams with a known first-event delay, a hang (for
// timeouts), and a stall of every request during a set period (a GC pause, for coordinated omission).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metric } from '../../src/model/results.ts';
import { httpKind } from '../../suites/http/index.ts';
import { type HttpConfig, httpSchema } from '../../suites/http/schema.ts';

export interface TestServer {
  url: string;
  port: number;
  /** Requests received per route (path without query). */
  hits: Map<string, number>;
  /** Bodies received per route, parsed as JSON when possible. */
  bodies: Map<string, unknown[]>;
  /** From now on, for `ms`, every response is held until the stall ends. */
  stall(ms: number): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startHttpServer(): Promise<TestServer> {
  const hits = new Map<string, number>();
  const bodies = new Map<string, unknown[]>();
  const tokens = new Set<string>();
  let stallUntil = 0;
  let mixCount = 0;
  let nextId = 1;
  const jobs = new Map<string, number>();
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    // A target with a path (http://host/base) must prefix every request path: /base/x is served as /x.
    const route = url.pathname.replace(/^\/base(?=\/)/, '');
    hits.set(route, (hits.get(route) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (text) {
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {}
      bodies.set(route, [...(bodies.get(route) ?? []), parsed]);
    }
    const wait = stallUntil - Date.now();
    if (wait > 0) await sleep(wait);
    const json = (status: number, body: unknown) => {
      const s = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
      res.end(s);
    };
    const ms = Number(url.searchParams.get('ms') ?? 0);
    // Asynchronous jobs: POST /jobs?ms=N starts one that is "done" N ms later (never, with ms=-1); GET
    // /jobs/ID says its state, and is 404 for an unknown id.
    if (route === '/jobs' && req.method === 'POST') {
      const id = `j${nextId++}`;
      jobs.set(id, ms < 0 ? Number.POSITIVE_INFINITY : Date.now() + ms);
      return json(202, { id, state: 'queued' });
    }
    // GET /jobs/ID/events: the job's state as Server-Sent Events, one every 20 ms (with a comment line
    // between, as keep-alives look), "done" last; with ?end=early the stream ends while still running.
    const events = /^\/jobs\/([^/]+)\/events$/.exec(route);
    if (events) {
      const doneAt = jobs.get(events[1] as string);
      if (doneAt === undefined) return json(404, { error: 'no such job' });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const early = url.searchParams.get('end') === 'early';
      for (let i = 0; !res.destroyed; i++) {
        const done = Date.now() >= doneAt;
        res.write(`: tick\n\nevent: state\ndata: {"state":\ndata: "${done ? 'done' : 'running'}"}\n\n`);
        if (done || (early && i >= 2)) break;
        await sleep(20);
      }
      res.end();
      return;
    }
    if (route.startsWith('/jobs/')) {
      const doneAt = jobs.get(route.slice(6));
      if (doneAt === undefined) return json(404, { error: 'no such job' });
      return json(200, { state: Date.now() >= doneAt ? 'done' : 'running' });
    }
    if (route === '/fast') return json(200, { ok: true });
    if (route === '/delay') {
      await sleep(ms);
      return json(200, { ok: true });
    }
    if (route === '/mix') {
      // Exactly one request in ten is slow, so the distribution is known whatever the arrival order.
      const slow = mixCount++ % 10 === 9;
      await sleep(Number(url.searchParams.get(slow ? 'slow' : 'fast') ?? (slow ? 50 : 5)));
      return json(200, { slow });
    }
    if (route.startsWith('/status/')) return json(Number(route.slice(8)), { status: true });
    if (route === '/hang') return; // never answers: the client's timeout decides
    if (route === '/login') {
      const token = `t${nextId++}`;
      tokens.add(token);
      return json(200, { auth: { token } });
    }
    if (route === '/items' && req.method === 'POST') {
      return json(201, { item: { id: `i${nextId++}` }, echo: text ? JSON.parse(text) : null });
    }
    if (route.startsWith('/items/')) {
      const auth = req.headers.authorization ?? '';
      if (!tokens.has(auth.replace(/^Bearer /, ''))) return json(401, { error: 'no token' });
      return json(200, { id: route.slice(7) });
    }
    if (route === '/sse') {
      const first = Number(url.searchParams.get('first') ?? 0);
      const events = Number(url.searchParams.get('events') ?? 5);
      const gap = Number(url.searchParams.get('gap') ?? 5);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.flushHeaders();
      await sleep(first);
      for (let i = 0; i < events; i++) {
        // Two events per write now and then: counting must follow event boundaries, not writes.
        if (i % 3 === 1 && i + 1 < events) {
          res.write(`data: ${i}\n\ndata: ${i + 1}\n\n`);
          i++;
        } else res.write(`data: ${i}\n\n`);
        if (gap > 0) await sleep(gap);
      }
      return res.end();
    }
    json(404, { error: 'not found' });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    bodies,
    stall(ms) {
      stallUntil = Date.now() + ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Runs the http kind directly (as the engine would) and collects what it yields.

export interface HttpRun {
  metrics: Metric[];
  warnings: string[];
  byId: (id: string) => Metric;
  /** Wall time of the whole run, ms. */
  wallMs: number;
  /** The error the suite ended with, after its metrics (the runner then marks it failed). */
  error?: string;
}

export async function runHttp(
  raw: Record<string, unknown>,
  opts: { signal?: AbortSignal; onProgress?: (message: string, fraction?: number) => void } = {},
): Promise<HttpRun> {
  const config: HttpConfig = { name: 'api', kind: 'http', ...httpSchema.parse(raw) };
  const metrics: Metric[] = [];
  const warnings: string[] = [];
  const started = performance.now();
  let error: string | undefined;
  try {
    for await (const m of httpKind.run({
      suite: 'api',
      config: config as never,
      configDir: '.',
      signal: opts.signal ?? new AbortController().signal,
      progress: (message, fraction) => opts.onProgress?.(message, fraction),
      warn: (w) => warnings.push(w),
      env: process.env,
    })) {
      metrics.push(m);
    }
  } catch (err) {
    // The runner marks the suite failed with this error and keeps what was yielded before it.
    error = (err as Error).message;
  }
  const byId = (id: string) => {
    const m = metrics.find((x) => x.id === id);
    if (!m) throw new Error(`no metric ${id}; have ${metrics.map((x) => x.id).join(', ')}`);
    return m;
  };
  return { metrics, warnings, byId, wallMs: performance.now() - started, ...(error ? { error } : {}) };
}
