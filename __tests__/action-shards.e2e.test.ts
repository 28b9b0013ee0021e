// End-to-end: a sharded run through the built action bundle, as a matrix workflow runs it, against the stand-ins
// of the Actions cache service and the GitHub REST API. Legs measure and write their results only; the merge
// job judges them together, comments once, fails once, and on main saves one baseline that the next sharded
// pull request restores. A leg that uploaded nothing fails the gate by name.

import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResults } from '../src/model/results.ts';
import { parseVerdict } from '../src/model/verdict.ts';
import {
  DEFAULT_BRANCH,
  type JobResult,
  type JobSpec,
  REPOSITORY,
  RunnerSandbox,
  runActionBundle,
} from './helpers/runner-env.ts';
import { type CacheService, makeRuntimeToken, startCacheService } from './standins/cache-service.ts';
import { type GitHubApi, startGitHubApi, WRITE_TOKEN } from './standins/github-api.ts';

const root = path.resolve(import.meta.dirname, '..');
const distDir = path.join(root, 'dist');
const spinBench = path.join(root, '__tests__/fixtures/spin/spin.bench.ts');

// Two suites, one per leg; the criterion is on the suite leg 2 runs, so only a merged verdict can meet it.
const CONFIG = `version: 1
id: sharded
suites:
  - name: spin-a
    kind: bench
    file: spin.bench.ts
    replicates: 1
    time: 20ms
    warmup: 5ms
    filter: [spin]
  - name: spin-b
    kind: bench
    file: spin.bench.ts
    replicates: 1
    time: 20ms
    warmup: 5ms
    filter: [spin]
criteria:
  - name: spin-b stays fast
    expect: spin-b/spin[ms=0.4] median < 50ms
`;
const MARKER = '<!-- perf-action:sharded -->';
const MAIN1 = 'd1'.padEnd(40, '0');
const PR_HEAD = 'e1'.padEnd(40, '0');

let sandbox: RunnerSandbox;
let actionMain: string;
let cacheSvc: CacheService;
let api: GitHubApi;

beforeAll(async () => {
  if (!existsSync(path.join(distDir, 'index.js')))
    throw new Error('dist/index.js is missing: run `npm run build` first');
  sandbox = new RunnerSandbox('perf-action-shards-');
  const actionDir = path.join(sandbox.root, '_actions', 'perf-action', 'v1');
  cpSync(distDir, path.join(actionDir, 'dist'), { recursive: true });
  cpSync(path.join(root, 'action.yml'), path.join(actionDir, 'action.yml'));
  actionMain = path.join(actionDir, 'dist', 'index.js');
  cacheSvc = await startCacheService();
  api = await startGitHubApi({
    repository: REPOSITORY,
    pulls: [{ number: 11, headSha: PR_HEAD, headRef: 'feature', baseRef: DEFAULT_BRANCH, baseSha: MAIN1 }],
  });
});

afterAll(async () => {
  await cacheSvc?.close();
  await api?.close();
  sandbox?.dispose();
});

async function job(spec: Omit<JobSpec, 'apiUrl'>): Promise<JobResult> {
  const prepared = sandbox.prepare({
    ...spec,
    apiUrl: api.url,
    files: { 'perf.yml': CONFIG, 'spin.bench.ts': { copy: spinBench }, ...(spec.files ?? {}) },
    env: { PERF_ACTION_RETRY_BASE_MS: '20', ...(spec.env ?? {}) },
  });
  const result = await runActionBundle(actionMain, prepared);
  if (result.code === null) throw new Error(`the action timed out:\n${result.stdout}\n${result.stderr}`);
  return result;
}

const push = (sha: string) => ({
  event: 'push',
  payload: { ref: 'refs/heads/main', before: '0'.repeat(40), after: sha },
  ref: 'refs/heads/main',
  sha,
  cacheEnv: () => cacheSvc.env(makeRuntimeToken({ writeScope: `refs/heads/${DEFAULT_BRANCH}` })),
});

const pull = (sha: string) => ({
  event: 'pull_request',
  payload: {
    action: 'synchronize',
    number: 11,
    pull_request: {
      number: 11,
      head: { sha, ref: 'feature', repo: { full_name: REPOSITORY } },
      base: { sha: MAIN1, ref: DEFAULT_BRANCH, repo: { full_name: REPOSITORY } },
    },
  },
  ref: 'refs/pull/11/merge',
  sha,
  cacheEnv: () =>
    cacheSvc.env(makeRuntimeToken({ writeScope: 'refs/pull/11/merge', readScopes: [`refs/heads/${DEFAULT_BRANCH}`] })),
});

