// One sticky comment per config on a pull request: found by its hidden marker across every page of
// comments, and only among the token's own comments (anyone can paste the marker), updated in place,
// created when absent.

import { reportMarker } from '../report/index.ts';
import { type HttpErrorLike, type RetryOptions, retryDelay } from './retry.ts';

export interface CommentApi {
  /** Every comment of the issue/PR (all pages). */
  listComments(
    pr: number,
  ): Promise<Array<{ id: number; body?: string | null; html_url?: string; user?: { login?: string } | null }>>;
  /** The login the token writes as (GraphQL `viewer`), or undefined when it cannot be told. */
  viewer(): Promise<string | undefined>;
  createComment(pr: number, body: string): Promise<{ id: number; html_url?: string }>;
  updateComment(id: number, body: string): Promise<{ id: number; html_url?: string }>;
}

/** The hidden marker the report starts with; shared with the renderer so both always agree. */
export function markerFor(configId: string): string {
  return reportMarker(configId);
}

/** Who a workflow's GITHUB_TOKEN writes as. */
export const DEFAULT_IDENTITY = 'github-actions[bot]';

/**
 * Which run and which job process wrote a comment. Two jobs of one run (matrix legs with one config) would
 * otherwise overwrite each other's report, the last one hiding a failure of the first.
 */
export interface CommentStamp {
  /** `<run id>.<attempt>`: a re-run is a new attempt and may replace the comment. */
  run: string;
  /** Unique per action process. */
  leg: string;
}

export class CommentCollisionError extends Error {
  override name = 'CommentCollisionError';
}

const STAMP = /<!-- perf-action-leg: run=(\S+) leg=(\S+) -->/;

export function stampLine(s: CommentStamp): string {
  return `<!-- perf-action-leg: run=${s.run} leg=${s.leg} -->`;
}

/** Room the stamp takes at the end of a comment. */
export const STAMP_ROOM = 120;

export interface UpsertResult {
  action: 'created' | 'updated';
  id: number;
  url?: string;
}

/** Updates our comment, or creates one unless `create` is false (then undefined when there is none). */
export async function upsertComment(
  api: CommentApi,
  pr: number,
  configId: string,
  body: string,
  opts: { create?: boolean; retry?: RetryOptions; stamp?: CommentStamp } = {},
): Promise<UpsertResult | undefined> {
  const marker = markerFor(configId);
  const stamp = opts.stamp;
  if (stamp) body = `${body}\n${stampLine(stamp)}`;
  // Ours: written by this token's identity (the default GITHUB_TOKEN's when it cannot be told) and starting with
  // the marker; the marker in anyone else's comment, at its start or quoted later, does not count.
  const me = (await api.viewer().catch(() => undefined)) ?? DEFAULT_IDENTITY;
  const existing = findOurs(await api.listComments(pr), me, marker);
  if (existing) {
    const other = STAMP.exec(existing.body ?? '');
    if (stamp && other && other[1] === stamp.run && other[2] !== stamp.leg) {
      throw new CommentCollisionError(
        `another job of this run already wrote the comment of config "${configId}" on #${pr} (a matrix leg with the same config?); ` +
          'it is left as it is so neither report hides the other. Give each leg its own comment-id ' +
          '(for example comment-id: perf-${{ matrix.os }}), which also keeps their baselines apart',
      );
    }
    const r = await api.updateComment(existing.id, body);
    return { action: 'updated', id: r.id, ...(r.html_url ? { url: r.html_url } : {}) };
  }
  if (opts.create === false) return undefined;
  const created = await createOnce(api, pr, body, (list) => findOurs(list, me, marker), opts.retry);
  if ('updated' in created) return created.updated;
  const r = created.made;
  return { action: 'created', id: r.id, ...(r.html_url ? { url: r.html_url } : {}) };
}

type Listed = Awaited<ReturnType<CommentApi['listComments']>>;

function findOurs(list: Listed, me: string, marker: string): Listed[number] | undefined {
  return list.find((c) => c.user?.login === me && c.body?.startsWith(marker));
}

/**
 * A create is not idempotent: a 5xx may come back for a comment GitHub did write. So it is never retried
 * blindly: after a passing failure the comments are listed again, and a comment of ours found there is updated
 * instead of a second one made.
 */
async function createOnce(
  api: CommentApi,
  pr: number,
  body: string,
  ours: (list: Listed) => Listed[number] | undefined,
  retry: RetryOptions | undefined,
): Promise<{ made: { id: number; html_url?: string } } | { updated: UpsertResult }> {
  const sleep = retry?.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return { made: await api.createComment(pr, body) };
    } catch (err) {
      const delay = retry && attempt < retry.retries ? retryDelay(err as HttpErrorLike, attempt, retry) : undefined;
      if (delay === undefined) throw err;
      retry?.log?.(
        `creating the comment failed (${(err as HttpErrorLike).status ?? 'network'}: ${(err as Error).message}); looking whether it was written before trying again in ${Math.round(delay)} ms`,
      );
      await sleep(delay);
      const found = ours(await api.listComments(pr));
      if (found) {
        const r = await api.updateComment(found.id, body);
        return { updated: { action: 'created', id: r.id, ...(r.html_url ? { url: r.html_url } : {}) } };
      }
    }
  }
}
