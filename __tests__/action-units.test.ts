import { describe, expect, it } from 'vitest';
import { type CommentApi, upsertComment } from '../src/action/comment.ts';
import { planEvent } from '../src/action/event.ts';
import { InputError, readInputs } from '../src/action/inputs.ts';
import { retryDelay, withRetries } from '../src/action/retry.ts';
import { branchPrefix, saveKey, shaFromKey, shaPrefix } from '../src/baseline/cache-key.ts';

const parts = { os: 'Linux', arch: 'X64', configId: 'examples-quickstart-perf' };

describe('event planning', () => {
  const repo = { repository: { default_branch: 'main' } };

  it('pull_request compares with the base sha and never saves', () => {
    const plan = planEvent({
      eventName: 'pull_request',
      payload: { ...repo, number: 7, pull_request: { number: 7, base: { sha: 'b1', ref: 'main' } } },
      ref: 'refs/pull/7/merge',
      sha: 'h1',
    });
    expect(plan).toMatchObject({ compare: true, baseSha: 'b1', baseBranch: 'main', maySave: false, pr: 7 });
  });

  it('push to the default branch saves; to another branch it does not', () => {
    const main = planEvent({
      eventName: 'push',
      payload: { ...repo, before: 'p0' },
      ref: 'refs/heads/main',
      sha: 's1',
    });
    expect(main).toMatchObject({ compare: true, baseSha: 'p0', baseBranch: 'main', maySave: true, saveBranch: 'main' });
    const feature = planEvent({
      eventName: 'push',
      payload: { ...repo, before: '0000000' },
      ref: 'refs/heads/feat',
      sha: 's2',
    });
    expect(feature.maySave).toBe(false);
    expect(feature.baseSha).toBeUndefined();
  });

  it('merge_group compares with its base and never saves; schedule on main refreshes', () => {
    const mq = planEvent({
      eventName: 'merge_group',
      payload: { ...repo, merge_group: { base_sha: 'b2', base_ref: 'refs/heads/main' } },
      ref: 'refs/heads/gh-readonly-queue/main/pr-1',
      sha: 'm1',
    });
    expect(mq).toMatchObject({ compare: true, baseSha: 'b2', baseBranch: 'main', maySave: false });
    const sched = planEvent({
      eventName: 'schedule',
      payload: {},
      ref: 'refs/heads/main',
      sha: 'x',
      defaultBranch: 'main',
    });
    expect(sched).toMatchObject({ maySave: true, saveBranch: 'main', baseBranch: 'main' });
    // A bare schedule payload (no repository): a schedule runs on the default branch, so it still saves.
    const bare = planEvent({
      eventName: 'schedule',
      payload: { schedule: '17 3 * * *' },
      ref: 'refs/heads/main',
      sha: 'x',
    });
    expect(bare).toMatchObject({ maySave: true, saveBranch: 'main', baseBranch: 'main' });
    // A manual run with no repository in its payload does not guess.
    const manual = planEvent({ eventName: 'workflow_dispatch', payload: {}, ref: 'refs/heads/topic', sha: 'x' });
    expect(manual.maySave).toBe(false);
  });

  it('unknown events run without comparing and say so', () => {
    const plan = planEvent({ eventName: 'release', payload: repo, ref: 'refs/tags/v1', sha: 'x' });
    expect(plan.compare).toBe(false);
    expect(plan.maySave).toBe(false);
    expect(plan.reason).toMatch(/release/);
  });
});

