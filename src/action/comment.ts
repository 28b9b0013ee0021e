// One sticky comment per config on a pull request: found by its hidden marker across every page of
// comments, and only among the token's own comments (anyone can paste the marker), updated in place,
// created when absent.

import { reportMarker } from '../report/index.ts';

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
  opts: { create?: boolean } = {},
): Promise<UpsertResult | undefined> {
  const marker = markerFor(configId);
  // Ours: written by this token's identity (the default GITHUB_TOKEN's when it cannot be told) and starting with
  // the marker; the marker in anyone else's comment, at its start or quoted later, does not count.
  const me = (await api.viewer().catch(() => undefined)) ?? DEFAULT_IDENTITY;
  const existing = (await api.listComments(pr)).find((c) => c.user?.login === me && c.body?.startsWith(marker));
  if (existing) {
    const r = await api.updateComment(existing.id, body);
    return { action: 'updated', id: r.id, ...(r.html_url ? { url: r.html_url } : {}) };
  }
  if (opts.create === false) return undefined;
  const r = await api.createComment(pr, body);
  return { action: 'created', id: r.id, ...(r.html_url ? { url: r.html_url } : {}) };
}
