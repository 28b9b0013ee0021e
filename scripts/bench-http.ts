// npm run bench:http - perf-action's http kind side by side with wrk and Locust against one trivial
// loopback server (a separate process, so the generators do not starve it), in one run:
//
//   throughput:  closed model, equal connections, no think time; wrk and perf-action alternated
//                (ROUNDS times each) so drift hits both, plus Locust (HttpUser and FastHttpUser) if installed;
//                req/s and ratios (targets: >= 0.9x wrk, >= 10x Locust)
//   stall:       open model at 200 req/s while the server freezes its event loop for 1 s once: the reported
//                p99 against what a correct (intended-start) model predicts, and what a closed model reports
//
// BENCH_HTTP_SECONDS (default 5) sets each throughput run's length; BENCH_HTTP_CONNECTIONS (default 50).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Metric } from '../src/model/results.ts';
import { median } from '../src/stats/quantile.ts';
import { httpKind } from '../suites/http/index.ts';
import { HTTP_CONNECTIONS as CONNECTIONS, HTTP_SECONDS as SECONDS, startServer, wrk } from './bench-server.ts';

const ROUNDS = 2;

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits });

async function runKind(
  raw: Record<string, unknown>,
  onProgress?: (fraction: number) => void,
): Promise<{ metrics: Map<string, Metric>; warnings: string[] }> {
  const config = { ...httpKind.schema.parse(raw), name: 'bench', kind: 'http' };
  const metrics = new Map<string, Metric>();
  const warnings: string[] = [];
  for await (const m of httpKind.run({
    suite: 'bench',
    config: config as never,
    configDir: process.cwd(),
    signal: new AbortController().signal,
    progress: (_m, f) => {
      if (f !== undefined) onProgress?.(f);
    },
    warn: (w) => warnings.push(w),
    env: process.env,
  })) {
    metrics.set(m.name, m);
  }
  return { metrics, warnings };
}

/** Total requests over the measured time: the mean of the per-window rates. */
function reqPerS(m: Map<string, Metric>): number {
  const t = m.get('all/throughput');
  return t ? t.stats.mean : 0;
}

