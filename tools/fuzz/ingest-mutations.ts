// Damage that knows the shape of tool output, for the ingest fuzzer: byte-level damage mostly stops at the JSON
// parser or the line matcher, while these keep the file parseable and put a wrong value where a reader looks
// (a string for a number, an empty array, a missing key, a CSV row short of a field, a huge repeat count).

import type { Mutation } from './mutate.ts';

const pick = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)] as T;

/** Values that are valid JSON but wrong where a reader wants a number, a name or a list. */
const JSON_VALUES: readonly unknown[] = [
  null,
  -1,
  0,
  -0,
  1e308,
  -1e308,
  5e-324,
  2 ** 53 + 2,
  '',
  'x',
  'NaN',
  '1e309',
  '__proto__',
  true,
  [],
  {},
  [1, 'a'],
  { a: 1 },
];

/** Text that lands in a CSV field or a benchmark line's token. */
const FIELDS: readonly string[] = ['', 'N/A', '-1', '0', '1e309', 'NaN', 'Infinity', 'x', '"', ',', '9'.repeat(30)];

type Json = unknown;
type Container = Record<string, Json> | Json[];

/** Every object and array in a document (the root too), to pick one to damage. */
function containers(doc: Json): Container[] {
  const out: Container[] = [];
  const visit = (v: Json) => {
    if (v === null || typeof v !== 'object') return;
    out.push(v as Container);
    for (const child of Object.values(v as Container)) visit(child);
  };
  visit(doc);
  return out;
}

/**
 * Change a JSON document (or one line of JSON lines, like test2json) in place and write it back; text that is
 * neither is returned unchanged.
 */
function onJson(change: (doc: Json, rnd: () => number) => void): Mutation['apply'] {
  return (text, rnd) => {
    const write = (doc: Json) => JSON.stringify(doc, null, /^\s*[[{]\s*\n/.test(text) ? 2 : undefined);
    try {
      const doc = JSON.parse(text) as Json;
      change(doc, rnd);
      return write(doc);
    } catch {
      const lines = text.split('\n');
      const i = Math.floor(rnd() * lines.length);
      try {
        const doc = JSON.parse(lines[i] ?? '') as Json;
        change(doc, rnd);
        lines[i] = JSON.stringify(doc);
      } catch {
        // not JSON at all: another mutation's business
      }
      return lines.join('\n');
    }
  };
}

const keysOf = (c: Container): Array<string | number> => (Array.isArray(c) ? c.map((_, i) => i) : Object.keys(c));

export const JSON_MUTATIONS: readonly Mutation[] = [
  {
    name: 'json-retype',
    apply: onJson((doc, rnd) => {
      const c = pick(containers(doc), rnd);
      const keys = keysOf(c);
      if (keys.length === 0) return;
      (c as Record<string | number, Json>)[pick(keys, rnd)] = structuredClone(pick(JSON_VALUES, rnd));
    }),
  },
  {
    name: 'json-drop-key',
    apply: onJson((doc, rnd) => {
      const c = pick(containers(doc), rnd);
      const keys = keysOf(c);
      if (keys.length === 0) return;
      const key = pick(keys, rnd);
      if (Array.isArray(c)) c.splice(Number(key), 1);
      else delete c[String(key)];
    }),
  },
  {
    name: 'json-empty',
    apply: onJson((doc, rnd) => {
      const c = pick(containers(doc), rnd);
      if (Array.isArray(c)) c.length = 0;
      else for (const k of Object.keys(c)) delete c[k];
    }),
  },
  {
    name: 'json-repeat-item',
    apply: onJson((doc, rnd) => {
      const arrays = containers(doc).filter((c): c is Json[] => Array.isArray(c) && c.length > 0);
      if (arrays.length === 0) return;
      const a = pick(arrays, rnd);
      // Up to a few thousand: duplicates, and more raw values than the results keep.
      const item = pick(a, rnd);
      const times = pick([1, 2, 50, 2500], rnd);
      for (let k = 0; k < times; k++) a.push(structuredClone(item));
    }),
  },
];

/** Apply `change` to the fields of one non-empty line (split at commas in CSV, at whitespace otherwise). */
function onLine(change: (fields: string[], rnd: () => number) => void): Mutation['apply'] {
  return (text, rnd) => {
    const lines = text.split('\n');
    const candidates = lines.map((l, i) => (l.trim() ? i : -1)).filter((i) => i >= 0);
    if (candidates.length === 0) return text;
    const i = pick(candidates, rnd);
    const line = lines[i] as string;
    const csv = line.includes(',');
    const fields = csv ? line.split(',') : line.split(/(\s+)/);
    change(fields, rnd);
    lines[i] = fields.join(csv ? ',' : '');
    return lines.join('\n');
  };
}

export const LINE_MUTATIONS: readonly Mutation[] = [
  { name: 'field-drop', apply: onLine((f, r) => f.splice(Math.floor(r() * f.length), 1)) },
  { name: 'field-extra', apply: onLine((f, r) => f.splice(Math.floor(r() * (f.length + 1)), 0, pick(FIELDS, r))) },
  {
    name: 'field-replace',
    apply: onLine((f, r) => {
      // Whitespace-split fields alternate token, gap, token: replace a token.
      const tokens = f.map((t, i) => (t.trim() ? i : -1)).filter((i) => i >= 0);
      if (tokens.length > 0) f[pick(tokens, r)] = pick(FIELDS, r);
    }),
  },
  {
    name: 'repeat-lines',
    apply: (t, r) => {
      // A block of lines many times over: go's -count, a long history, a duplicated benchmark.
      const lines = t.split('\n');
      const at = Math.floor(r() * lines.length);
      const block = lines.slice(at, at + 1 + Math.floor(r() * 4));
      const copies = pick([2, 20, 1000], r);
      const repeated: string[] = [];
      for (let k = 0; k < copies; k++) repeated.push(...block);
      lines.splice(at, block.length, ...repeated);
      return lines.join('\n');
    },
  },
];
