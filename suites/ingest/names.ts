// Stable metric names and parameters from tools' benchmark names.
// Ids are `<suite>/<name>[k=v]` and criteria are whitespace-separated, so names carry no spaces, brackets or
// glob characters; parameters become `[k=v]` so `scaling(...)` and `[k=v]` selectors work on them.

import type { Params } from '../../src/model/metric-id.ts';

/** Make a tool's name safe for a metric id while keeping it recognisable. */
export function cleanName(raw: string): string {
  const name = raw
    .trim()
    .replace(/\s+/g, '_')
    .replace(/\[/g, '(')
    .replace(/\]/g, ')')
    .replace(/[*?]/g, '_')
    .replace(/\/{2,}/g, '/')
    .replace(/^\/+|\/+$/g, '');
  if (name === '') return 'unnamed';
  // Names come from tool output a pull request controls: keep them to a size a comment can show.
  return name.length > MAX_NAME ? `${name.slice(0, MAX_NAME - 3)}...` : name;
}

const MAX_NAME = 200;

/** Parameter keys and values must not break the `[k=v,...]` syntax. */
export function cleanParam(raw: string): string {
  return raw.trim().replace(/[\s,=[\]]+/g, '_');
}

/** "1000" -> 1000, "fast" -> "fast": numeric values stay numbers so scaling fits and `[n=1000]` work. */
export function paramValue(raw: string | number | boolean): string | number {
  if (typeof raw === 'number') return raw;
  const text = String(raw).trim();
  return text !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : cleanParam(text);
}

/**
 * Read `k=v` pairs ("nodes=1000", "nodes=1000,mode=fast", "nodes=1000-mode=fast"); undefined unless every
 * piece is a pair, so free-form ids like "small-input" are left to the caller.
 */
export function kvParams(text: string, separator: RegExp = /,|;|-(?=[A-Za-z_][\w.]*=)/): Params | undefined {
  const pieces = text.split(separator).filter((p) => p.trim() !== '');
  if (pieces.length === 0) return undefined;
  const params: Params = {};
  for (const piece of pieces) {
    const m = /^\s*([A-Za-z_][\w.]*)\s*[=:]\s*(.*?)\s*$/.exec(piece);
    if (!m || m[2] === '') return undefined;
    params[cleanParam(m[1] as string)] = paramValue(m[2] as string);
  }
  return params;
}

/** Split "name[inside]" into the name and the bracket's content. */
export function splitBracket(text: string): { base: string; inside?: string } {
  const m = /^(.*?)\[(.*)\]$/.exec(text);
  return m ? { base: m[1] as string, inside: m[2] as string } : { base: text };
}
