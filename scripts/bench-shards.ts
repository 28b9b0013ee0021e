// npm run bench:shards - one http load run on one runner, and the same load split over two legs
// (`load.shards: 2`, two CLI processes from one --start-at, then `merge`), against one loopback server with
// known latencies (90% ~2 ms, 10% ~20 ms), alternated ROUNDS times so drift hits both. Prints requests,
// throughput and percentiles of each, the merged/single ratios, and checks that the merged p95 is the p95 of
// one histogram of both legs' requests (exact, not an average of the legs' percentiles).
//
// Both layouts run on this one machine, so the split is not faster here: the point is that merging loses
// nothing (same request count per second of load, same latency shape) and is exact.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseResults, type ResultsDocument } from '../src/model/results.ts';
import { decodeHistogram, newHistogram } from '../suites/http/recorder.ts';
import type { HttpShardData } from '../suites/http/shards.ts';

const ROUNDS = Number(process.env.BENCH_SHARDS_ROUNDS ?? 2);
const SECONDS = Number(process.env.BENCH_SHARDS_SECONDS ?? 4);
const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/cli.js');

const SERVER = `
const http = require('node:http');
let n = 0;
const server = http.createServer((req, res) => {
  const slow = n++ % 10 === 9;
  setTimeout(() => res.end('{"ok":true}'), slow ? 20 : 2);
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

function config(shards: number, workers: number): string {
  return `version: 1
id: bench-shards
suites:
  - name: api
    kind: http
    target: \${BENCH_TARGET}
    workers: ${workers}
    window: 500ms
    load: { users: 16, duration: ${SECONDS}s, warmup: 500ms${shards > 1 ? `, shards: ${shards}` : ''} }
    requests:
      - { name: get, path: /x }
`;
}

async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (d) => resolve(String(d).trim()));
    child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

function cliRun(args: string[], cwd: string, target: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', BENCH_TARGET: target },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => {
      if (code !== 0) process.stderr.write(`perf-action ${args.join(' ')} exited ${code}:\n${err.slice(-2000)}\n`);
      resolve(code);
    });
  });
}

interface Row {
  requests: number;
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
}

function row(doc: ResultsDocument): Row {
  const by = (id: string) => doc.suites[0]?.metrics.find((m) => m.id === id);
  const lat = by('api/get/latency');
  return {
    requests: lat?.stats.n ?? 0,
    throughput: by('api/get/throughput')?.stats.median ?? 0,
    p50: lat?.stats.p50 ?? 0,
    p95: lat?.stats.p95 ?? 0,
    p99: lat?.stats.p99 ?? 0,
  };
}

const work = mkdtempSync(path.join(tmpdir(), 'bench-shards-'));
const server = await startServer();
try {
  writeFileSync(path.join(work, 'single.yml'), config(1, 2));
  writeFileSync(path.join(work, 'split.yml'), config(2, 1));
  const singles: Row[] = [];
  const merged: Row[] = [];
  let exact = true;
  for (let round = 1; round <= ROUNDS; round++) {
    await cliRun(['run', '--config', 'single.yml', '--out', 'single.json'], work, server.url);
    singles.push(row(parseResults(readFileSync(path.join(work, 'single.json'), 'utf8'), 'single.json')));
    const startAt = String(Date.now() + 4000);
    await Promise.all(
      [1, 2].map((i) =>
        cliRun(
          ['run', '--config', 'split.yml', '--shard', `${i}/2`, '--start-at', startAt, '--out', `leg${i}.json`],
          work,
          server.url,
        ),
      ),
    );
    await cliRun(
      ['merge', 'leg1.json', 'leg2.json', '--config', 'split.yml', '--out', 'merged.json'],
      work,
      server.url,
    );
    const doc = parseResults(readFileSync(path.join(work, 'merged.json'), 'utf8'), 'merged.json');
    merged.push(row(doc));
    // The reference: both legs' full histograms added into one.
    const all = newHistogram(3);
    for (const f of ['leg1.json', 'leg2.json']) {
      const leg = parseResults(readFileSync(path.join(work, f), 'utf8'), f);
      const data = leg.suites[0]?.shard?.data as HttpShardData;
      for (const w of data.results) all.add(decodeHistogram(w.requests[0]?.latency.full as string));
    }
    exact &&= all.getValueAtPercentile(95) / 1000 === row(doc).p95 && all.totalCount === row(doc).requests;
  }
  const mean = (rows: Row[], k: keyof Row) => rows.reduce((a, r) => a + r[k], 0) / rows.length;
  console.log(`http load, 16 users, ${SECONDS} s measured, ${ROUNDS} rounds alternated; server 90% ~2 ms, 10% ~20 ms`);
  console.log('                  requests   req/s    p50 ms   p95 ms   p99 ms');
  for (const [name, rows] of [
    ['one runner (2 thr)', singles],
    ['2 legs merged', merged],
  ] as const) {
    console.log(
      `${name.padEnd(18)}${mean(rows, 'requests').toFixed(0).padStart(8)}${mean(rows, 'throughput').toFixed(0).padStart(8)}` +
        `${mean(rows, 'p50').toFixed(2).padStart(10)}${mean(rows, 'p95').toFixed(2).padStart(9)}${mean(rows, 'p99').toFixed(2).padStart(9)}`,
    );
  }
  const ratio = (k: keyof Row) => (mean(merged, k) / mean(singles, k)).toFixed(2);
  console.log(
    `merged/single:    requests ${ratio('requests')}x  req/s ${ratio('throughput')}x  p50 ${ratio('p50')}x  p95 ${ratio('p95')}x  p99 ${ratio('p99')}x`,
  );
  console.log(`merged p95 and count equal those of one histogram of both legs' requests: ${exact ? 'yes' : 'NO'}`);
  if (!exact) process.exitCode = 1;
} finally {
  server.child.kill();
  rmSync(work, { recursive: true, force: true });
}