type Event = ReturnType<typeof push> | ReturnType<typeof pull>;

/** The matrix: one job per leg, each writing its results file (what upload-artifact would take). */
async function legs(ev: Event, count: number, skip: number[] = []): Promise<Record<string, { copy: string }>> {
  const files: Record<string, { copy: string }> = {};
  for (let i = 1; i <= count; i++) {
    if (skip.includes(i)) continue;
    const { cacheEnv, ...rest } = ev;
    const r = await job({
      ...rest,
      cacheEnv: cacheEnv(),
      inputs: { 'github-token': WRITE_TOKEN, shard: `${i}/${count}` },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs.results).toMatch(new RegExp(`results-leg-${i}-of-${count}\\.json$`));
    // A leg neither judges nor comments nor saves.
    expect(r.outputs.verdict).toBeUndefined();
    // download-artifact puts each leg's artifact in a folder of its own.
    files[`legs/leg-${i}/${path.basename(r.outputs.results ?? '')}`] = { copy: r.outputs.results ?? '' };
  }
  return files;
}

async function merge(ev: Event, files: Record<string, { copy: string }>): Promise<JobResult> {
  const { cacheEnv, ...rest } = ev;
  return job({
    ...rest,
    cacheEnv: cacheEnv(),
    files,
    inputs: { 'github-token': WRITE_TOKEN, mode: 'merge', results: 'legs' },
  });
}

describe.sequential('a sharded run through the action bundle', () => {
  it('on main: two legs, one merge that judges both and saves one baseline', async () => {
    const files = await legs(push(MAIN1), 2);
    expect(cacheSvc.entries()).toHaveLength(0);
    const r = await merge(push(MAIN1), files);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('merged 2 of 2 legs: 2 suites');
    expect(r.outputs.verdict).toBe('pass');
    const merged = parseResults(readFileSync(r.outputs.results ?? '', 'utf8'), 'merged');
    expect(merged.suites.map((s) => s.name)).toEqual(['spin-a', 'spin-b']);
    expect(merged.shard).toBeUndefined();
    const saved = cacheSvc.entries();
    expect(saved).toHaveLength(1);
    expect(saved[0]?.key).toContain(`-sharded-main-${MAIN1}-`);
  });

  it('on a pull request: the merge restores that baseline, comments once, and legs never comment', async () => {
    const files = await legs(pull(PR_HEAD), 2);
    expect(api.comments(11)).toHaveLength(0);
    const r = await merge(pull(PR_HEAD), files);
    expect(r.code, r.stdout).toBe(0);
    const verdict = parseVerdict(readFileSync(r.outputs['verdict-file'] ?? '', 'utf8'), 'verdict');
    expect(verdict.baseline?.sha).toBe(MAIN1);
    expect(verdict.criteria.map((c) => c.status)).toEqual(['pass']);
    expect(verdict.comparisons.map((c) => c.id).sort()).toEqual([
      'spin-a/spin[ms=0.2]',
      'spin-a/spin[ms=0.4]',
      'spin-b/spin[ms=0.2]',
      'spin-b/spin[ms=0.4]',
    ]);
    const comments = api.comments(11).filter((c) => c.body.startsWith(MARKER));
    expect(comments).toHaveLength(1);
    // Nothing saved from a pull request.
    expect(cacheSvc.entries()).toHaveLength(1);
  });

  it('a leg that uploaded nothing fails the gate, and the comment names the leg and its suites', async () => {
    const files = await legs(pull(PR_HEAD), 2, [2]);
    const r = await merge(pull(PR_HEAD), files);
    expect(r.code).not.toBe(0);
    expect(r.outputs.verdict).toBe('fail');
    const comments = api.comments(11).filter((c) => c.body.startsWith(MARKER));
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/leg-2-of-2/);
    expect(comments[0]?.body).toMatch(/it was to run spin-b/);
  });

  it('merge with no legs found says where it looked', async () => {
    const r = await merge(pull(PR_HEAD), { 'legs/README': { copy: spinBench } });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/found no results-leg-\*\.json in legs/);
  });
});