describe('inputs', () => {
  const from = (m: Record<string, string>) => (n: string) => m[n] ?? '';

  it('defaults and validation', () => {
    const i = readInputs(from({ 'github-token': 't' }));
    expect(i).toMatchObject({
      mode: 'run',
      baseline: 'cache',
      saveBaseline: 'auto',
      comment: 'always',
      workingDirectory: '.',
    });
    expect(() => readInputs(from({ comment: 'sometimes' }))).toThrow(
      /input "comment" is "sometimes"; use one of: always, on-change/,
    );
    expect(() => readInputs(from({ mode: 'report' }))).toThrow(/needs the input "results"/);
    expect(() => readInputs(from({ 'fail-on': 'criteria,speed' }))).toThrow(InputError);
    expect(readInputs(from({ 'fail-on': 'none' })).failOn).toEqual([]);
    expect(readInputs(from({ 'fail-on': '[criteria, regression]' })).failOn).toEqual(['criteria', 'regression']);
    expect(readInputs(from({ baseline: 'base.json' }))).toMatchObject({ baseline: 'file', baselineFile: 'base.json' });
  });

  it('shard, start-at and mode merge', () => {
    expect(readInputs(from({ shard: '2/3', 'start-at': '1764842400000' }))).toMatchObject({
      mode: 'run',
      shard: { index: 2, count: 3 },
      startAt: 1764842400000,
    });
    expect(() => readInputs(from({ shard: '4/3' }))).toThrow(/input "shard" "4\/3" is not a leg/);
    expect(() => readInputs(from({ shard: '1/2', 'start-at': 'later' }))).toThrow(
      /input "start-at" "later" is not a time/,
    );
    expect(() => readInputs(from({ 'start-at': '1764842400000' }))).toThrow(/give "shard" too/);
    expect(() => readInputs(from({ mode: 'merge' }))).toThrow(/mode: merge needs the input "results"/);
    expect(() => readInputs(from({ mode: 'merge', results: 'legs', shard: '1/2' }))).toThrow(
      /"shard" is for mode: run/,
    );
    expect(readInputs(from({ mode: 'merge', results: 'legs' }))).toMatchObject({ mode: 'merge', results: 'legs' });
  });

  it("accept-label: action.yml's default when not given, none turns it off", () => {
    expect(readInputs(from({})).acceptLabel).toBe('accept-regression');
    expect(readInputs(from({ 'accept-label': 'perf-ok' })).acceptLabel).toBe('perf-ok');
    expect(readInputs(from({ 'accept-label': 'none' })).acceptLabel).toBeUndefined();
  });
});

describe('cache keys', () => {
  it('builds unique keys whose prefixes do not confuse branches', () => {
    const k = saveKey(parts, 'main', 'abc', '42', '1');
    expect(k.startsWith(shaPrefix(parts, 'main', 'abc'))).toBe(true);
    expect(k.startsWith(branchPrefix(parts, 'main'))).toBe(true);
    const other = saveKey(parts, 'main-old', 'abc', '42', '1');
    expect(other.startsWith(branchPrefix(parts, 'main'))).toBe(false);
    expect(shaFromKey(parts, 'main', k)).toBe('abc');
    expect(k).not.toContain(',');
    expect(saveKey(parts, 'main', 'abc', '42', '2')).not.toBe(k);
  });
});

