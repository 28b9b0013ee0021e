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

/**
 * A parameter's key: cleaned like a value, never empty (`[=2]` is no id), and never "__proto__", which an
 * object silently refuses as a key, so the parameter would vanish.
 */
export function paramKey(raw: string): string {
  const key = cleanParam(raw);
  return key === '' ? 'param' : key === '__proto__' ? 'proto' : key;
}

/**
 * "1000" -> 1000, "fast" -> "fast": numeric values stay numbers so scaling fits and `[n=1000]` work. A number
 * no double holds exactly enough to tell apart ("1e309" is Infinity, "9007199254740993" an integer past 2^53)
 * stays text, so it neither breaks the gate's arithmetic nor merges with its neighbour.
 */
export function paramValue(raw: string | number | boolean): string | number {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : cleanParam(String(raw));
  const text = String(raw).trim();
  if (text === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return cleanParam(text);
  const value = Number(text);
  const exact = Number.isFinite(value) && (/[.eE]/.test(text) || Number.isSafeInteger(value));
  return exact ? value : cleanParam(text);
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
    params[paramKey(m[1] as string)] = paramValue(m[2] as string);
  }
  return params;
}

/** Split "name[inside]" into the name and the bracket's content. */
export function splitBracket(text: string): { base: string; inside?: string } {
  const m = /^(.*?)\[(.*)\]$/.exec(text);
  return m ? { base: m[1] as string, inside: m[2] as string } : { base: text };
}