function locust(url: string, userClass: 'HttpUser' | 'FastHttpUser'): number | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-locust-'));
  const file = path.join(dir, 'locustfile.py');
  const module = userClass === 'FastHttpUser' ? 'locust.contrib.fasthttp' : 'locust';
  writeFileSync(
    file,
    `from locust import task, constant\nfrom ${module} import ${userClass}\n\n` +
      `class Bench(${userClass}):\n    wait_time = constant(0)\n\n    @task\n    def root(self):\n        self.client.get("/")\n`,
  );
  const prefix = path.join(dir, 'out');
  const r = spawnSync(
    'locust',
    [
      '-f',
      file,
      '--headless',
      '--host',
      url,
      '-u',
      String(CONNECTIONS),
      '-r',
      String(CONNECTIONS),
      '-t',
      `${SECONDS}s`,
      '--csv',
      prefix,
      '--only-summary',
    ],
    { encoding: 'utf8', timeout: (SECONDS + 60) * 1000 },
  );
  if (r.error) return undefined;
  try {
    const rows = readFileSync(`${prefix}_stats.csv`, 'utf8').trim().split('\n');
    const header = (rows[0] ?? '').split(',');
    const agg = rows.find((l) => l.includes('Aggregated'))?.split(',');
    const col = header.indexOf('Requests/s');
    return agg && col >= 0 ? Number(agg[col]) : undefined;
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function throughput(url: string) {
  console.log(`\n== throughput: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} alternated rounds ==`);
  const wrkRuns: number[] = [];
  const oneThread: number[] = [];
  const allThreads: number[] = [];
  const base = { target: url, requests: [{ name: 'root', path: '/' }] };
  // perf-action runs on V8: its first second (JIT, connection setup) is excluded as a warm-up, and the
  // server is warmed up by a short wrk run first, so both tools measure a warm server.
  const closed = { users: CONNECTIONS, duration: `${SECONDS}s`, warmup: '1s' };
  wrk(url, 2);
  for (let r = 0; r < ROUNDS; r++) {
    const w = wrk(url);
    if (w !== undefined) wrkRuns.push(w);
    const one = await runKind({ ...base, workers: 1, load: closed });
    oneThread.push(reqPerS(one.metrics));
    const all = await runKind({ ...base, load: closed });
    allThreads.push(reqPerS(all.metrics));
    for (const w of [...one.warnings, ...all.warnings]) console.log(`  (warning: ${w})`);
  }
  const locustSlow = locust(url, 'HttpUser');
  const locustFast = locust(url, 'FastHttpUser');
  const pa1 = median(oneThread);
  const paN = median(allThreads);
  const row = (name: string, v: number | undefined, note = '') =>
    console.log(`  ${name.padEnd(36)} ${v === undefined ? 'n/a'.padStart(10) : fmt(v).padStart(10)} req/s ${note}`);
  const wrkMedian = wrkRuns.length > 0 ? median(wrkRuns) : undefined;
  row('wrk -t1', wrkMedian, wrkRuns.length ? `(runs: ${wrkRuns.map((x) => fmt(x)).join(', ')})` : '(wrk not found)');
  row('perf-action http, 1 worker thread', pa1, `(runs: ${oneThread.map((x) => fmt(x)).join(', ')})`);
  row('perf-action http, default threads', paN, `(runs: ${allThreads.map((x) => fmt(x)).join(', ')})`);
  row('Locust HttpUser (1 process)', locustSlow, locustSlow === undefined ? '(locust not installed)' : '');
  row('Locust FastHttpUser (1 process)', locustFast);
  const best = Math.max(pa1, paN);
  if (wrkMedian)
    console.log(`  ratio perf-action / wrk:             ${(best / wrkMedian).toFixed(2)}x  (target >= 0.9x)`);
  if (locustSlow)
    console.log(`  ratio perf-action / Locust HttpUser: ${(best / locustSlow).toFixed(1)}x  (target >= 10x)`);
  if (locustFast) console.log(`  ratio perf-action / Locust FastHttp: ${(best / locustFast).toFixed(1)}x`);
}

async function stall(url: string) {
  const rate = 200;
  const seconds = 6;
  const stallMs = 1000;
  console.log(`\n== stall: the server freezes ${stallMs} ms once during ${seconds} s ==`);
  const trigger = (at: number) => {
    let fired = false;
    return (f: number) => {
      if (fired || f < at) return;
      fired = true;
      void fetch(`${url}/__stall?ms=${stallMs}`).then((r) => r.text());
    };
  };
  const open = await runKind(
    { target: url, load: { model: 'open', rate: `${rate}/s`, duration: `${seconds}s` }, requests: [{ name: 'root' }] },
    trigger(0.3),
  );
  const closed = await runKind(
    { target: url, load: { users: 10, duration: `${seconds}s` }, requests: [{ name: 'root' }] },
    trigger(0.3),
  );
  const ol = open.metrics.get('root/latency')?.stats;
  const cl = closed.metrics.get('root/latency')?.stats;
  // Arrivals inside the stall (rate x stall of them) wait for its end: latencies spread evenly over
  // 0..stall. Among N = rate x seconds requests the top (1-q) N are all in the stall, so
  // quantile q = stall - (1-q) x seconds (when positive).
  const predict = (q: number) => Math.max(0, stallMs - (1 - q) * seconds * 1000);
  const line = (label: string, s: typeof ol) =>
    console.log(
      `  ${label.padEnd(34)} p50 ${fmt(s?.p50 ?? Number.NaN, 1).padStart(7)} ms   p90 ${fmt(s?.p90 ?? Number.NaN, 1).padStart(7)} ms   ` +
        `p99 ${fmt(s?.p99 ?? Number.NaN, 1).padStart(7)} ms   max ${fmt(s?.max ?? Number.NaN, 1).padStart(7)} ms   n ${fmt(s?.n ?? 0)}`,
    );
  console.log(
    `  correct model (intended start)     p50 ~base        p90 ${fmt(predict(0.9)).padStart(7)} ms   p99 ${fmt(predict(0.99)).padStart(7)} ms   max ~${stallMs} ms`,
  );
  line(`perf-action open ${rate}/s`, ol);
  line('perf-action closed, 10 users', cl);
  const late = open.metrics.get('all/late')?.stats;
  console.log(
    `  open model late starts: ${fmt((late?.mean ?? 0) * (late?.n ?? 0))}, dropped: ${fmt((open.metrics.get('all/dropped')?.stats.mean ?? 0) * (open.metrics.get('all/dropped')?.stats.n ?? 0))}`,
  );
  if (ol?.p99 !== undefined) {
    console.log(`  open p99 / predicted p99: ${(ol.p99 / predict(0.99)).toFixed(2)}  (1.00 = no coordinated omission)`);
  }
}

const server = await startServer();
try {
  console.log(
    `bench server ${server.url} (separate process); machine: ${spawnSync('nproc').stdout?.toString().trim()} cores`,
  );
  await throughput(server.url);
  await stall(server.url);
} finally {
  server.child.kill();
}