describe('retries', () => {
  const opts = { retries: 3, baseDelayMs: 10, maxDelayMs: 1000 };

  it('retries 5xx and secondary rate limits, not permission errors', () => {
    expect(retryDelay({ status: 502 }, 0, opts)).toBe(10);
    expect(retryDelay({ status: 500 }, 2, opts)).toBe(40);
    expect(retryDelay({ status: 403, message: 'You have exceeded a secondary rate limit' }, 0, opts)).toBe(10);
    expect(retryDelay({ status: 403, response: { headers: { 'retry-after': '0.5' } } }, 0, opts)).toBe(500);
    expect(retryDelay({ status: 403, message: 'Resource not accessible by integration' }, 0, opts)).toBeUndefined();
    expect(retryDelay({ status: 422 }, 0, opts)).toBeUndefined();
  });

  it('gives up after the configured retries and returns the first success', async () => {
    let calls = 0;
    const sleeps: number[] = [];
    const ok = await withRetries(
      async () => {
        calls++;
        if (calls < 3) throw Object.assign(new Error('bad gateway'), { status: 502 });
        return 'done';
      },
      'test',
      { ...opts, sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(ok).toBe('done');
    expect(sleeps).toEqual([10, 20]);
    calls = 0;
    await expect(
      withRetries(
        async () => {
          calls++;
          throw Object.assign(new Error('down'), { status: 503 });
        },
        'test',
        { ...opts, sleep: async () => {} },
      ),
    ).rejects.toThrow('down');
    expect(calls).toBe(4);
  });
});

describe('sticky comment', () => {
  const bot = { login: 'github-actions[bot]' };
  function fakeApi(initial: Array<{ id: number; body: string; user?: { login: string } }>, viewer?: string) {
    const comments = initial.map((c) => ({ user: bot, ...c }));
    let next = 100;
    const api: CommentApi = {
      listComments: async () => comments,
      viewer: async () => viewer,
      createComment: async (_pr, body) => {
        const c = { id: next++, body, user: viewer ? { login: viewer } : bot };
        comments.push(c);
        return c;
      },
      updateComment: async (id, body) => {
        const c = comments.find((x) => x.id === id);
        if (!c) throw new Error('no such comment');
        c.body = body;
        return c;
      },
    };
    return { api, comments };
  }

  it('creates once, then updates the comment with the same marker and leaves others alone', async () => {
    const { api, comments } = fakeApi([
      { id: 1, body: 'hello' },
      { id: 2, body: '<!-- perf-action:other -->\nx' },
    ]);
    const a = await upsertComment(api, 7, 'quick', '<!-- perf-action:quick -->\nfirst');
    expect(a?.action).toBe('created');
    const b = await upsertComment(api, 7, 'quick', '<!-- perf-action:quick -->\nsecond');
    expect(b).toMatchObject({ action: 'updated', id: a?.id });
    expect(comments.filter((c) => c.body.includes('perf-action:quick'))).toHaveLength(1);
    expect(comments.find((c) => c.id === 2)?.body).toContain('perf-action:other');
  });

  it("never takes another user's comment with our marker for its own", async () => {
    const { api, comments } = fakeApi([
      { id: 9, body: '<!-- perf-action:quick -->\nforged', user: { login: 'mallory' } },
    ]);
    const r = await upsertComment(api, 7, 'quick', '<!-- perf-action:quick -->\nbody');
    expect(r?.action).toBe('created');
    expect(comments.find((c) => c.id === 9)?.body).toContain('forged');
    // A token of another identity (a PAT, an app) finds its own comments by the viewer's login.
    const app = fakeApi(
      [{ id: 3, body: '<!-- perf-action:quick -->\nold', user: { login: 'perf-bot[bot]' } }],
      'perf-bot[bot]',
    );
    expect(await upsertComment(app.api, 7, 'quick', '<!-- perf-action:quick -->\nnew')).toMatchObject({
      action: 'updated',
      id: 3,
    });
  });

  it('with create: false, refreshes our comment but never starts one', async () => {
    const none = fakeApi([]);
    expect(await upsertComment(none.api, 7, 'quick', '<!-- perf-action:quick -->\npassed', { create: false })).toBe(
      undefined,
    );
    expect(none.comments).toHaveLength(0);
    const red = fakeApi([{ id: 4, body: '<!-- perf-action:quick -->\nfailed' }]);
    const r = await upsertComment(red.api, 7, 'quick', '<!-- perf-action:quick -->\npassed', { create: false });
    expect(r).toMatchObject({ action: 'updated', id: 4 });
    expect(red.comments[0]?.body).toContain('passed');
  });

  it('does not treat a quoted marker inside another comment as its own', async () => {
    const { api } = fakeApi([{ id: 5, body: 'someone wrote `<!-- perf-action:quick -->` here' }]);
    const r = await upsertComment(api, 7, 'quick', '<!-- perf-action:quick -->\nbody');
    expect(r?.action).toBe('created');
  });
});
