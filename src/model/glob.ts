// Globs over metric ids: `*` matches within one '/'-separated segment, `**` across segments.
// A selector may carry parameter constraints `[k=v]` that must be a subset of a metric's parameters.

import { type Params, splitParams } from './metric-id.ts';

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (re) return re;
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // "**/" also matches zero segments.
        if (glob[i + 2] === '/') {
          out += '(?:.*/)?';
          i += 2;
        } else {
          out += '.*';
          i += 1;
        }
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  re = new RegExp(`^${out}$`);
  cache.set(glob, re);
  return re;
}

export function isGlob(text: string): boolean {
  return /[*?]/.test(text);
}

/** Match a glob against a whole id (parameters included), as used by `compare.ignore`. */
export function matchesGlob(glob: string, id: string): boolean {
  return globToRegExp(glob).test(id);
}

function paramsMatch(want: Params, have: Params | undefined): boolean {
  if (!have) return false;
  for (const [k, v] of Object.entries(want)) {
    if (!(k in have)) return false;
    const hv = String(have[k]);
    const wv = String(v);
    if (isGlob(wv) ? !globToRegExp(wv).test(hv) : Number(hv) !== Number(wv) && hv !== wv) return false;
  }
  return true;
}

/**
 * Does a selector (id or glob, with optional `[k=v]` constraints) pick a metric id?
 * `graph/plan` picks every parameter set of graph/plan; `graph/plan[nodes=1000]` only that one.
 */
export function selectorMatches(selector: string, id: string): boolean {
  if (selector === id) return true;
  const sel = splitParams(selector);
  const met = splitParams(id);
  if (!globToRegExp(sel.base).test(met.base)) return false;
  return sel.params ? paramsMatch(sel.params, met.params) : true;
}
