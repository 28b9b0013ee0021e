// Loading a config (what `perf-action validate` does) must stay light: a suite kind's index.ts imports its
// schema, and its run and worker code - with the network clients - load only when a suite of that kind runs.
// Checked in a child process whose module loader records every module it resolves (fixtures/lazy-suites).

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANG_GUARD_MS } from './helpers/tier.ts';

const root = path.resolve(import.meta.dirname, '..');
const probe = path.join(root, '__tests__/fixtures/lazy-suites/probe.ts');
const quickstart = path.join(root, 'examples/quickstart/perf.yml');
// hdr-histogram-js: http's shard merger, loaded by a merge only.
const HEAVY = ['undici', 'ioredis', 'amqplib', 'hdr-histogram-js'];

/** The npm packages loaded by loading `config` with the built-in kinds, then importing `extra`. */
function loadedPackages(config: string, extra: string[] = []): { suites: string[]; packages: string[] } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', probe, config, ...extra], {
    cwd: root,
    encoding: 'utf8',
    timeout: HANG_GUARD_MS,
  });
  if (r.status !== 0) throw new Error(`probe exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
}

describe('suite kinds load their runtime lazily', () => {
  it('loads the quickstart config without the network clients', () => {
    const { suites, packages } = loadedPackages(quickstart);
    expect(suites).toEqual(['graph']);
    // The recording itself works: the schemas' zod and the config's yaml were loaded.
    expect(packages).toEqual(expect.arrayContaining(['zod', 'yaml']));
    expect(packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('sees the clients once the runtime and worker code is imported (the probe can fail)', () => {
    const extra = ['suites/http/worker.ts', 'suites/redis-streams/runtime.ts', 'suites/amqp/runtime.ts'];
    const { packages } = loadedPackages(
      quickstart,
      extra.map((f) => path.join(root, f)),
    );
    expect(packages).toEqual(expect.arrayContaining(HEAVY));
  });
});
