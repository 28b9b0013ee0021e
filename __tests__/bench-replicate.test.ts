// Bench replicates start from their own lean entry (suites/bench/replicate-main.ts, bundled as
// dist/bench-replicate.js), not from the whole CLI or action; a benchmark file that imports more of the API
// than that entry offers runs in the whole bundle instead.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.ts';
import { parseResults } from '../src/model/results.ts';
import { benchKind } from '../suites/bench/index.ts';
import { leanBenchApi } from '../suites/bench/replicate-api.ts';
import { scratchDir } from './helpers/scratch.ts';
import { runKindDirect } from './helpers/suite-run.ts';

const root = path.resolve(import.meta.dirname, '..');
const fixtures = path.join(root, '__tests__/fixtures/replicate-entry');
const tiny = { replicates: 2, time: 5, warmup: 1, reference: false };

function logLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

/** Runs the bench kind from sources with REPLICATE_ENTRY_LOG set (the replicates inherit process.env). */
async function runFromSources(file: string, log: string) {
  const before = process.env.REPLICATE_ENTRY_LOG;
  process.env.REPLICATE_ENTRY_LOG = log;
  try {
    return await runKindDirect(benchKind, 'probe', { ...tiny, file: path.join(fixtures, file) });
  } finally {
    if (before === undefined) delete process.env.REPLICATE_ENTRY_LOG;
    else process.env.REPLICATE_ENTRY_LOG = before;
  }
}

describe('bench replicate entry', () => {
  it('offers benchmark files the same functions the library exports under each name', () => {
    const full = api as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(leanBenchApi)) {
      expect(Object.hasOwn(full, name), name).toBe(true);
      expect(value, name).toBe(full[name]);
    }
  });

  it('starts replicates from the lean entry when run from sources', async () => {
    const log = path.join(scratchDir('replicate-entry'), 'log');
    const out = await runFromSources('lean.bench.ts', log);
    expect(out.metrics.get('count')?.samples).toHaveLength(2);
    expect(logLines(log)).toEqual(['replicate-main.ts', 'replicate-main.ts']);
  });

  it('runs a file that imports a name the lean entry lacks in the whole entry, every replicate', async () => {
    const log = path.join(scratchDir('replicate-entry'), 'log');
    const out = await runFromSources('full.bench.ts', log);
    expect(out.metrics.get('noop')?.samples).toHaveLength(2);
    // The lean attempt fails while linking, before the file runs, so only the whole entry's loads are logged.
    expect(logLines(log)).toEqual(['main.ts function', 'main.ts function']);
  });

  it('starts dist/bench-replicate.js from the bundled CLI, and dist/cli.js for a file that needs more', () => {
    const cli = path.join(root, 'dist/cli.js');
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const work = scratchDir('replicate-entry');
    const log = path.join(work, 'log');
    const r = spawnSync(
      process.execPath,
      [cli, 'run', '--config', path.join(fixtures, 'perf.yml'), '--out', 'out.json'],
      { cwd: work, env: { ...process.env, NO_COLOR: '1', REPLICATE_ENTRY_LOG: log }, encoding: 'utf8' },
    );
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    const doc = parseResults(readFileSync(path.join(work, 'out.json'), 'utf8'), 'out.json');
    expect(doc.suites.map((s) => [s.name, s.metrics.map((m) => m.samples?.length)])).toEqual([
      ['lean', [2]],
      ['full', [2]],
    ]);
    expect(logLines(log)).toEqual(['bench-replicate.js', 'bench-replicate.js', 'cli.js function', 'cli.js function']);
  });

  it('falls back to the whole bundle when dist/bench-replicate.js is not beside it', () => {
    const cli = path.join(root, 'dist/cli.js');
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const work = scratchDir('replicate-entry');
    for (const f of ['cli.js', 'package.json']) copyFileSync(path.join(root, 'dist', f), path.join(work, f));
    const log = path.join(work, 'log');
    const r = spawnSync(
      process.execPath,
      [path.join(work, 'cli.js'), 'run', '--config', path.join(fixtures, 'perf.yml'), '--out', 'out.json'],
      { cwd: work, env: { ...process.env, NO_COLOR: '1', REPLICATE_ENTRY_LOG: log }, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(logLines(log)).toEqual(['cli.js', 'cli.js', 'cli.js function', 'cli.js function']);
  });
});
