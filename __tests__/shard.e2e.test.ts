// End-to-end: a sharded run as a GitHub Actions matrix would run it, with the built CLI bundle. Two legs run
// as separate processes at once against one loopback server, splitting one http load and taking one whole
// suite each; merge joins them. The merged latency percentiles must be those of one histogram of every
// request of both legs, and a missing leg must fail the gate by name.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResults, type ResultsDocument } from '../src/model/results.ts';
import { parseVerdict } from '../src/model/verdict.ts';
import { decodeHistogram, newHistogram } from '../suites/http/recorder.ts';
import type { HttpShardData } from '../suites/http/shards.ts';
import { startHttpServer, type TestServer } from './helpers/http-server.ts';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/cli.js');
const config = path.join(root, '__tests__/fixtures/shard/perf.yml');
let work: string;
let srv: TestServer;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking this process, which serves the legs' requests. */
function cliAsync(args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: work,
      env: { ...process.env, NO_COLOR: '1', SHARD_TARGET: srv.url },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const read = (file: string): ResultsDocument => parseResults(readFileSync(path.join(work, file), 'utf8'), file);

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  work = mkdtempSync(path.join(tmpdir(), 'perf-shard-'));
  srv = await startHttpServer();
});

afterAll(async () => {
  await srv?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a run sharded over two legs', () => {
  let legs: Ran[];

  beforeAll(async () => {
    // Far enough ahead for both processes to load on a busy machine; a late leg is an error, not a skew.
    const startAt = String(Date.now() + 8000);
    legs = await Promise.all(
      [1, 2].map((i) =>
        cliAsync(['run', '--config', config, '--shard', `${i}/2`, '--start-at', startAt, '--out', `leg${i}.json`]),
      ),
    );
  });

  it("runs each leg's own suites and its part of the split load", () => {
    for (const [i, r] of legs.entries()) expect(r.code, `leg ${i + 1}: ${r.stderr}`).toBe(0);
    expect(legs[0]?.stdout).toMatch(/leg 1\/2: api \(part 1\/2\), one, \d+ metrics/);
    expect(legs[1]?.stdout).toMatch(/leg 2\/2: api \(part 2\/2\), two, \d+ metrics/);
    const [l1, l2] = [read('leg1.json'), read('leg2.json')];
    expect(l1.shard).toEqual({ index: 1, count: 2 });
    expect(l1.suites.map((s) => s.name)).toEqual(['api', 'one']);
    expect(l2.suites.map((s) => s.name)).toEqual(['api', 'two']);
    // Each leg ran one of the two load threads (workers: 1), numbered among all legs' threads.
    const data = [l1, l2].map((d) => d.suites[0]?.shard?.data as HttpShardData);
    expect(data.map((d) => [d.first, d.workers, d.total])).toEqual([
      [0, 1, 2],
      [1, 1, 2],
    ]);
  });

  it('merges the legs: percentiles of one histogram of all requests, throughput summed', async () => {
    const merged = await cliAsync([
      'merge',
      'leg1.json',
      'leg2.json',
      '--config',
      config,
      '--out',
      'merged.json',
      '--json',
      'v.json',
    ]);
    expect(merged.code, merged.stderr + merged.stdout).toBe(0);
    expect(merged.stderr).toMatch(/merged 2 of 2 legs: 3 suites/);
    const doc = read('merged.json');
    expect(doc.shard).toBeUndefined();
    expect(doc.suites.map((s) => s.name)).toEqual(['api', 'one', 'two']);

    // The reference: every leg's full latency histogram added into one.
    const legsDocs = [read('leg1.json'), read('leg2.json')];
    const all = newHistogram(3);
    for (const d of legsDocs) {
      const data = d.suites[0]?.shard?.data as HttpShardData;
      for (const w of data.results) all.add(decodeHistogram(w.requests[0]?.latency.full as string));
    }
    const latency = doc.suites[0]?.metrics.find((m) => m.id === 'api/mix/latency');
    expect(latency).toBeDefined();
    expect(all.totalCount).toBeGreaterThan(0);
    expect(latency?.stats.n).toBe(all.totalCount);
    for (const [stat, p] of [
      ['p50', 50],
      ['p95', 95],
      ['p99', 99],
    ] as const) {
      expect(latency?.stats[stat], stat).toBe(all.getValueAtPercentile(p) / 1000);
    }
    // Each leg's own latency count is part of the whole, not all of it.
    const legCounts = legsDocs.map((d) => d.suites[0]?.metrics.find((m) => m.id === 'api/mix/latency')?.stats.n ?? 0);
    expect((legCounts[0] ?? 0) + (legCounts[1] ?? 0)).toBe(all.totalCount);
    expect(Math.min(...legCounts)).toBeGreaterThan(0);

    // Throughput: the legs' windows add up, window by window.
    const tput = (d: ResultsDocument) => d.suites[0]?.metrics.find((m) => m.id === 'api/mix/throughput')?.samples ?? [];
    const [t1, t2] = legsDocs.map(tput);
    const sum = tput(doc);
    expect(sum).toHaveLength(t1?.length ?? -1);
    for (const [i, v] of sum.entries()) expect(v).toBeCloseTo((t1?.[i] ?? 0) + (t2?.[i] ?? 0), 6);

    // One verdict over both legs: the criterion on leg 2's suite is met, not missing.
    const verdict = parseVerdict(readFileSync(path.join(work, 'v.json'), 'utf8'), 'v.json');
    expect(verdict.status).toBe('pass');
    expect(verdict.criteria.map((c) => c.status)).toEqual(['pass', 'pass']);
  });

  it('fails the gate when a leg is missing, naming the leg and what it was to run', async () => {
    const r = await cliAsync(['merge', 'leg1.json', '--config', config, '--json', 'missing.json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/leg-2-of-2/);
    expect(r.stdout).toMatch(/leg 2\/2 sent no results.*it was to run api, two/);
    const verdict = parseVerdict(readFileSync(path.join(work, 'missing.json'), 'utf8'), 'missing.json');
    expect(verdict.status).toBe('fail');
  });

  it('refuses to judge a single leg and to merge a leg twice', async () => {
    const judged = await cliAsync([
      'run',
      '--config',
      config,
      '--shard',
      '1/2',
      '--out',
      'x.json',
      '--baseline',
      'leg2.json',
    ]);
    expect(judged.code).toBe(2);
    expect(judged.stderr).toMatch(/move --baseline to the merge command/);
    const twice = await cliAsync(['merge', 'leg1.json', 'leg1.json']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/leg1.json and leg1.json are both leg 1\/2/);
  });
});
