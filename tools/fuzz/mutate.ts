// Seeded text mutations for the fuzzers: each mutant is a valid input with one small, realistic damage
// (a cut, a lost or doubled line, a stray byte, a token a parser trips on), so failures reproduce by seed.

import { makeRng } from '../../src/stats/rng.ts';

export interface FuzzFailure {
  /** Which fuzzer and seed input produced it, and the mutation applied. */
  name: string;
  /** The mutated input (cut to a few kB for the report). */
  input: string;
  /** What was wrong: a stack trace, a hang, or a message that names no place. */
  problem: string;
}

export interface FuzzReport {
  cases: number;
  failures: FuzzFailure[];
}

export interface FuzzOptions {
  /** Mutants per fuzzer (spread over its seed inputs). */
  mutants: number;
  seed: number;
  log?: (message: string) => void;
}

/** Tokens that often break parsers of YAML, JSON, CSV and benchmark text. */
const NASTY = [
  '',
  '\u0000',
  '\uFEFF',
  '\r',
  '\n',
  '\t',
  '"',
  "'",
  ',',
  ':',
  ': ',
  '- ',
  '#',
  '&a',
  '*a',
  '!!binary',
  '{',
  '}',
  '[',
  ']',
  '${',
  '${UNSET_VAR}',
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '-0',
  '0',
  '9007199254740993',
  'null',
  'true',
  '__proto__',
  'constructor',
  '∞',
  '💥',
  'ns/op',
  '%',
  '/',
  '**',
];

export type Mutation = { name: string; apply: (text: string, rnd: () => number) => string };

const pick = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)] as T;
const at = (text: string, rnd: () => number) => Math.floor(rnd() * (text.length + 1));

function lines(text: string): string[] {
  return text.split('\n');
}

export const MUTATIONS: readonly Mutation[] = [
  { name: 'truncate', apply: (t, r) => t.slice(0, at(t, r)) },
  {
    name: 'delete-range',
    apply: (t, r) => {
      const a = at(t, r);
      return t.slice(0, a) + t.slice(Math.min(t.length, a + 1 + Math.floor(r() * 40)));
    },
  },
  {
    name: 'insert-token',
    apply: (t, r) => {
      const a = at(t, r);
      return t.slice(0, a) + pick(NASTY, r) + t.slice(a);
    },
  },
  {
    name: 'replace-char',
    apply: (t, r) => {
      const a = Math.floor(r() * t.length);
      return t.slice(0, a) + String.fromCharCode(Math.floor(r() * 128)) + t.slice(a + 1);
    },
  },
  {
    name: 'drop-line',
    apply: (t, r) => {
      const ls = lines(t);
      ls.splice(Math.floor(r() * ls.length), 1);
      return ls.join('\n');
    },
  },
  {
    name: 'duplicate-line',
    apply: (t, r) => {
      const ls = lines(t);
      const i = Math.floor(r() * ls.length);
      ls.splice(i, 0, ls[i] ?? '');
      return ls.join('\n');
    },
  },
  {
    name: 'swap-lines',
    apply: (t, r) => {
      const ls = lines(t);
      const i = Math.floor(r() * ls.length);
      const j = Math.floor(r() * ls.length);
      [ls[i], ls[j]] = [ls[j] ?? '', ls[i] ?? ''];
      return ls.join('\n');
    },
  },
  {
    name: 'replace-number',
    apply: (t, r) => {
      const nums = [...t.matchAll(/-?\d+(\.\d+)?(e[+-]?\d+)?/gi)];
      if (nums.length === 0) return t + pick(NASTY, r);
      const m = pick(nums, r);
      const i = m.index ?? 0;
      return (
        t.slice(0, i) +
        pick(['-1', '0', 'NaN', '1e309', '-0', '', 'x', '99999999999999999999'], r) +
        t.slice(i + m[0].length)
      );
    },
  },
  {
    name: 'replace-word',
    apply: (t, r) => {
      const words = [...t.matchAll(/[A-Za-z_][\w-]*/g)];
      if (words.length === 0) return t;
      const m = pick(words, r);
      const i = m.index ?? 0;
      return t.slice(0, i) + pick(NASTY, r) + t.slice(i + m[0].length);
    },
  },
  {
    name: 'indent-line',
    apply: (t, r) => {
      const ls = lines(t);
      const i = Math.floor(r() * ls.length);
      ls[i] = (r() < 0.5 ? ' ' : '') + (ls[i] ?? '').replace(/^ {0,2}/, r() < 0.5 ? '' : '   ');
      return ls.join('\n');
    },
  },
];

/** `count` mutants of `seeds` (named inputs), deterministic for a given seed; one to three mutations each. */
export function* mutants(
  seeds: ReadonlyArray<{ name: string; text: string }>,
  count: number,
  seed: number,
): Generator<{ name: string; text: string }> {
  const rnd = makeRng(seed);
  for (let k = 0; k < count; k++) {
    const base = seeds[k % seeds.length];
    if (!base) return;
    let text = base.text;
    const applied: string[] = [];
    const times = 1 + Math.floor(rnd() * 3);
    for (let m = 0; m < times; m++) {
      const mutation = pick(MUTATIONS, rnd);
      text = mutation.apply(text, rnd);
      applied.push(mutation.name);
    }
    yield { name: `${base.name} #${k} (${applied.join(', ')})`, text };
  }
}

/** The report's view of a mutated input: a few kB, with control characters visible. */
export function excerpt(text: string, max = 2000): string {
  const cut = text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
  return JSON.stringify(cut);
}

/** A message that looks like a stack trace or an internal JavaScript error rather than advice. */
export function looksLikeCrash(message: string): string | undefined {
  if (/\n\s+at .+:\d+:\d+/.test(message)) return 'carries a stack trace';
  if (
    /\b(TypeError|ReferenceError|RangeError|SyntaxError|Cannot read propert|undefined is not|is not a function|is not iterable)\b/.test(
      message,
    )
  )
    return 'is an internal JavaScript error';
  return undefined;
}
