// The baseline and its history through the real @actions/cache client and the local Actions cache stand-in:
// one entry holds both files, main's saves carry the history forward, a pull request reads it. Env vars are
// process-global, so this file runs sequentially.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cache from '@actions/cache';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CacheBaselineStore } from '../src/baseline/cache-store.ts';
import { judge } from '../src/compare/judge.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { RESULTS_SCHEMA, type ResultsDocument } from '../src/model/results.ts';
import { syntheticMetric } from './helpers/synthetic.ts';
import { type CacheService, makeRuntimeToken, startCacheService } from './standins/cache-service.ts';

const savedEnv = { ...process.env };
function restoreEnv() {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
}

function results(i: number, level: number): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    createdAt: new Date(Date.UTC(2026, 0, 1, i)).toISOString(),
    git: { sha: `sha${i}` },
    env: { os: 'Linux', arch: 'X64', cpu: 'cpu', cores: 2, node: 'v20' },
    suites: [
      {
        name: 's',
        kind: 'bench',
        ok: true,
        durationMs: 1,
        metrics: [syntheticMetric('s/a', 'lower', [level, level * 1.001, level * 0.999, level * 1.002, level])],
      },
    ],
  };
}

describe.sequential('history in the Actions cache (real client, local service)', () => {
  let svc: CacheService;
  let ws: string;
  const warnings: string[] = [];
  const cwd = process.cwd();

  function job(token: string, ref: string) {
    for (const [k, v] of Object.entries({
      ...svc.env(token),
      GITHUB_WORKSPACE: ws,
      RUNNER_TEMP: path.join(ws, '_temp'),
      GITHUB_REF: ref,
      ACTIONS_CACHE_URL: undefined,
      ACTIONS_CACHE_MODE: undefined,
      RUNNER_DEBUG: undefined,
    })) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }

  const store = (save?: { sha: string; runId: string }) =>
    new CacheBaselineStore({
      client: cache,
      workspace: ws,
      os: 'Linux',
      arch: 'X64',
      configId: 'perf',
      baseBranch: 'main',
      ...(save ? { save: { branch: 'main', sha: save.sha, runId: save.runId, attempt: '1' } } : {}),
      warn: (m) => warnings.push(m),
    });

  beforeEach(async () => {
    svc = await startCacheService();
    ws = mkdtempSync(path.join(tmpdir(), 'perf-history-cache-'));
    // The runner starts actions in the workspace, and the cache client resolves relative paths from there.
    process.chdir(ws);
    warnings.length = 0;
    // @actions/core writes its log lines to stdout.
    vi.spyOn(process.stdout, 'write').mockImplementation((() => true) as typeof process.stdout.write);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    restoreEnv();
    process.chdir(cwd);
    await svc.close();
    rmSync(ws, { recursive: true, force: true });
  });

  it('main saves carry the history forward in one entry; a pull request reads both and judges with them', async () => {
    const drift = [1, 1.06, 0.95, 1.04, 0.97, 1.05];
    for (const [i, f] of drift.entries()) {
      job(makeRuntimeToken({ writeScope: 'refs/heads/main' }), 'refs/heads/main');
      const s = store({ sha: `sha${i}`, runId: String(100 + i) });
      await s.load();
      await s.save(results(i, 10 * f));
      expect(warnings).toEqual([]);
      expect(s.lastKey).toContain(`sha${i}`);
    }
    expect(svc.entries()).toHaveLength(drift.length);

    job(makeRuntimeToken({ writeScope: 'refs/pull/7/merge', readScopes: ['refs/heads/main'] }), 'refs/pull/7/merge');
    const loaded = await store().load();
    expect(loaded?.results.git?.sha).toBe('sha5');
    expect(loaded?.history?.runs.map((r) => r.git?.sha)).toEqual(['sha0', 'sha1', 'sha2', 'sha3', 'sha4', 'sha5']);
    // A 7% slower head is within this metric's ±5% drift between main runs: not a regression.
    const verdict = judge({ head: results(9, 10 * 1.05 * 1.07), ...(loaded ? { baseline: loaded } : {}) });
    expect(verdict.comparisons[0]?.verdict).not.toBe('regressed');
    expect(verdict.comparisons[0]?.evidence?.test).toBe('history');
    expect(verdict.comparisons[0]?.evidence?.historyRuns).toBe(6);
    // The baseline alone, with its tight replicates, would have called it a regression.
    const alone = judge({
      head: results(9, 10 * 1.05 * 1.07),
      baseline: { results: loaded?.results as ResultsDocument, source: 'x' },
      options: { ...DEFAULT_COMPARE_OPTIONS, runs: 1 },
    });
    expect(alone.comparisons[0]?.verdict).toBe('regressed');
    expect(alone.comparisons[0]?.evidence?.test).toBe('rank');
    expect(warnings).toEqual([]);
  });
});
