// End-to-end: the built action bundle (dist/index.js) run as the runner runs it, one job after another, against
// local stand-ins of the Actions cache service and the GitHub REST API. The story follows a repository: a push
// to main saves a baseline, a pull request compares with it and comments, later runs update that comment, a
// slowdown fails the check, a fork gates without commenting and a workflow_run comments for it, and the cache
// and the API failing are survived. Jobs share the stand-ins' state, so the tests run in order.

import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CacheBaselineStore, type CacheClient } from '../src/baseline/cache-store.ts';
import { parseResults } from '../src/model/results.ts';
import {
  DEFAULT_BRANCH,
  type JobResult,
  type JobSpec,
  REPOSITORY,
  RunnerSandbox,
  runActionBundle,
} from './helpers/runner-env.ts';
import { HANG_GUARD_MS } from './helpers/tier.ts';
import { type CacheService, makeRuntimeToken, startCacheService } from './standins/cache-service.ts';
import { type GitHubApi, READ_ONLY_TOKEN, startGitHubApi, WRITE_TOKEN } from './standins/github-api.ts';

const root = path.resolve(import.meta.dirname, '..');
const distDir = path.join(root, 'dist');
const bundle = path.join(distDir, 'index.js');
const spinBench = path.join(root, '__tests__/fixtures/spin/spin.bench.ts');

// Three replicates and a lenient confidence keep each job to a few seconds; the spin benchmark's cost is a
// wall-clock spin, so a 2x slowdown separates every replicate while equal code stays within min-effect.
// Jobs whose comparison does not matter run one replicate (E2E_REPLICATES), which compares as inconclusive.
// The criterion's limit is generous (a busy machine only makes the spin slower); the slowdown jobs tighten
// it to 0.5ms, which a doubled 0.4ms spin can never meet.
const CONFIG = `version: 1
id: e2e
suites:
  - name: spin
    kind: bench
    file: spin.bench.ts
    replicates: \${E2E_REPLICATES:-3}
    time: 25ms
    warmup: 5ms
    filter: [spin]
criteria:
  - name: spin stays fast
    expect: spin/spin[ms=0.4] median < \${E2E_SPIN_LIMIT:-2ms}
compare:
  min-effect: 10%
  confidence: 80%
`;
const MARKER = '<!-- perf-action:e2e -->';
const SLOW = { SPIN_FACTOR: '2', E2E_SPIN_LIMIT: '0.5ms' };

// Commits (hex, as the API stand-in matches them by prefix).
const MAIN1 = 'a1'.padEnd(40, '0');
const MAIN2 = 'a2'.padEnd(40, '0');
const PR_HEAD1 = 'b1'.padEnd(40, '0');
const PR_HEAD2 = 'b2'.padEnd(40, '0');
const PR_HEAD3 = 'b3'.padEnd(40, '0');
const FORK_HEAD = 'f1'.padEnd(40, '0');
const QUEUE_HEAD = 'c1'.padEnd(40, '0');
const MAIN_BAD = 'a3'.padEnd(40, '0');

const mainCache = () => makeRuntimeToken({ writeScope: `refs/heads/${DEFAULT_BRANCH}` });
const prCache = (pr: number) =>
  makeRuntimeToken({ writeScope: `refs/pull/${pr}/merge`, readScopes: [`refs/heads/${DEFAULT_BRANCH}`] });

let sandbox: RunnerSandbox;
let actionMain: string;
let cacheSvc: CacheService;
let api: GitHubApi;

/** dist/ is complete once the build has written dist/package.json, its last file. */
const built = () => existsSync(bundle) && existsSync(path.join(distDir, 'package.json'));

beforeAll(async () => {
  // A build running elsewhere in this checkout deletes dist/ first: give it time before building here.
  for (let waited = 0; !built() && waited < 120_000; waited += 1000) await new Promise((r) => setTimeout(r, 1000));
  if (!built()) {
    // CI builds before testing; a fresh clone gets the bundle built once here.
    const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', timeout: HANG_GUARD_MS });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}\n${build.stderr}`);
  }
  sandbox = new RunnerSandbox('perf-action-e2e-');
  // The runner runs the action from its own folder (_actions/<owner>/<repo>/<ref>), apart from the checkout;
  // a copy also keeps the jobs on one bundle while dist/ is rebuilt.
  const actionDir = path.join(sandbox.root, '_actions', 'perf-action', 'v1');
  cpSync(distDir, path.join(actionDir, 'dist'), { recursive: true });
  cpSync(path.join(root, 'action.yml'), path.join(actionDir, 'action.yml'));
  actionMain = path.join(actionDir, 'dist', 'index.js');
  cacheSvc = await startCacheService();
  api = await startGitHubApi({
    repository: REPOSITORY,
    pulls: [
      { number: 7, headSha: PR_HEAD1, headRef: 'feature', baseRef: DEFAULT_BRANCH, baseSha: MAIN1 },
      {
        number: 8,
        headSha: FORK_HEAD,
        headRef: 'patch-1',
        headRepo: 'forker/octo-repo',
        baseRef: DEFAULT_BRANCH,
        baseSha: MAIN1,
      },
    ],
  });
});

afterAll(async () => {
  await cacheSvc?.close();
  await api?.close();
  sandbox?.dispose();
});

