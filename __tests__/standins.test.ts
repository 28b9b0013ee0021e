// The local stand-ins of the Actions cache service and the GitHub REST API, driven by the real clients:
// @actions/cache (Twirp v2 + blob upload/download, tar + zstd), the Azure storage-blob SDK it uploads with,
// and Octokit from @actions/github. Env vars are process-global, so everything here runs sequentially.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as cache from '@actions/cache';
import { getOctokit } from '@actions/github';
import { BlockBlobClient } from '@azure/storage-blob';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type CacheService, makeRuntimeToken, startCacheService } from './standins/cache-service.ts';
import { type GitHubApi, READ_ONLY_TOKEN, startGitHubApi, WRITE_TOKEN } from './standins/github-api.ts';

// ---- process-global state: env and stdout (where @actions/core writes info and ::warning::) ----------

const savedEnv = { ...process.env };
function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}
function restoreEnv() {
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
}

let output: string[] = [];
function captureStdout() {
  output = [];
  const write = (chunk: unknown) => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(write as typeof process.stdout.write);
}
const logged = () => output.join('');

// ---- the Actions cache ---------------------------------------------------------------------------------

describe.sequential('cache service stand-in with @actions/cache v6', () => {
  let svc: CacheService;
  let ws: string;
  let dir: string;
  const mainToken = makeRuntimeToken({ writeScope: 'refs/heads/main' });
  const prToken = makeRuntimeToken({ writeScope: 'refs/pull/7/merge', readScopes: ['refs/heads/main'] });
  const otherPrToken = makeRuntimeToken({ writeScope: 'refs/pull/8/merge', readScopes: ['refs/heads/main'] });

  /** Env as the runner sets it for a job; the cache client reads all of it at call time. */
  function runnerEnv(token: string, ref: string) {
    setEnv({
      ...svc.env(token),
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_WORKSPACE: ws,
      RUNNER_TEMP: path.join(ws, '_temp'),
      GITHUB_REF: ref,
      ACTIONS_CACHE_URL: undefined,
      ACTIONS_CACHE_MODE: undefined,
      RUNNER_DEBUG: undefined,
    });
  }
  function writeBaseline(content: string) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, 'nested'), { recursive: true });
    writeFileSync(path.join(dir, 'results.json'), content);
    writeFileSync(path.join(dir, 'nested', 'meta.txt'), `meta:${content}`);
  }
  const readBaseline = () => readFileSync(path.join(dir, 'results.json'), 'utf8');
  const ops = () => svc.requests.map((r) => `${r.op}:${r.status}`);

  beforeEach(async () => {
    svc = await startCacheService();
    ws = mkdtempSync(path.join(tmpdir(), 'perf-standin-cache-'));
    dir = path.join(ws, 'baseline');
    captureStdout();
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    restoreEnv();
    await svc.close();
    rmSync(ws, { recursive: true, force: true });
  });

  it('round-trips a folder: Twirp create, Put Blob, finalize, lookup, download, extract', async () => {
    runnerEnv(mainToken, 'refs/heads/main');
    writeBaseline('{"v":1}');
    const id = await cache.saveCache([dir], 'perf-main-sha1');
    expect(id).toBeGreaterThan(0);
    const [entry] = svc.entries();
    expect(entry).toMatchObject({ id, key: 'perf-main-sha1', scope: 'refs/heads/main', finalized: true });
    expect(entry?.sizeBytes).toBe(entry?.data?.length);
    // zstd is on PATH here, so the archive is a zstd frame (magic 28 b5 2f fd).
    expect(entry?.data?.subarray(0, 4).toString('hex')).toBe('28b52ffd');

    rmSync(dir, { recursive: true });
    expect(await cache.restoreCache([dir], 'perf-main-sha1')).toBe('perf-main-sha1');
    expect(readBaseline()).toBe('{"v":1}');
    expect(readFileSync(path.join(dir, 'nested', 'meta.txt'), 'utf8')).toBe('meta:{"v":1}');
    expect(ops()).toEqual([
      'CreateCacheEntry:200',
      'PutBlob:201',
      'FinalizeCacheEntryUpload:200',
      'GetCacheEntryDownloadURL:200',
      'GetBlob:200',
    ]);
  });

  it('keys are immutable: saving the same key again returns -1 and logs, without throwing', async () => {
    runnerEnv(mainToken, 'refs/heads/main');
    writeBaseline('first');
    expect(await cache.saveCache([dir], 'perf-dup')).toBeGreaterThan(0);
    writeBaseline('second');
    expect(await cache.saveCache([dir], 'perf-dup')).toBe(-1);
    // The client reports a 409 already_exists as an info line (not a ::warning::).
    expect(logged()).toMatch(/Failed to save: Unable to reserve cache with key perf-dup, another job may be creating/);
    expect(svc.requests.filter((r) => r.op === 'CreateCacheEntry').map((r) => r.status)).toEqual([200, 409]);
    expect(svc.entries()).toHaveLength(1);
    rmSync(dir, { recursive: true });
    await cache.restoreCache([dir], 'perf-dup');
    expect(readBaseline()).toBe('first');
  });

  it('restores by exact key first, then the newest entry matching a restore-key prefix', async () => {
    runnerEnv(mainToken, 'refs/heads/main');
    writeBaseline('older');
    await cache.saveCache([dir], 'perf-main-aaa');
    writeBaseline('newer');
    await cache.saveCache([dir], 'perf-main-bbb');
    writeBaseline('unrelated');
    await cache.saveCache([dir], 'other-main-ccc');

    rmSync(dir, { recursive: true });
    expect(await cache.restoreCache([dir], 'perf-main-aaa', ['perf-main-'])).toBe('perf-main-aaa');
    expect(readBaseline()).toBe('older');
    expect(await cache.restoreCache([dir], 'perf-main-zzz', ['perf-main-'])).toBe('perf-main-bbb');
    expect(readBaseline()).toBe('newer');
    expect(logged()).toMatch(/Cache hit for restore-key: perf-main-bbb/);
    // Restore keys are tried in order: the first that matches anything wins, even if another is newer.
    expect(await cache.restoreCache([dir], 'nope', ['perf-main-a', 'other-'])).toBe('perf-main-aaa');
    // The primary key itself is also prefix-matched (documented behaviour), newest first.
    expect(await cache.restoreCache([dir], 'perf-main-')).toBe('perf-main-bbb');
    expect(await cache.restoreCache([dir], 'nothing-', ['no-such-prefix-'])).toBeUndefined();
  });

  it('misses when the version (paths + compression) differs, even for the exact key', async () => {
    runnerEnv(mainToken, 'refs/heads/main');
    writeBaseline('x');
    await cache.saveCache([dir], 'perf-version');
    const other = path.join(ws, 'elsewhere');
    expect(await cache.restoreCache([other], 'perf-version')).toBeUndefined();
    expect(await cache.restoreCache([dir, other], 'perf-version')).toBeUndefined();
    // The same path spelled differently is a different version too.
    expect(await cache.restoreCache([`${dir}/`], 'perf-version')).toBeUndefined();
    expect(await cache.restoreCache([dir], 'perf-version', [], { lookupOnly: true })).toBe('perf-version');
    const lookups = svc.requests.filter((r) => r.op === 'GetCacheEntryDownloadURL');
    expect(lookups).toHaveLength(4);
  });

  it('scopes: a PR reads main but writes only its own scope; main and other PRs never see PR entries', async () => {
    runnerEnv(mainToken, 'refs/heads/main');
    writeBaseline('from-main');
    await cache.saveCache([dir], 'perf-base');

    runnerEnv(prToken, 'refs/pull/7/merge');
    rmSync(dir, { recursive: true });
    expect(await cache.restoreCache([dir], 'perf-base')).toBe('perf-base');
    expect(readBaseline()).toBe('from-main');
    writeBaseline('from-pr');
    expect(await cache.saveCache([dir], 'perf-pr-only')).toBeGreaterThan(0);
    // The PR may create a key main already has: immutability is per scope.
    expect(await cache.saveCache([dir], 'perf-base')).toBeGreaterThan(0);
    expect(svc.entries().map((e) => [e.key, e.scope])).toEqual([
      ['perf-base', 'refs/heads/main'],
      ['perf-pr-only', 'refs/pull/7/merge'],
      ['perf-base', 'refs/pull/7/merge'],
    ]);
    // Its own scope is searched before the base branch.
    rmSync(dir, { recursive: true });
    expect(await cache.restoreCache([dir], 'perf-base')).toBe('perf-base');
    expect(readBaseline()).toBe('from-pr');

    runnerEnv(mainToken, 'refs/heads/main');
    expect(await cache.restoreCache([dir], 'perf-pr-only', ['perf-'])).toBe('perf-base');
    expect(readBaseline()).toBe('from-main');
    runnerEnv(otherPrToken, 'refs/pull/8/merge');
    expect(await cache.restoreCache([dir], 'perf-pr-only')).toBeUndefined();
  });

  it('a token without a writable scope gets "cache write denied" (-1, warning); without readable scopes, a miss', async () => {
    runnerEnv(makeRuntimeToken({ readScopes: ['refs/heads/main'] }), 'refs/pull/9/merge');
    writeBaseline('x');
    expect(await cache.saveCache([dir], 'perf-denied')).toBe(-1);
    expect(logged()).toMatch(
      /::warning::Failed to save: Unable to reserve cache with key perf-denied\. .*cache write denied:/,
    );
    runnerEnv(makeRuntimeToken({}), 'refs/pull/9/merge');
    expect(await cache.restoreCache([dir], 'perf-denied')).toBeUndefined();
    expect(logged()).toMatch(/::warning::Failed to restore: .*cache read denied:/);
    expect(svc.entries()).toHaveLength(0);
  });

  it("fault 'down': restoreCache gives undefined and saveCache -1, without throwing", async () => {
    runnerEnv(mainToken, 'refs/heads/main');
    writeBaseline('x');
    await cache.saveCache([dir], 'perf-down');
    svc.setFault('down');
    expect(await cache.restoreCache([dir], 'perf-down')).toBeUndefined();
    expect(await cache.saveCache([dir], 'perf-down-2')).toBe(-1);
    expect(logged()).toMatch(/::warning::Failed to restore: .*ECONNRESET/);
    expect(svc.requests.filter((r) => r.fault === 'down').length).toBeGreaterThanOrEqual(2);
    svc.setFault(null);
    expect(await cache.restoreCache([dir], 'perf-down')).toBe('perf-down');
  });

  it('failAll starts the service down', async () => {
    await svc.close();
    svc = await startCacheService({ failAll: true });
    runnerEnv(mainToken, 'refs/heads/main');
    writeBaseline('x');
    expect(await cache.saveCache([dir], 'perf-failall')).toBe(-1);
    expect(await cache.restoreCache([dir], 'perf-failall')).toBeUndefined();
    expect(svc.entries()).toHaveLength(0);
  });

  it("fault 'corrupt-blob': the archive downloads but fails to extract, so restoreCache gives undefined", async () => {
    runnerEnv(mainToken, 'refs/heads/main');
    writeBaseline('good');
    await cache.saveCache([dir], 'perf-corrupt');
    rmSync(dir, { recursive: true });
    svc.setFault('corrupt-blob');
    expect(await cache.restoreCache([dir], 'perf-corrupt')).toBeUndefined();
    expect(logged()).toMatch(/::warning::Failed to restore: /);
    expect(svc.requests.at(-1)).toMatchObject({ op: 'GetBlob', status: 200, fault: 'corrupt-blob' });
    expect(() => readBaseline()).toThrow();
  });

  it("fault '500' once: the client's Twirp retry recovers", async () => {
    runnerEnv(mainToken, 'refs/heads/main');
    writeBaseline('retry');
    svc.setFault('500', { times: 1, target: 'twirp' });
    expect(await cache.saveCache([dir], 'perf-retry')).toBeGreaterThan(0);
    expect(ops().slice(0, 2)).toEqual(['CreateCacheEntry:500', 'CreateCacheEntry:200']);
    expect(logged()).toMatch(
      /Attempt 1 of 5 failed with error: Failed request: \(500\) Internal Server Error: internal error/,
    );
  });

  it("fault '429': rate limited is not retried; restore is a miss", async () => {
    runnerEnv(mainToken, 'refs/heads/main');
    svc.setFault('429');
    expect(await cache.restoreCache([dir], 'perf-429')).toBeUndefined();
    expect(logged()).toMatch(/rate limit will reset in 60 seconds/);
    expect(ops()).toEqual(['GetCacheEntryDownloadURL:429']);
  });

  it('speaks Twirp errors and proto field names on the wire', async () => {
    const rpc = (method: string, body: unknown, token?: string) =>
      fetch(`${svc.url}twirp/github.actions.results.api.v1.CacheService/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const noAuth = await rpc('CreateCacheEntry', { key: 'k', version: 'v' });
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ code: 'unauthenticated' });
    const expired = await rpc(
      'CreateCacheEntry',
      { key: 'k', version: 'v' },
      makeRuntimeToken({ writeScope: 'refs/heads/main', expiresIn: -10 }),
    );
    expect(expired.status).toBe(401);
    const created = await rpc('CreateCacheEntry', { key: 'k', version: 'v' }, mainToken);
    const body = (await created.json()) as { ok: boolean; signed_upload_url: string };
    expect(body.ok).toBe(true);
    expect(body.signed_upload_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1\/actions-cache\/.+\?.*sig=/);
    const again = await rpc('CreateCacheEntry', { key: 'k', version: 'v' }, mainToken);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({
      code: 'already_exists',
      msg: 'cache entry with the same key, version, and scope already exists',
    });
    const early = await rpc('FinalizeCacheEntryUpload', { key: 'k', version: 'v', size_bytes: '3' }, mainToken);
    expect(early.status).toBe(412);
    const unknown = await rpc('DeleteCacheEntry', { key: 'k' }, mainToken);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'bad_route' });
    // A tampered signature is refused like Azure refuses it.
    const tampered = body.signed_upload_url.replace(/sig=[^&]+/, 'sig=AAAA');
    const put = await fetch(tampered, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: 'abc' });
    expect(put.status).toBe(403);
    expect(put.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
  });

  it('serves the storage SDK: Put Block + Put Block List upload, HEAD + ranged GET download', async () => {
    const rpc = async (method: string, body: unknown) => {
      const r = await fetch(`${svc.url}twirp/github.actions.results.api.v1.CacheService/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${mainToken}` },
        body: JSON.stringify(body),
      });
      return (await r.json()) as Record<string, string | boolean>;
    };
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const created = await rpc('CreateCacheEntry', { key: 'sdk', version: 'v1' });
    const uploader = new BlockBlobClient(String(created.signed_upload_url));
    // Force the multi-block path that @actions/cache takes for archives over 128 MiB.
    await uploader.uploadData(data, { maxSingleShotSize: 64 * 1024, blockSize: 64 * 1024, concurrency: 3 });
    expect(svc.requests.filter((r) => r.op === 'PutBlock')).toHaveLength(5);
    expect(svc.requests.filter((r) => r.op === 'PutBlockList').map((r) => r.status)).toEqual([201]);
    expect(
      await rpc('FinalizeCacheEntryUpload', { key: 'sdk', version: 'v1', size_bytes: String(data.length) }),
    ).toEqual({
      ok: true,
      entry_id: String(svc.entries()[0]?.id),
    });
    // Written once, then immutable.
    await expect(uploader.uploadData(Buffer.from('overwrite'))).rejects.toMatchObject({ statusCode: 409 });

    const found = await rpc('GetCacheEntryDownloadURL', { key: 'sdk', restore_keys: [], version: 'v1' });
    expect(found).toMatchObject({ ok: true, matched_key: 'sdk' });
    const downloader = new BlockBlobClient(String(found.signed_download_url));
    expect((await downloader.getProperties()).contentLength).toBe(data.length);
    const copy = await downloader.downloadToBuffer(0, undefined, { blockSize: 100_000, concurrency: 2 });
    expect(copy.equals(data)).toBe(true);
    expect(svc.requests.filter((r) => r.op === 'GetBlob').map((r) => r.status)).toEqual([206, 206, 206]);
    // The download URL is read-only.
    const write = new BlockBlobClient(String(found.signed_download_url));
    await expect(write.uploadData(Buffer.from('nope'))).rejects.toMatchObject({ statusCode: 403 });
    expect(await rpc('GetCacheEntryDownloadURL', { key: 'sdk', version: 'v2' })).toMatchObject({ ok: false });
  });
});

// ---- the GitHub REST API --------------------------------------------------------------------------------

describe.sequential('GitHub REST API stand-in with Octokit from @actions/github', () => {
  let api: GitHubApi;
  const owner = 'octo-org';
  const repo = 'octo-repo';
  const headSha = 'a'.repeat(40);
  const octokit = (token = WRITE_TOKEN) => getOctokit(token, { baseUrl: api.url });

  beforeEach(async () => {
    api = await startGitHubApi({
      pulls: [
        { number: 7, headSha, headRef: 'feature', baseRef: 'main', baseSha: 'b'.repeat(40) },
        { number: 8, headSha: 'c'.repeat(40), headRepo: 'forker/octo-repo', commits: [headSha.replace(/^a/, 'd')] },
      ],
    });
  });
  afterEach(async () => {
    restoreEnv();
    await api.close();
  });

  it('@actions/github fixes its default baseUrl at import: GITHUB_API_URL set later is ignored', async () => {
    setEnv({ GITHUB_API_URL: api.url });
    const late = getOctokit(WRITE_TOKEN);
    expect(late.request.endpoint.DEFAULTS.baseUrl).toBe(savedEnv.GITHUB_API_URL ?? 'https://api.github.com');
    expect(octokit().request.endpoint.DEFAULTS.baseUrl).toBe(api.url);
    expect((await octokit().rest.pulls.get({ owner, repo, pull_number: 7 })).data.number).toBe(7);
  });

  it('paginates 250 comments across pages by following the Link header', async () => {
    for (let i = 0; i < 250; i++) api.addComment(7, `comment ${i}`);
    const gh = octokit();
    const all = await gh.paginate(gh.rest.issues.listComments, { owner, repo, issue_number: 7, per_page: 100 });
    expect(all).toHaveLength(250);
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 250 }, (_, i) => `comment ${i}`));
    const lists = api.requests.filter((r) => r.route === 'listComments');
    expect(lists.map((r) => [r.path, r.query.page ?? '1'])).toEqual([
      ['/repos/octo-org/octo-repo/issues/7/comments', '1'],
      ['/repositories/123456789/issues/7/comments', '2'],
      ['/repositories/123456789/issues/7/comments', '3'],
    ]);

    const first = await gh.rest.issues.listComments({ owner, repo, issue_number: 7, per_page: 100 });
    expect(first.headers.link).toContain('page=2>; rel="next"');
    expect(first.headers.link).toContain('page=3>; rel="last"');
    expect(first.headers.link).not.toContain('rel="prev"');
    const middle = await gh.rest.issues.listComments({ owner, repo, issue_number: 7, per_page: 100, page: 2 });
    expect(middle.headers.link).toMatch(
      /page=1>; rel="prev".*page=3>; rel="next".*page=3>; rel="last".*page=1>; rel="first"/,
    );
    const last = await gh.rest.issues.listComments({ owner, repo, issue_number: 7, per_page: 100, page: 3 });
    expect(last.data).toHaveLength(50);
    expect(last.headers.link).not.toContain('rel="next"');
    // Default page size is 30.
    expect((await gh.rest.issues.listComments({ owner, repo, issue_number: 7 })).data).toHaveLength(30);
    await expect(gh.rest.issues.listComments({ owner, repo, issue_number: 99 })).rejects.toMatchObject({ status: 404 });
  });

  it('creates and updates a comment in place', async () => {
    const gh = octokit();
    const created = await gh.rest.issues.createComment({
      owner,
      repo,
      issue_number: 7,
      body: '<!-- perf-action:x -->\nv1',
    });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe('github-actions[bot]');
    expect(created.data.html_url).toBe(`https://github.com/octo-org/octo-repo/pull/7#issuecomment-${created.data.id}`);
    const updated = await gh.rest.issues.updateComment({
      owner,
      repo,
      comment_id: created.data.id,
      body: '<!-- perf-action:x -->\nv2',
    });
    expect(updated.status).toBe(200);
    expect(updated.data.id).toBe(created.data.id);
    expect(api.comments(7).map((c) => c.body)).toEqual(['<!-- perf-action:x -->\nv2']);
    await expect(gh.rest.issues.updateComment({ owner, repo, comment_id: 42, body: 'x' })).rejects.toMatchObject({
      status: 404,
    });
    await expect(
      gh.rest.issues.createComment({ owner: 'someone', repo: 'else', issue_number: 7, body: 'x' }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it('5xx: Octokit does not retry on its own; a request hook that retries recovers', async () => {
    api.inject('createComment', { kind: 'server-error', status: 500 });
    const gh = octokit();
    await expect(gh.rest.issues.createComment({ owner, repo, issue_number: 7, body: 'x' })).rejects.toMatchObject({
      status: 500,
      message: 'Server Error',
    });
    expect(api.comments(7)).toHaveLength(0);

    api.inject('createComment', { kind: 'server-error', status: 502, times: 2 });
    const retrying = octokit();
    let attempts = 0;
    retrying.hook.wrap('request', async (request, options) => {
      for (;;) {
        attempts++;
        try {
          return await request(options);
        } catch (err) {
          if (attempts >= 5 || ((err as { status?: number }).status ?? 0) < 500) throw err;
        }
      }
    });
    const created = await retrying.rest.issues.createComment({ owner, repo, issue_number: 7, body: 'after retries' });
    expect(created.status).toBe(201);
    expect(attempts).toBe(3);
    expect(api.requests.filter((r) => r.route === 'createComment').map((r) => r.status)).toEqual([500, 502, 502, 201]);
    expect(api.comments(7).map((c) => c.body)).toEqual(['after retries']);
  });

  it('rate limits: secondary (403 + retry-after) and primary (429/403 with x-ratelimit-remaining 0)', async () => {
    const gh = octokit();
    api.inject('createComment', { kind: 'secondary-rate-limit', retryAfter: 7 });
    const secondary = await gh.rest.issues
      .createComment({ owner, repo, issue_number: 7, body: 'x' })
      .catch((e: unknown) => e);
    expect(secondary).toMatchObject({ status: 403, response: { headers: { 'retry-after': '7' } } });
    expect((secondary as Error).message).toMatch(/secondary rate limit/);

    api.inject('*', { kind: 'primary-rate-limit', status: 429, resetAfter: 120 });
    const primary = await gh.rest.pulls.get({ owner, repo, pull_number: 7 }).catch((e: unknown) => e);
    const headers = (primary as { response: { headers: Record<string, string> } }).response.headers;
    expect(primary).toMatchObject({ status: 429 });
    expect(headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect((primary as Error).message).toMatch(/API rate limit exceeded/);

    api.inject('listComments', { kind: 'primary-rate-limit' });
    await expect(gh.rest.issues.listComments({ owner, repo, issue_number: 7 })).rejects.toMatchObject({ status: 403 });
    // Faults are consumed: the next calls succeed.
    expect((await gh.rest.issues.createComment({ owner, repo, issue_number: 7, body: 'ok' })).status).toBe(201);
    expect((await gh.rest.issues.listComments({ owner, repo, issue_number: 7 })).data).toHaveLength(1);
  });

  it('a read-only token (fork PR) reads but gets 403 on writes; an unknown token gets 401', async () => {
    const seeded = api.addComment(7, 'existing');
    const ro = octokit(READ_ONLY_TOKEN);
    expect((await ro.rest.issues.listComments({ owner, repo, issue_number: 7 })).data).toHaveLength(1);
    await expect(ro.rest.issues.createComment({ owner, repo, issue_number: 7, body: 'x' })).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('Resource not accessible by integration'),
    });
    await expect(ro.rest.issues.updateComment({ owner, repo, comment_id: seeded.id, body: 'x' })).rejects.toMatchObject(
      {
        status: 403,
      },
    );
    expect(api.comments(7).map((c) => c.body)).toEqual(['existing']);
    await expect(octokit('ghs_bogus').rest.pulls.get({ owner, repo, pull_number: 7 })).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('Bad credentials'),
    });
  });

  it('caps comment bodies at 65,536 characters with 422', async () => {
    const gh = octokit();
    const fits = await gh.rest.issues.createComment({ owner, repo, issue_number: 7, body: 'x'.repeat(65_536) });
    expect(fits.status).toBe(201);
    const tooLong = await gh.rest.issues
      .createComment({ owner, repo, issue_number: 7, body: 'x'.repeat(65_537) })
      .catch((e: unknown) => e);
    expect(tooLong).toMatchObject({ status: 422 });
    expect((tooLong as Error).message).toMatch(/Validation Failed: .*Body is too long \(maximum is 65536 characters\)/);
    await expect(
      gh.rest.issues.updateComment({ owner, repo, comment_id: fits.data.id, body: 'y'.repeat(70_000) }),
    ).rejects.toMatchObject({ status: 422 });
    expect(api.comments(7)).toHaveLength(1);
    expect(api.comments(7)[0]?.body).toHaveLength(65_536);
  });

  it('finds pull requests by commit and by number', async () => {
    const gh = octokit();
    const byHead = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: headSha });
    expect(byHead.data.map((p) => [p.number, p.head.sha, p.base.ref, p.base.sha])).toEqual([
      [7, headSha, 'main', 'b'.repeat(40)],
    ]);
    const fork = await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: 'c'.repeat(40) });
    expect(fork.data[0]?.head.repo?.fork).toBe(true);
    expect(fork.data[0]?.head.repo?.full_name).toBe('forker/octo-repo');
    expect(
      (await gh.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: 'f'.repeat(40) })).data,
    ).toEqual([]);
    const pr = await gh.rest.pulls.get({ owner, repo, pull_number: 7 });
    expect(pr.data).toMatchObject({
      number: 7,
      state: 'open',
      head: { sha: headSha, ref: 'feature' },
      base: { ref: 'main' },
    });
    await expect(gh.rest.pulls.get({ owner, repo, pull_number: 404 })).rejects.toMatchObject({ status: 404 });
  });
});
