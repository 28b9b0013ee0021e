// One sticky comment per config on a pull request: found by its hidden marker across every page of
// comments, updated in place, created when absent.

import { reportMarker } from '../report/index.ts';

export interface CommentApi {
  /** Every comment of the issue/PR (all pages). */
  listComments(pr: number): Promise<Array<{ id: number; body?: string | null; html_url?: string }>>;
  createComment(pr: number, body: string): Promise<{ id: number; html_url?: string }>;
  updateComment(id: number, body: string): Promise<{ id: number; html_url?: string }>;
}

/** The hidden marker the report starts with; shared with the renderer so both always agree. */
export function markerFor(configId: string): string {
  return reportMarker(configId);
}

export interface UpsertResult {
  action: 'created' | 'updated';
  id: number;
  url?: string;
}

export async function upsertComment(
  api: CommentApi,
  pr: number,
  configId: string,
  body: string,
): Promise<UpsertResult> {
  const marker = markerFor(configId);
  // Our comments start with the marker; a marker quoted later in someone else's comment does not count.
  const existing = (await api.listComments(pr)).find((c) => c.body?.startsWith(marker));
  if (existing) {
    const r = await api.updateComment(existing.id, body);
    return { action: 'updated', id: r.id, ...(r.html_url ? { url: r.html_url } : {}) };
  }
  const r = await api.createComment(pr, body);
  return { action: 'created', id: r.id, ...(r.html_url ? { url: r.html_url } : {}) };
}
