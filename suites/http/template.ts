// Request templating: `{{uuid}}`, `{{int 1 100}}`, `{{pick a b c}}`, `{{seq}}`, `{{env.NAME}}` and captured
// per-user variables (`{{wid}}`). A template is compiled once at setup, so rendering on the hot path is a
// loop over parts with no parsing.

import { randomUUID } from 'node:crypto';

/** What a render needs: the user's captured variables and a per-worker sequence counter. */
export interface RenderScope {
  vars: Map<string, string>;
  nextSeq(): number;
}

type Part = string | ((scope: RenderScope) => string | number);

export interface Template {
  /** True when rendering always gives the same text (no placeholders). */
  constant: boolean;
  /** Captured variables the template reads: a request using one waits until it is captured. */
  vars: string[];
  render(scope: RenderScope): string;
  /** The value for a JSON body: a lone `{{int ..}}` or `{{seq}}` stays a number. */
  renderValue(scope: RenderScope): string | number;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const PLACEHOLDER = /\{\{\s*([^}]*?)\s*\}\}/g;

function compilePlaceholder(expr: string, env: NodeJS.ProcessEnv, vars: Set<string>): Part {
  const [head = '', ...args] = expr.split(/\s+/);
  if (head === 'uuid' && args.length === 0) return () => randomUUID();
  if (head === 'seq' && args.length === 0) return (s) => s.nextSeq();
  if (head === 'int') {
    const [lo, hi] = args.map(Number);
    if (args.length !== 2 || !Number.isInteger(lo) || !Number.isInteger(hi) || (lo as number) > (hi as number)) {
      throw new TemplateError(`{{${expr}}}: write {{int MIN MAX}} with integers MIN <= MAX, e.g. {{int 1 100}}`);
    }
    const min = lo as number;
    const span = (hi as number) - min + 1;
    return () => min + Math.floor(Math.random() * span);
  }
  if (head === 'pick') {
    if (args.length === 0) throw new TemplateError(`{{${expr}}}: give the choices, e.g. {{pick red green blue}}`);
    return () => args[Math.floor(Math.random() * args.length)] as string;
  }
  if (head.startsWith('env.') && args.length === 0) {
    const name = head.slice(4);
    const value = env[name];
    if (value === undefined) {
      throw new TemplateError(`{{${expr}}}: the environment variable ${name} is not set (export it or use a literal)`);
    }
    return value;
  }
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(head) && args.length === 0) {
    vars.add(head);
    return (s) => s.vars.get(head) ?? '';
  }
  throw new TemplateError(
    `{{${expr}}} is not a known placeholder; use uuid, seq, int MIN MAX, pick A B .., env.NAME or a captured variable`,
  );
}

export function compileTemplate(text: string, env: NodeJS.ProcessEnv = {}): Template {
  const parts: Part[] = [];
  const vars = new Set<string>();
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(compilePlaceholder(m[1] as string, env, vars));
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  // Constant pieces (text, env values) next to each other are joined so rendering does less work.
  const merged: Part[] = [];
  for (const p of parts) {
    const prev = merged[merged.length - 1];
    if (typeof p === 'string' && typeof prev === 'string') merged[merged.length - 1] = prev + p;
    else merged.push(p);
  }
  const constant = merged.every((p) => typeof p === 'string');
  const fixed = constant ? merged.join('') : '';
  const render = (scope: RenderScope): string => {
    if (constant) return fixed;
    let out = '';
    for (const p of merged) out += typeof p === 'string' ? p : String(p(scope));
    return out;
  };
  const only = merged.length === 1 ? merged[0] : undefined;
  return {
    constant,
    vars: [...vars],
    render,
    renderValue: typeof only === 'function' ? (scope) => only(scope) : render,
  };
}

/** A JSON body with templates in its strings (keys stay literal); constant bodies serialise once. */
export interface JsonTemplate {
  vars: string[];
  render(scope: RenderScope): string;
}

export function compileJson(value: unknown, env: NodeJS.ProcessEnv = {}): JsonTemplate {
  const vars = new Set<string>();
  let dynamic = false;
  const build = (v: unknown): ((s: RenderScope) => unknown) => {
    if (typeof v === 'string') {
      const t = compileTemplate(v, env);
      for (const name of t.vars) vars.add(name);
      if (t.constant) return () => v;
      dynamic = true;
      return (s) => t.renderValue(s);
    }
    if (Array.isArray(v)) {
      const items = v.map(build);
      return (s) => items.map((f) => f(s));
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v).map(([k, x]) => [k, build(x)] as const);
      return (s) => {
        const o: Record<string, unknown> = {};
        for (const [k, f] of entries) o[k] = f(s);
        return o;
      };
    }
    return () => v;
  };
  const make = build(value);
  if (!dynamic) {
    const text = JSON.stringify(value);
    return { vars: [], render: () => text };
  }
  return { vars: [...vars], render: (s) => JSON.stringify(make(s)) };
}
