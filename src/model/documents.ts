// Shared handling of versioned JSON documents: `schema: "perf-action/<kind>@<major>"`.

import type { z } from 'zod';

export class DocumentError extends Error {
  override name = 'DocumentError';
  constructor(
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
  }
}

/** Parse JSON text and check the schema tag, then validate the shape; errors name the source and the JSON path. */
export function readDocument<T>(text: string, source: string, kind: string, major: number, shape: z.ZodType<T>): T {
  let data: unknown;
  try {
    // A byte-order mark (editors on Windows write one) is not part of the JSON.
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const hint = text.trim() === '' ? 'the file is empty' : (err as Error).message;
    throw new DocumentError(
      source,
      `is not valid JSON (${hint}); was the file truncated? Regenerate it with \`perf-action run --out\``,
    );
  }
  return checkDocument(data, source, kind, major, shape);
}

export function checkDocument<T>(data: unknown, source: string, kind: string, major: number, shape: z.ZodType<T>): T {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DocumentError(source, `expected a perf-action/${kind}@${major} JSON object`);
  }
  const tag = (data as { schema?: unknown }).schema;
  if (typeof tag !== 'string') {
    throw new DocumentError(source, `has no "schema" field; expected "perf-action/${kind}@${major}"`);
  }
  const m = /^perf-action\/([a-z-]+)@(\d+)(?:\.\d+)*$/.exec(tag);
  if (!m || m[1] !== kind) {
    throw new DocumentError(source, `is a "${tag}" document; expected "perf-action/${kind}@${major}"`);
  }
  if (Number(m[2]) !== major) {
    throw new DocumentError(
      source,
      `uses ${tag}, a major version this perf-action cannot read (it reads perf-action/${kind}@${major}); upgrade perf-action or regenerate the file`,
    );
  }
  const parsed = shape.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? formatPath(issue.path) : '$';
    throw new DocumentError(source, `is corrupt at ${path}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '$';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}
