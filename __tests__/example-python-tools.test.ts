// examples/python-tools end to end with the CLI bundle: pytest-benchmark and Locust run as `command` suites,
// their output is ingested, and the criteria gate it. Needs Debian's pytest-3 and locust (.ci/run installs them).

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResults } from '../src/model/results.ts';
import { parseVerdict } from '../src/model/verdict.ts';
import { HANG_GUARD_MS } from './helpers/tier.ts';

const root = path.resolve(import.meta.dirname, '..');
let work: string;

beforeAll(() => {
  for (const tool of ['pytest-3', 'locust']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
    if (!found) throw new Error(`${tool} is missing: apt-get install -y python3-pytest-benchmark python3-locust`);
  }
  // A copy, so the run's .perf/ output never lands in the repository and parallel runs cannot collide.
  work = mkdtempSync(path.join(tmpdir(), 'perf-pytools-'));
  cpSync(path.join(root, 'examples/python-tools'), work, {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}.perf`),
  });
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('examples/python-tools', () => {
  it('ingests pytest-benchmark and Locust results with samples and directions, and checks every criterion', () => {
    const r = spawnSync(
      process.execPath,
      [path.join(root, 'dist/cli.js'), 'run', '--config', 'perf.yml', '--out', 'out.json', '--json', 'v.json'],
      { cwd: work, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: HANG_GUARD_MS },
    );
    expect(r.stderr).toMatch(/✔ pytest: 5 metrics/);
    expect([0, 1]).toContain(r.status);
    expect(r.stderr).not.toContain(work); // warnings name files as the config does, not by absolute path

    const doc = parseResults(readFileSync(path.join(work, 'out.json'), 'utf8'), 'out.json');
    const metrics = new Map(doc.suites.flatMap((s) => s.metrics).map((m) => [m.id, m]));
    const plan = metrics.get('pytest/test_plan[nodes=1000]');
    expect(plan?.unit).toBe('ms');
    expect(plan?.better).toBe('lower');
    expect(plan?.params).toEqual({ nodes: 1000 });
    expect(plan?.samples?.length).toBeGreaterThan(10); // pytest's rounds, kept with --benchmark-save-data

    for (const name of ['create_workflow', 'status', 'all']) {
      const throughput = metrics.get(`locust/${name}/throughput`);
      expect(throughput?.better).toBe('higher');
      expect(throughput?.unit).toBe('req/s');
      expect(throughput?.stats.median).toBeGreaterThan(0);
      // One sample per second of Locust's history: enough for the gate to compare runs.
      expect(throughput?.samples?.length).toBeGreaterThanOrEqual(10);
      expect(metrics.get(`locust/${name}/latency`)?.better).toBe('lower');
      expect(metrics.get(`locust/${name}/error_rate`)?.unit).toBe('%');
    }
    // Weights 3:1 in the locustfile: create_workflow gets about three times the status requests.
    const ratio =
      (metrics.get('locust/create_workflow/throughput')?.stats.mean ?? 0) /
      (metrics.get('locust/status/throughput')?.stats.mean ?? 1);
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(4.5);

    const verdict = parseVerdict(readFileSync(path.join(work, 'v.json'), 'utf8'), 'v.json');
    expect(verdict.criteria).toHaveLength(4);
    expect(verdict.criteria.map((c) => c.status)).not.toContain('missing');
    expect(verdict.status).toBe(verdict.criteria.every((c) => c.status === 'pass') ? 'pass' : 'fail');
  });
});