/** One job: a fresh checkout with the config and bench file, then the bundle. */
async function job(spec: Omit<JobSpec, 'files' | 'apiUrl'> & { files?: JobSpec['files'] }): Promise<JobResult> {
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

function prPayload(pr: number, head: string, fork = false) {
  return {
    action: 'synchronize',
    number: pr,
    pull_request: {
      number: pr,
      head: {
        sha: head,
        ref: fork ? 'patch-1' : 'feature',
        repo: { full_name: fork ? 'forker/octo-repo' : REPOSITORY },
      },
      base: { sha: MAIN1, ref: DEFAULT_BRANCH, repo: { full_name: REPOSITORY } },
    },
  };
}

function prJob(pr: number, head: string, extra: Partial<JobSpec> = {}) {
  return job({
    event: 'pull_request',
    payload: prPayload(pr, head),
    ref: `refs/pull/${pr}/merge`,
    sha: head,
    inputs: { 'github-token': WRITE_TOKEN },
    cacheEnv: cacheSvc.env(prCache(pr)),
    ...extra,
  });
}

const ours = (pr: number) =>
  api.comments(pr).filter((c) => c.body.startsWith(MARKER) && c.user === 'github-actions[bot]');
const messages = (r: JobResult, command: string) => r.commands.filter((c) => c.command === command);
/** API requests made from index `from` on (each job's share of the stand-in's log). */
const since = (from: number) => api.requests.slice(from);
const report = (r: JobResult) => readFileSync(r.outputs.report ?? '', 'utf8');
/** The failure line the step shows: core.setFailed prints it as the last ::error:: without properties. */
const failure = (r: JobResult) =>
  messages(r, 'error')
    .filter((c) => Object.keys(c.properties).length === 0)
    .at(-1)?.message;

let forkResults = '';
let forkVerdict = '';

// Generous per-test limits: a job is a few seconds on a quiet machine, but the machine is shared.
describe.sequential('the action bundle through a repository story', () => {
  it('a push to main runs, says there is no baseline yet (neutral, not green), and saves one', async () => {
    const r = await job({
      event: 'push',
      payload: { ref: 'refs/heads/main', before: '0'.repeat(40), after: MAIN1 },
      ref: 'refs/heads/main',
      sha: MAIN1,
      inputs: { 'github-token': WRITE_TOKEN },
      cacheEnv: cacheSvc.env(mainCache()),
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({
      verdict: 'pass',
      regressions: '0',
      improvements: '0',
      'failed-criteria': '0',
      'baseline-sha': '',
      'comment-url': '',
    });
    const saved = cacheSvc.entries();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ scope: 'refs/heads/main', finalized: true });
    expect(saved[0]?.key).toMatch(new RegExp(`^perf-action-v1-Linux-X64-e2e-main-${MAIN1}-\\d+-1$`));
    expect(r.stdout).toContain(`saved the baseline as ${saved[0]?.key}`);
    // The results document is where the output says, for upload-artifact.
    const results = JSON.parse(readFileSync(r.outputs.results ?? '', 'utf8'));
    expect(results).toMatchObject({ schema: 'perf-action/results@1', git: { sha: MAIN1, ref: 'refs/heads/main' } });
    expect(results.suites[0].metrics.map((m: { id: string }) => m.id).sort()).toEqual([
      'spin/spin[ms=0.2]',
      'spin/spin[ms=0.4]',
    ]);
    // No baseline is said plainly and is never the green "no regressions".
    expect(r.summary.startsWith(MARKER)).toBe(true);
    expect(r.summary).toMatch(/No baseline for this branch yet: regressions were not checked/);
    expect(r.summary).not.toMatch(/no regressions/i);
    expect(r.summary).not.toContain('✅ **perf-action');
    // A push has no pull request: nothing is asked of the API.
    expect(api.requests).toHaveLength(0);
  });

  it('a pull request restores the base commit baseline and posts one comment, found again across pages', async () => {
    // A busy pull request: 120 comments (our marker lands on page 2), one of which quotes our marker.
    for (let i = 0; i < 118; i++) api.addComment(7, `review note ${i}`, 'reviewer');
    api.addComment(7, `what does ${MARKER} mean?`, 'reviewer');
    // Another user's comment that starts with our marker: never taken for ours, never edited.
    api.addComment(7, `${MARKER}\nforged: all good here`, 'mallory');
    const before = api.requests.length;
    const r = await prJob(7, PR_HEAD1);
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({
      verdict: 'pass',
      regressions: '0',
      'failed-criteria': '0',
      'baseline-sha': MAIN1,
    });
    expect(r.stdout).toMatch(/baseline: Actions cache: base commit \(a100000\)/);
    // The HTML report for upload-artifact: both sides drawn for each metric.
    const page = readFileSync(r.outputs['html-report'] ?? '', 'utf8');
    expect(page).toContain('spin/spin[ms=0.2]');
    expect(page).toMatch(/<svg[^>]*>/);
    const mine = ours(7);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.user).toBe('github-actions[bot]');
    expect(r.outputs['comment-url']).toBe(`https://github.com/${REPOSITORY}/pull/7#issuecomment-${mine[0]?.id}`);
    expect(mine[0]?.body).toMatch(/perf-action \(e2e\): passed/);
    expect(mine[0]?.body).toContain('a100000');
    // The reviewer's comment that quotes the marker is left alone.
    expect(api.comments(7).find((c) => c.body.startsWith('what does'))?.body).toBe(`what does ${MARKER} mean?`);
    expect(api.comments(7).find((c) => c.user === 'mallory')?.body).toBe(`${MARKER}\nforged: all good here`);
    const routes = since(before).map((q) => `${q.route}:${q.status}`);
    expect(routes).toEqual(['viewer:200', 'listComments:200', 'listComments:200', 'createComment:201']);
    // A pull request never writes a baseline: the cache still holds main's only.
    expect(cacheSvc.entries().map((e) => e.scope)).toEqual(['refs/heads/main']);
    expect(r.stdout).toMatch(/not saving a baseline/);
  });

  it('a second run of the pull request updates the same comment in place', async () => {
    api.addPull({ number: 7, headSha: PR_HEAD2, headRef: 'feature', baseRef: DEFAULT_BRANCH, baseSha: MAIN1 });
    const first = ours(7)[0];
    const before = api.requests.length;
    const r = await prJob(7, PR_HEAD2, { env: { E2E_REPLICATES: '1' } });
    expect(r.code, r.stdout).toBe(0);
    const mine = ours(7);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.id).toBe(first?.id);
    expect(r.outputs['comment-url']).toBe(`https://github.com/${REPOSITORY}/pull/7#issuecomment-${first?.id}`);
    expect(since(before).map((q) => `${q.route}:${q.status}`)).toEqual([
      'viewer:200',
      'listComments:200',
      'listComments:200',
      'updateComment:200',
    ]);
    expect(api.comments(7)).toHaveLength(121);
  });

  it('a slowdown fails the step with a one-line reason, annotates the criterion, and the comment says why', async () => {
    api.addPull({ number: 7, headSha: PR_HEAD3, headRef: 'feature', baseRef: DEFAULT_BRANCH, baseSha: MAIN1 });
    const r = await prJob(7, PR_HEAD3, { env: SLOW });
    expect(r.code, r.stdout).toBe(1);
    expect(r.outputs).toMatchObject({
      verdict: 'fail',
      regressions: '2',
      'failed-criteria': '1',
      'baseline-sha': MAIN1,
    });
    expect(failure(r)).toBe('perf-action: the performance gate failed: 1 criterion not met, 2 metrics regressed');
    const annotation = messages(r, 'error').find((c) => c.properties.title === 'perf-action: spin stays fast');
    expect(annotation?.message).toMatch(/^spin\/spin\[ms=0\.4\] median < 0\.5ms: fail/);
    const mine = ours(7);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body).toMatch(
      /❌ \*\*perf-action \(e2e\): failed\*\* — 1 criterion failed \(.*\), 2 metrics regressed \(worst: /,
    );
    expect(mine[0]?.body).toContain('🔴 regressed');
    expect(mine[0]?.body).toMatch(/\+\d+(\.\d+)?% \[/);
    // The summary carries the same verdict.
    expect(r.summary).toContain('2 metrics regressed');
  });

  it('the accept label makes the regressions non-blocking; the comment names who added it and the rows', async () => {
    api.label(7, 'accept-regression', 'maintainer');
    const payload = prPayload(7, PR_HEAD3);
    const r = await prJob(7, PR_HEAD3, {
      env: { SPIN_FACTOR: '2' },
      payload: { ...payload, pull_request: { ...payload.pull_request, labels: [{ name: 'accept-regression' }] } },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ verdict: 'pass', regressions: '2', 'failed-criteria': '0' });
    const verdict = JSON.parse(readFileSync(r.outputs['verdict-file'] ?? '', 'utf8'));
    expect(verdict.accepted).toEqual({
      label: 'accept-regression',
      by: 'maintainer',
      metrics: ['spin/spin[ms=0.2]', 'spin/spin[ms=0.4]'].filter((id) => verdict.accepted.metrics.includes(id)),
      criteria: [],
    });
    expect(verdict.accepted.metrics).toHaveLength(2);
    const body = ours(7)[0]?.body ?? '';
    expect(body).toMatch(/accepted by @maintainer/);
    expect(body).toContain('accept-regression');
    // Regressions stay annotated, as warnings now that they do not fail the check.
    expect(messages(r, 'notice').some((c) => /accepts 2 regressions/.test(c.message))).toBe(true);
    const warned = messages(r, 'warning').filter((c) => c.properties.title === 'perf-action: spin regressed');
    expect(warned).toHaveLength(2);
    expect(warned[0]?.properties).toMatchObject({ file: 'perf.yml', line: '4' });
  });

  it('a fork pull request with a read-only token still gates, and does not try to comment', async () => {
    const before = api.requests.length;
    const r = await job({
      event: 'pull_request',
      payload: prPayload(8, FORK_HEAD, true),
      ref: 'refs/pull/8/merge',
      sha: FORK_HEAD,
      inputs: { 'github-token': READ_ONLY_TOKEN },
      cacheEnv: cacheSvc.env(prCache(8)),
      env: SLOW,
    });
    expect(r.code, r.stdout).toBe(1);
    expect(r.outputs).toMatchObject({ verdict: 'fail', regressions: '2', 'comment-url': '', 'baseline-sha': MAIN1 });
    expect(failure(r)).toMatch(/^perf-action: the performance gate failed: .*2 metrics regressed$/);
    expect(
      messages(r, 'notice')
        .map((c) => c.message)
        .join('\n'),
    ).toMatch(/fork.*mode: report/s);
    expect(since(before).filter((q) => q.method !== 'GET')).toEqual([]);
    expect(api.comments(8)).toHaveLength(0);
    forkResults = readFileSync(r.outputs.results ?? '', 'utf8');
    forkVerdict = readFileSync(r.outputs['verdict-file'] ?? '', 'utf8');
    expect(JSON.parse(forkVerdict)).toMatchObject({ schema: 'perf-action/verdict@2', status: 'fail' });
    expect(JSON.parse(forkResults).git.sha).toBe(FORK_HEAD);
  });

  it('report mode (workflow_run) comments on the fork pull request from the uploaded results', async () => {
    const r = await reportJob(FORK_HEAD, forkResults);
    expect(r.code, r.stdout).toBe(1);
    const mine = ours(8);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body).toMatch(
      /perf-action \(e2e\): failed\*\* — 1 criterion failed \(.*\), 2 metrics regressed \(worst: /,
    );
    expect(r.outputs).toMatchObject({
      verdict: 'fail',
      regressions: '2',
      'baseline-sha': MAIN1,
      'comment-url': `https://github.com/${REPOSITORY}/pull/8#issuecomment-${mine[0]?.id}`,
    });
    // Fork PRs are not in workflow_run.pull_requests: the PR is found by its head commit.
    expect(api.requests.some((q) => q.route === 'listPullsForCommit' && q.path.includes(FORK_HEAD))).toBe(true);
    // Report mode runs nothing: the uploaded results are the head.
    expect(r.stdout).not.toMatch(/▶ spin/);
    // Without the run's verdict file it judged again, and says what it could not see.
    expect(r.summary).toMatch(/no verdict file was uploaded with the results, so they were judged again here/);
  });

  it('report mode reports the verdict the pull request run decided, so the comment never contradicts the check', async () => {
    // As if the run's extra runs had shown the first run's regressions to be noise: the run passed. Judging the
    // first run again here would fail it; the uploaded verdict is what is reported.
    const decided = JSON.parse(forkVerdict);
    decided.status = 'pass';
    for (const c of decided.comparisons) c.verdict = 'unchanged';
    for (const c of decided.criteria) c.status = 'pass';
    const r = await reportJob(FORK_HEAD, forkResults, JSON.stringify(decided));
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ verdict: 'pass', regressions: '0', 'failed-criteria': '0' });
    expect(r.stdout).toMatch(/reporting the verdict the pull request run decided/);
    const body = ours(8)[0]?.body ?? '';
    expect(body).toMatch(/perf-action \(e2e\): passed/);
    expect(body).not.toMatch(/judged again/);
    // A verdict that is not one is refused with its name, never taken for a pass.
    const bad = await reportJob(FORK_HEAD, forkResults, '{"schema":"perf-action/verdict@2","status":"pass"}');
    expect(bad.code).not.toBe(0);
    expect(failure(bad)).toMatch(/uploaded verdict file verdict\.json/);
  });

  it('GitHub 5xx: passing errors are retried; a comment that still fails is a warning and the verdict stands', async () => {
    api.inject('listComments', { kind: 'server-error', status: 502, times: 2 });
    const retried = await reportJob(FORK_HEAD, forkResults);
    expect(retried.code).toBe(1);
    expect(retried.stdout).toMatch(/GitHub API GET \S*\/issues\/8\/comments\S* failed \(502.*retrying in 20 ms/);
    expect(ours(8)).toHaveLength(1);
    expect(retried.outputs['comment-url']).toContain('#issuecomment-');

    // Five failures: the first try and every retry (the action retries four times).
    api.inject('updateComment', { kind: 'server-error', status: 503, times: 5 });
    const failed = await reportJob(FORK_HEAD, forkResults);
    expect(failed.code).toBe(1);
    expect(failed.outputs).toMatchObject({ verdict: 'fail', regressions: '2', 'comment-url': '' });
    const warning = messages(failed, 'warning').find((c) => c.message.startsWith('could not comment'));
    expect(warning?.message).toMatch(/could not comment on #8 \(503.*the verdict stands and is in the job summary/);
    expect(failure(failed)).toMatch(/^perf-action: the performance gate failed: .*2 metrics regressed$/);
    expect(failed.summary).toContain('2 metrics regressed');
    expect(api.requests.filter((q) => q.route === 'updateComment' && q.status === 503)).toHaveLength(5);
  });

  it('a 502 for a comment GitHub did write: looked for before creating again, so still one comment', async () => {
    api.addPull({ number: 31, headSha: PR_HEAD1, headRef: 'feature', baseRef: DEFAULT_BRANCH, baseSha: MAIN1 });
    api.inject('createComment', { kind: 'server-error', status: 502, afterWrite: true });
    const before = api.requests.length;
    const r = await prJob(31, PR_HEAD1, { env: { E2E_REPLICATES: '1' } });
    expect(r.code, r.stdout).toBe(0);
    const mine = ours(31);
    expect(mine).toHaveLength(1);
    expect(r.stdout).toMatch(/creating the comment failed \(502: .*\); looking whether it was written/);
    expect(since(before).map((q) => `${q.route}:${q.status}`)).toEqual([
      'viewer:200',
      'listComments:200',
      'createComment:502',
      'listComments:200',
      'updateComment:200',
    ]);
    expect(r.outputs['comment-url']).toBe(`https://github.com/${REPOSITORY}/pull/31#issuecomment-${mine[0]?.id}`);
  });

  it('two matrix legs of one run with one config: the second fails and leaves the first report; own ids both comment', async () => {
    api.addPull({ number: 32, headSha: PR_HEAD1, headRef: 'feature', baseRef: DEFAULT_BRANCH, baseSha: MAIN1 });
    const leg = (inputs: Record<string, string> = {}) =>
      prJob(32, PR_HEAD1, {
        runId: 4242,
        inputs: { 'github-token': WRITE_TOKEN, ...inputs },
        env: { E2E_REPLICATES: '1' },
      });
    const first = await leg();
    expect(first.code, first.stdout).toBe(0);
    const written = ours(32);
    expect(written).toHaveLength(1);
    const second = await leg();
    expect(second.code).toBe(1);
    expect(failure(second)).toMatch(
      /another job of this run already wrote the comment of config "e2e" on #32 .*Give each leg its own comment-id/,
    );
    // The first leg's report is untouched.
    expect(ours(32)).toEqual(written);
    // A re-run of the job is a new attempt, and may replace the comment.
    const rerun = await prJob(32, PR_HEAD1, { runId: 4242, runAttempt: 2, env: { E2E_REPLICATES: '1' } });
    expect(rerun.code, rerun.stdout).toBe(0);
    expect(ours(32)[0]?.id).toBe(written[0]?.id);
    // Legs with their own comment-id each get their own comment.
    const own = await leg({ 'comment-id': 'e2e-leg-b' });
    expect(own.code, own.stdout).toBe(0);
    expect(api.comments(32).filter((c) => c.body.startsWith('<!-- perf-action:e2e-leg-b'))).toHaveLength(1);
  });

  it('report mode without a pull request to comment on still reports the verdict in the summary', async () => {
    const comments = api.comments(8).length;
    const orphan = await reportJob('e1'.padEnd(40, '0'), forkResults);
    expect(orphan.code).toBe(1);
    expect(orphan.outputs).toMatchObject({
      verdict: 'fail',
      regressions: '2',
      'comment-url': '',
      'baseline-sha': MAIN1,
    });
    expect(messages(orphan, 'warning').map((c) => c.message)).toContainEqual(
      expect.stringMatching(/^no pull request has head e100000; the report is in the job summary only$/),
    );
    expect(orphan.summary).toContain('2 metrics regressed');

    // GitHub failing the lookup on every retry: a warning, and the verdict still stands.
    api.inject('listPullsForCommit', { kind: 'server-error', status: 500, times: 5 });
    const down = await reportJob(FORK_HEAD, forkResults);
    expect(down.code).toBe(1);
    expect(down.outputs).toMatchObject({ verdict: 'fail', 'comment-url': '' });
    expect(messages(down, 'warning').map((c) => c.message)).toContainEqual(
      expect.stringMatching(/^could not find the pull request of f100000 \(500: /),
    );
    expect(down.summary).toContain('2 metrics regressed');
    expect(api.comments(8)).toHaveLength(comments);
  });

  it('a comment too long for GitHub is cut to fit 65,536 characters; the summary stays under 1 MiB', async () => {
    const huge = syntheticResults(PR_HEAD3, 6000);
    const r = await reportJob(PR_HEAD3, JSON.stringify(huge));
    const mine = ours(7);
    expect(mine).toHaveLength(1);
    const body = mine[0]?.body ?? '';
    expect([...body].length).toBeLessThanOrEqual(65_536);
    expect(body.length).toBeGreaterThan(30_000);
    expect(body).toMatch(/✂️ This report was cut to fit: \d+ of 6002 metric rows are not shown\./);
    expect(body).toContain(`[See the full report](https://github.com/${REPOSITORY}/actions/runs/`);
    expect(Buffer.byteLength(r.summary)).toBeLessThan(1024 * 1024);
    expect(Buffer.byteLength(r.summary)).toBeGreaterThan(body.length);
    expect(report(r)).toBe(r.summary);
    expect(r.outputs['comment-url']).toContain('#issuecomment-');
  });

  it('the cache service down: a warning and "baseline unavailable", never "no baseline yet" or a green pass', async () => {
    cacheSvc.setFault('down');
    try {
      const r = await prJob(7, PR_HEAD3, { env: { E2E_REPLICATES: '1' } });
      expect(r.code, r.stdout).toBe(0);
      expect(r.outputs).toMatchObject({ verdict: 'pass', 'baseline-sha': '' });
      expect(
        messages(r, 'warning')
          .map((c) => c.message)
          .join('\n'),
      ).toMatch(/restore/i);
      expect(
        messages(r, 'notice')
          .map((c) => c.message)
          .join('\n'),
      ).toMatch(/the baseline could not be loaded \(the Actions cache could not be read \(.+\)\)/);
      const body = ours(7)[0]?.body ?? '';
      expect(body).toMatch(/^⚠️ \*\*perf-action \(e2e\): passed\*\* — .*Baseline unavailable \(the store failed/m);
      expect(body).toMatch(/the baseline could not be loaded: the Actions cache could not be read/);
      expect(body).not.toMatch(/No baseline for this branch yet/);
      expect(body).not.toMatch(/no regressions/i);
    } finally {
      cacheSvc.setFault(null);
    }
  });

  it('a manual run on main with the cache down: warnings for the restore and the save, and a green step', async () => {
    cacheSvc.setFault('down');
    try {
      const r = await job({
        event: 'workflow_dispatch',
        payload: { ref: 'refs/heads/main', inputs: {} },
        ref: 'refs/heads/main',
        sha: MAIN1,
        inputs: { 'github-token': WRITE_TOKEN },
        cacheEnv: cacheSvc.env(mainCache()),
        env: { E2E_REPLICATES: '1' },
      });
      expect(r.code, r.stdout).toBe(0);
      const warnings = messages(r, 'warning').map((c) => c.message);
      expect(warnings.join('\n')).toMatch(/Failed to restore/);
      expect(warnings.join('\n')).toMatch(/did not accept the baseline/);
      expect(r.stdout).not.toMatch(/saved the baseline/);
      expect(cacheSvc.entries()).toHaveLength(1);
      // The results are still there for upload-artifact.
      expect(JSON.parse(readFileSync(r.outputs.results ?? '', 'utf8')).git.sha).toBe(MAIN1);
    } finally {
      cacheSvc.setFault(null);
    }
  });

  it('a corrupt cache archive: a warning and no baseline', async () => {
    cacheSvc.setFault('corrupt-blob');
    try {
      const r = await prJob(7, PR_HEAD3, { env: { E2E_REPLICATES: '1' } });
      expect(r.code, r.stdout).toBe(0);
      expect(r.outputs).toMatchObject({ verdict: 'pass', 'baseline-sha': '' });
      expect(messages(r, 'warning').length).toBeGreaterThan(0);
      expect(r.summary).toMatch(/Baseline unavailable/);
      expect(r.summary).not.toMatch(/No baseline for this branch yet/);
      expect(r.summary).not.toMatch(/no regressions/i);
    } finally {
      cacheSvc.setFault(null);
    }
  });

  it('merge_group compares with the queue base and never saves or comments', async () => {
    const entries = cacheSvc.entries().length;
    const before = api.requests.length;
    const queueRef = 'refs/heads/gh-readonly-queue/main/pr-7-a100000000000000000000000000000000000000';
    const r = await job({
      event: 'merge_group',
      payload: {
        action: 'checks_requested',
        merge_group: { head_sha: QUEUE_HEAD, head_ref: queueRef, base_sha: MAIN1, base_ref: 'refs/heads/main' },
      },
      ref: queueRef,
      sha: QUEUE_HEAD,
      inputs: { 'github-token': WRITE_TOKEN },
      cacheEnv: cacheSvc.env(makeRuntimeToken({ writeScope: queueRef, readScopes: [`refs/heads/${DEFAULT_BRANCH}`] })),
      env: { E2E_REPLICATES: '1' },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ verdict: 'pass', 'baseline-sha': MAIN1, regressions: '0', 'comment-url': '' });
    expect(cacheSvc.entries()).toHaveLength(entries);
    expect(since(before)).toEqual([]);
  });

  it("a push to another branch compares with main's newest baseline and saves nothing", async () => {
    const entries = cacheSvc.entries().length;
    const r = await job({
      event: 'push',
      payload: { ref: 'refs/heads/feature', before: PR_HEAD2, after: PR_HEAD3 },
      ref: 'refs/heads/feature',
      sha: PR_HEAD3,
      inputs: { 'github-token': WRITE_TOKEN },
      cacheEnv: cacheSvc.env(
        makeRuntimeToken({ writeScope: 'refs/heads/feature', readScopes: [`refs/heads/${DEFAULT_BRANCH}`] }),
      ),
      env: { E2E_REPLICATES: '1' },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/push to feature: comparing with main's newest baseline/);
    expect(r.outputs).toMatchObject({ verdict: 'pass', 'baseline-sha': MAIN1 });
    expect(cacheSvc.entries()).toHaveLength(entries);
  });

  it('an event perf-action does not compare on runs, reports without a baseline, and says so', async () => {
    const requests = cacheSvc.requests.length;
    const r = await job({
      event: 'release',
      payload: { action: 'published', release: { tag_name: 'v1.0.0' } },
      ref: 'refs/tags/v1.0.0',
      sha: MAIN1,
      inputs: { 'github-token': WRITE_TOKEN },
      cacheEnv: cacheSvc.env(mainCache()),
      env: { E2E_REPLICATES: '1' },
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/event "release" is not one perf-action compares on/);
    // In the summary too (Markdown-escaped: the event name comes from outside).
    expect(r.summary).toMatch(/event (&quot;|")release(&quot;|") is not one perf-action compares on/);
    expect(messages(r, 'notice').map((c) => c.message)).toContainEqual(
      expect.stringMatching(/^perf-action: event "release" is not one perf-action compares on/),
    );
    expect(r.outputs).toMatchObject({ verdict: 'pass', 'baseline-sha': '' });
    // Neither restored nor saved.
    expect(cacheSvc.requests.length).toBe(requests);
  });

  it('a bad perf.yml fails the step with one line, and each problem is an annotation on its line', async () => {
    const before = api.requests.length;
    const broken = CONFIG.replace('    filter: [spin]\n', '    filter: [spin]\n    replicats: 3\n').replace(
      'min-effect',
      'min-efect',
    );
    const r = await prJob(7, PR_HEAD3, { files: { 'perf.yml': broken } });
    expect(r.code).toBe(1);
    const problems = messages(r, 'error').filter((c) => c.properties.title === 'perf-action: config');
    expect(problems.map((c) => [c.properties.file, c.properties.line])).toEqual([
      ['perf.yml', '11'],
      ['perf.yml', '16'],
    ]);
    expect(problems[0]?.message).toMatch(/replicats.*did you mean "replicates"/);
    expect(problems[1]?.message).toMatch(/min-efect.*did you mean "min-effect"/);
    expect(failure(r)).toMatch(/^perf-action: .*perf\.yml:11:\d+: .*\(and 1 more problem: see the annotations\)$/);
    // Nothing ran, so nothing was posted.
    expect(r.stdout).not.toMatch(/▶ spin/);
    expect(since(before).filter((q) => q.method !== 'GET')).toEqual([]);
  });

  it('a suite that crashes fails the step with one line; the comment names the suite and its error', async () => {
    const r = await prJob(7, PR_HEAD3, {
      files: { 'spin.bench.ts': "throw new Error('cannot reach the fixture database');\n" },
    });
    expect(r.code, r.stdout).toBe(1);
    expect(failure(r)).toMatch(
      /^perf-action: suite spin: could not load \S*spin\.bench\.ts: .*cannot reach the fixture database$/,
    );
    expect(r.outputs.verdict).toBe('fail');
    const body = ours(7)[0]?.body ?? '';
    expect(body).toMatch(/#### Failed suites\n\n- ❌ \*\*spin\*\* \(bench\): .*cannot reach the fixture database/);
    // The results document is still written, with the suite marked as failed.
    const results = JSON.parse(readFileSync(r.outputs.results ?? '', 'utf8'));
    expect(results.suites).toMatchObject([{ name: 'spin', ok: false }]);
  });

  it('a schedule on main refreshes the baseline under a new key', async () => {
    const r = await job({
      event: 'schedule',
      payload: { schedule: '17 3 * * *' },
      ref: 'refs/heads/main',
      sha: MAIN2,
      inputs: { 'github-token': WRITE_TOKEN },
      cacheEnv: cacheSvc.env(mainCache()),
      env: { E2E_REPLICATES: '1' },
    });
    expect(r.code, r.stdout).toBe(0);
    const keys = cacheSvc.entries().map((e) => e.key);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toMatch(new RegExp(`-main-${MAIN2}-\\d+-1$`));
    // It compared with main's newest baseline first.
    expect(r.outputs['baseline-sha']).toBe(MAIN1);
  });

  it('a base commit with no baseline of its own: compared with the newest on main, and the report says so', async () => {
    const payload = prPayload(9, PR_HEAD1);
    const other = 'c'.repeat(40);
    payload.pull_request.base.sha = other;
    api.addPull({ number: 9, headSha: PR_HEAD1, headRef: 'feature', baseRef: DEFAULT_BRANCH, baseSha: other });
    const r = await job({
      event: 'pull_request',
      payload,
      ref: 'refs/pull/9/merge',
      sha: PR_HEAD1,
      inputs: { 'github-token': WRITE_TOKEN },
      cacheEnv: cacheSvc.env(prCache(9)),
      env: { E2E_REPLICATES: '1' },
    });
    expect(r.code, r.stdout).toBe(0);
    const body = ours(9)[0]?.body ?? '';
    expect(body).toMatch(/no baseline was saved for the base commit ccccccc; compared with the newest on main/);
  });

  it('comment: on-failure posts on a failure and refreshes that comment when the next run passes', async () => {
    api.addPull({ number: 11, headSha: PR_HEAD3, headRef: 'feature', baseRef: DEFAULT_BRANCH, baseSha: MAIN1 });
    const spec = (head: string, env: Record<string, string>) => ({
      event: 'pull_request',
      payload: prPayload(11, head),
      ref: 'refs/pull/11/merge',
      sha: head,
      inputs: { 'github-token': WRITE_TOKEN, comment: 'on-failure' },
      cacheEnv: cacheSvc.env(prCache(11)),
      env,
    });
    const red = await job(spec(PR_HEAD3, SLOW));
    expect(red.code).toBe(1);
    expect(ours(11)).toHaveLength(1);
    expect(ours(11)[0]?.body).toMatch(/failed\*\*/);
    const fixed = await job(spec(PR_HEAD1, { E2E_REPLICATES: '1' }));
    expect(fixed.code, fixed.stdout).toBe(0);
    const mine = ours(11);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.body).toMatch(/passed\*\*/);
    expect(mine[0]?.body).not.toMatch(/failed\*\*/);
    // A pull request that never failed gets no comment under on-failure.
    const quiet = await job({
      ...spec(PR_HEAD1, { E2E_REPLICATES: '1' }),
      payload: prPayload(12, PR_HEAD1),
      ref: 'refs/pull/12/merge',
      cacheEnv: cacheSvc.env(prCache(12)),
    });
    expect(quiet.code).toBe(0);
    expect(ours(12)).toHaveLength(0);
  });

  it('pull_request_target is refused before any pull-request code runs, and never writes the cache', async () => {
    const entries = cacheSvc.entries().length;
    const before = api.requests.length;
    const r = await job({
      event: 'pull_request_target',
      payload: prPayload(7, PR_HEAD1),
      ref: 'refs/heads/main',
      sha: PR_HEAD1,
      inputs: { 'github-token': WRITE_TOKEN },
      cacheEnv: cacheSvc.env(mainCache()),
      env: { E2E_REPLICATES: '1' },
    });
    expect(r.code).toBe(1);
    expect(failure(r)).toMatch(/refuses to run under pull_request_target/);
    expect(r.stdout).not.toMatch(/▶ spin/);
    expect(cacheSvc.entries()).toHaveLength(entries);
    expect(since(before)).toHaveLength(0);
  });

  it('a cache entry holding truncated files: a warning naming the key, and no baseline', async () => {
    const key = await seedTruncatedBaseline(MAIN_BAD, JSON.stringify(syntheticResults(MAIN_BAD, 3)));
    try {
      const r = await job({
        event: 'pull_request',
        payload: {
          ...prPayload(7, PR_HEAD3),
          pull_request: {
            ...prPayload(7, PR_HEAD3).pull_request,
            base: { sha: MAIN_BAD, ref: DEFAULT_BRANCH, repo: { full_name: REPOSITORY } },
          },
        },
        ref: 'refs/pull/7/merge',
        sha: PR_HEAD3,
        inputs: { 'github-token': WRITE_TOKEN },
        cacheEnv: cacheSvc.env(prCache(7)),
        env: { E2E_REPLICATES: '1' },
      });
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toContain(`Cache hit for restore-key: ${key}`);
      const warning = messages(r, 'warning').find((c) => c.message.includes(key));
      expect(warning?.message).toMatch(/continuing without a baseline/);
      expect(r.outputs).toMatchObject({ verdict: 'pass', 'baseline-sha': '' });
      const body = ours(7)[0]?.body ?? '';
      expect(body).toMatch(/Baseline unavailable/);
      expect(body).toContain(`the Actions cache entry ${key} holds an unreadable baseline`);
      expect(body).not.toMatch(/no regressions/i);
    } finally {
      cacheSvc.evict((e) => e.key === key);
    }
  });
});

/**
 * Saves a corrupt baseline entry for `sha` on main: the real store writes the files and picks the key, then
 * every file is cut in half before the real @actions/cache client (in a child process: it resolves paths
 * against its working directory) archives them. Returns the key.
 */
async function seedTruncatedBaseline(sha: string, results: string): Promise<string> {
  const prepared = sandbox.prepare({
    event: 'push',
    payload: {},
    ref: 'refs/heads/main',
    sha,
    cacheEnv: cacheSvc.env(mainCache()),
  });
  const client: CacheClient = {
    restoreCache: async () => undefined,
    async saveCache(paths, key) {
      for (const rel of paths) {
        const file = path.join(prepared.workspace, rel);
        const text = readFileSync(file, 'utf8');
        writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
      }
      // Started in this checkout so the import resolves from its node_modules.
      const script = `const cache = await import('@actions/cache');
process.chdir(${JSON.stringify(prepared.workspace)});
process.exit((await cache.saveCache(${JSON.stringify(paths)}, ${JSON.stringify(key)})) === -1 ? 3 : 0);`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: root,
        env: prepared.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      child.stdout.on('data', (c: Buffer) => {
        log += c;
      });
      child.stderr.on('data', (c: Buffer) => {
        log += c;
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      if (code !== 0) throw new Error(`seeding the cache entry ${key} failed (${code}):\n${log}`);
      return 1;
    },
  };
  const store = new CacheBaselineStore({
    client,
    os: prepared.env.RUNNER_OS ?? '',
    arch: prepared.env.RUNNER_ARCH ?? '',
    configId: 'e2e',
    workspace: prepared.workspace,
    save: { branch: DEFAULT_BRANCH, sha, runId: '1', attempt: '1' },
    warn: (m) => {
      throw new Error(m);
    },
  });
  await store.save(parseResults(results, 'seed'));
  if (!store.lastKey) throw new Error('the store did not report the key it saved');
  return store.lastKey;
}

/** A workflow_run job in mode: report, with `results` as the downloaded artifact. */
function reportJob(headSha: string, results: string, verdict?: string): Promise<JobResult> {
  return job({
    event: 'workflow_run',
    payload: {
      action: 'completed',
      // Fork pull requests are missing from pull_requests: the action finds them by head_sha.
      workflow_run: { head_sha: headSha, event: 'pull_request', conclusion: 'failure', pull_requests: [] },
    },
    ref: 'refs/heads/main',
    sha: MAIN1,
    inputs: { 'github-token': WRITE_TOKEN, mode: 'report', results: 'artifact/results.json' },
    cacheEnv: cacheSvc.env(mainCache()),
    files: { 'artifact/results.json': results, ...(verdict ? { 'artifact/verdict.json': verdict } : {}) },
    // The trusted checkout's criteria, with the limit the slowdown jobs use.
    env: { E2E_SPIN_LIMIT: SLOW.E2E_SPIN_LIMIT },
  });
}

/** A results document with `count` metrics of long names: more than a comment (or a summary) can hold. */
function syntheticResults(sha: string, count: number) {
  const metrics = Array.from({ length: count }, (_, i) => {
    const name = `endpoint-${String(i).padStart(5, '0')}-${'segment/'.repeat(12)}latency`;
    const samples = [10 + (i % 7), 11 + (i % 5), 12 + (i % 3)];
    return {
      id: `load/${name}`,
      suite: 'load',
      name,
      unit: 'ms',
      better: 'lower',
      samples,
      stats: { n: 3, mean: 11, median: 11, min: 10, max: 14 },
    };
  });
  return {
    schema: 'perf-action/results@1',
    createdAt: new Date().toISOString(),
    git: { sha },
    env: { os: 'linux', arch: 'x64', cpu: 'test cpu', cores: 2, node: 'v24.0.0' },
    suites: [{ name: 'load', kind: 'command', ok: true, durationMs: 1000, metrics }],
  };
}

describe('compare-to: base (same-runner A/B in the action)', () => {
  it('re-runs the PR base commit on this runner, finds the slowdown in the pairs, and says so in the comment', async () => {
    // A checkout that is a real git repository: the base commit spins 0.2 ms, the PR head 0.4 ms.
    const bench = (factor: number) =>
      `import { defineBench } from 'perf-action';\nconst FACTOR = ${factor};\n` +
      'function spin(ms: number): void { const end = performance.now() + ms; while (performance.now() < end) {} }\n' +
      'export default defineBench({ benches: { spin: () => spin(0.2 * FACTOR) } });\n';
    const config = [
      'version: 1',
      'id: e2e-ab',
      'suites:',
      '  - { name: ab, kind: bench, file: ab.bench.ts, replicates: 3, time: 25ms, warmup: 5ms }',
      'ab: { rounds: 6, max-rounds: 6 }',
      'compare: { min-effect: 10%, confidence: 80% }',
      '',
    ].join('\n');
    const prepared = sandbox.prepare({
      event: 'pull_request',
      payload: {},
      ref: 'refs/pull/21/merge',
      sha: PR_HEAD1,
      inputs: { 'github-token': WRITE_TOKEN, 'compare-to': 'base', 'comment-id': 'e2e-ab' },
      cacheEnv: cacheSvc.env(prCache(21)),
      apiUrl: api.url,
      files: { 'perf.yml': config, 'ab.bench.ts': bench(1) },
      env: { PERF_ACTION_RETRY_BASE_MS: '20' },
    });
    const git = (...args: string[]) => {
      const r = spawnSync('git', args, { cwd: prepared.workspace, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    };
    git('init', '-q');
    git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-q', '--allow-empty', '-m', 'root');
    git('add', '-A');
    git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-q', '-m', 'base');
    const baseSha = git('rev-parse', 'HEAD');
    writeFileSync(path.join(prepared.workspace, 'ab.bench.ts'), bench(2));
    git('-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', 'commit', '-q', '-am', 'slower');
    const headSha = git('rev-parse', 'HEAD');
    const payload = JSON.parse(readFileSync(prepared.eventPath, 'utf8'));
    payload.number = 21;
    payload.pull_request = {
      number: 21,
      head: { sha: headSha, ref: 'feature', repo: { full_name: REPOSITORY } },
      base: { sha: baseSha, ref: DEFAULT_BRANCH, repo: { full_name: REPOSITORY } },
    };
    writeFileSync(prepared.eventPath, JSON.stringify(payload));
    api.addPull({ number: 21, headSha, headRef: 'feature', baseRef: DEFAULT_BRANCH, baseSha });

    const r = await runActionBundle(actionMain, prepared);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/compare-to: base: measuring the base [0-9a-f]{7} on this runner too/);
    expect(r.outputs).toMatchObject({ verdict: 'fail', regressions: '1', 'baseline-sha': baseSha });
    const comment = api.comments(21).find((c) => c.body.includes('perf-action:e2e-ab'));
    expect(comment?.body).toMatch(/same runner/);
    expect(comment?.body).toContain('🔴 regressed');
    // The worktree of the base commit is gone again.
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  });
});
