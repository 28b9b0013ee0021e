// Loading perf.yml / perf.json / perf.config.{ts,js,mjs}: parse, expand ${VARS}, validate, and turn every
// problem into an error that names the file, line, column and key path, with a "did you mean".

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, LineCounter, type Node, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { suiteKinds } from '../../suites/index.ts';
import type { CompareOptions } from '../compare/options.ts';
import type { CriterionConfig } from '../criteria/types.ts';
import { formatPath } from '../model/documents.ts';
import { importUserModule } from '../runner/import-user-module.ts';
import type { SuiteKind } from '../runner/suite-kind.ts';
import { EnvExpansionError, expandEnv } from './env.ts';
import { buildConfigSchema } from './schema.ts';
import { suggest } from './suggest.ts';

export const CONFIG_FILES = [
  'perf.yml',
  'perf.yaml',
  'perf.json',
  'perf.config.ts',
  'perf.config.mjs',
  'perf.config.js',
];

export interface ConfigProblem {
  file: string;
  line?: number;
  column?: number;
  /** Key path such as `suites[1].replicates`. */
  path?: string;
  message: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `${where}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export interface ServiceConfig {
  name: string;
  run: string;
  cwd?: string;
  env?: Record<string, string>;
  ready?: string;
  timeout: number;
}

/** A suite's validated config: its kind's keys plus the common ones. */
export type SuiteConfig = { name: string; kind: string; timeout?: number } & Record<string, unknown>;

export interface PerfConfig {
  version: 1;
  id?: string;
  /** Secret-looking variables perf.yml passes through to the code it runs (runner/scrub.ts). */
  passEnv: string[];
  services: ServiceConfig[];
  suites: SuiteConfig[];
  criteria: CriterionConfig[];
  compare: CompareOptions;
  ab?: AbOptions;
}

/** The `ab:` block, normalised. */
export interface AbOptions {
  setup?: string;
  rounds: number;
  maxRounds: number;
  /** Milliseconds. */
  timeBudget: number;
  order: 'abba' | 'random';
  /** What the action compares with (CLI: `perf-action ab`). */
  compareTo: 'baseline' | 'base' | 'auto';
}

export interface LoadedConfig {
  /** Absolute path of the config file. */
  file: string;
  /** Its folder: relative paths in the config resolve against it. */
  dir: string;
  /** Names the sticky comment and the baseline; `id:` in the file or derived from its path. */
  id: string;
  config: PerfConfig;
}

/** Accept a config object as written in perf.config.ts, with editor types. */
export function defineConfig<T extends object>(config: T): T {
  return config;
}

export async function findConfig(cwd: string): Promise<string> {
  for (const name of CONFIG_FILES) {
    const p = path.join(cwd, name);
    if (existsSync(p)) return p;
  }
  throw new ConfigError([
    {
      file: cwd,
      message: `no config found; create perf.yml (or pass --config FILE). Looked for ${CONFIG_FILES.join(', ')}`,
    },
  ]);
}

export async function loadConfig(
  file: string | undefined,
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; importModule?: (file: string) => Promise<unknown> } = {},
): Promise<LoadedConfig> {
  const cwd = opts.cwd ?? process.cwd();
  const abs = file ? path.resolve(cwd, file) : await findConfig(cwd);
  const shown = path.relative(cwd, abs) || abs;
  if (!existsSync(abs)) throw new ConfigError([{ file: shown, message: 'config file not found' }]);
  let config: PerfConfig;
  if (/\.(ts|mts|js|mjs|cjs)$/.test(abs)) {
    const load = opts.importModule ?? importUserModule;
    let mod: { default?: unknown };
    try {
      mod = (await load(abs)) as { default?: unknown };
    } catch (err) {
      throw new ConfigError([{ file: shown, message: `could not load: ${(err as Error).message}` }]);
    }
    if (!mod.default || typeof mod.default !== 'object') {
      throw new ConfigError([{ file: shown, message: 'must `export default defineConfig({ ... })`' }]);
    }
    config = validateConfig(mod.default, shown);
  } else {
    config = parseConfigText(await readFile(abs, 'utf8'), shown, opts.env ?? process.env);
  }
  return { file: abs, dir: path.dirname(abs), id: config.id ?? deriveId(path.relative(cwd, abs)), config };
}

/** "examples/quickstart/perf.yml" -> "examples-quickstart-perf"; "perf.yml" -> "perf". */
export function deriveId(relPath: string): string {
  const noExt = relPath.replace(/\.(ya?ml|json|config\.(ts|mts|js|mjs|cjs))$/, '');
  return (
    noExt
      .replace(/^[./\\]+/, '')
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'perf'
  );
}

/** An expanded plain scalar as YAML 1.2 core types it: a number or a boolean, else the text itself. */
function typedPlain(text: string): string | number | boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}

/** Parse YAML or JSON text into a validated config. Pure apart from reading `env`. */
export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv = {}): PerfConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: e.message.split('\n')[0] ?? 'syntax error' })),
    );
  }
  const problems: ConfigProblem[] = [];
  // Expand variables in values and list items (not keys) before validation, so units and numbers see the
  // final text. The value is never parsed as YAML again: a "#" or ": " in it stays part of it.
  visit(doc, {
    Scalar(key, v) {
      if (key === 'key' || typeof v.value !== 'string' || !v.value.includes('${')) return;
      try {
        const expanded = expandEnv(v.value, env);
        // A plain scalar that expands to a number or a boolean is typed as YAML would type it.
        v.value = v.type === 'PLAIN' ? typedPlain(expanded) : expanded;
      } catch (err) {
        if (!(err instanceof EnvExpansionError)) throw err;
        problems.push({ file, ...at(v.range?.[0]), message: err.message });
      }
    },
  });
  if (problems.length > 0) throw new ConfigError(problems);
  let data: unknown;
  try {
    // Aliases: an undefined one, or a "billion laughs" of them, is a config error, not a crash.
    data = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  } catch (err) {
    throw new ConfigError([
      { file, message: `${(err as Error).message}; write the values out instead of using YAML aliases` },
    ]);
  }
  return validateConfig(data, file, (p, key) => {
    const node = (p.length === 0 ? doc.contents : doc.getIn(p, true)) as Node | undefined;
    if (key !== undefined && isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && it.key.value === key);
      if (pair && isScalar(pair.key)) return at(pair.key.range?.[0]);
    }
    if (node && 'range' in node && node.range) return at(node.range[0]);
    // A missing key: point at the closest existing parent.
    for (let i = p.length - 1; i >= 0; i--) {
      const parent = (i === 0 ? doc.contents : doc.getIn(p.slice(0, i), true)) as Node | undefined;
      if (parent && 'range' in parent && parent.range) return at(parent.range[0]);
    }
    return {};
  });
}

type Locate = (path: PropertyKey[], key?: string) => { line?: number; column?: number };

/** Validate plain data (from any format) against the schema built from the registered suite kinds. */
export function validateConfig(data: unknown, file: string, locate: Locate = () => ({})): PerfConfig {
  const kinds = suiteKinds;
  const problems: ConfigProblem[] = [];
  // Unknown kinds first: the union's own error would only say "invalid input".
  const suites = (data as { suites?: unknown })?.suites;
  if (Array.isArray(suites)) {
    suites.forEach((s, i) => {
      const kind = (s as { kind?: unknown })?.kind;
      if (typeof kind === 'string' && !kinds.some((k) => k.name === kind)) {
        const hint = suggest(
          kind,
          kinds.map((k) => k.name),
        );
        problems.push({
          file,
          ...locate(['suites', i, 'kind']),
          path: `suites[${i}].kind`,
          message: `unknown suite kind "${kind}"${hint ? ` (did you mean "${hint}"?)` : ''}; known kinds: ${kinds.map((k) => k.name).join(', ')}`,
        });
      }
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const schema = buildConfigSchema(kinds);
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(...describeIssue(issue, data, schema, file, locate));
    throw new ConfigError(problems);
  }
  const out = parsed.data;
  // Names must be unique: they start every metric id.
  const names = new Set<string>();
  out.suites.forEach((s, i) => {
    if (names.has(s.name)) {
      problems.push({
        file,
        ...locate(['suites', i, 'name']),
        path: `suites[${i}].name`,
        message: `duplicate suite name "${s.name}"`,
      });
    }
    names.add(s.name);
  });
  // Services' resource metrics are named <service>/cpu, <service>/rss: a service may not share a suite's name.
  const serviceNames = new Set<string>();
  out.services.forEach((svc, i) => {
    const clash = names.has(svc.name) ? `a suite is also named "${svc.name}"` : undefined;
    const dup = serviceNames.has(svc.name) ? `duplicate service name "${svc.name}"` : undefined;
    if (clash || dup) {
      problems.push({
        file,
        ...locate(['services', i, 'name']),
        path: `services[${i}].name`,
        message:
          dup ?? `${clash}: service metrics (${svc.name}/cpu, ${svc.name}/rss) would mix with its metrics; rename one`,
      });
    }
    serviceNames.add(svc.name);
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const cmp = out.compare;
  return {
    version: 1,
    ...(out.id ? { id: out.id } : {}),
    passEnv: out['pass-env'],
    services: out.services as ServiceConfig[],
    suites: out.suites as SuiteConfig[],
    criteria: out.criteria.map((c) => (typeof c === 'string' ? { expect: c } : c)),
    compare: {
      minEffect: cmp['min-effect'],
      confidence: cmp.confidence,
      failOn: cmp['fail-on'],
      ignore: cmp.ignore,
      seed: cmp.seed,
      runs: cmp.recheck === false ? 1 : cmp.runs,
      budget: cmp.budget,
      threshold: cmp.threshold,
    },
    ...(out.ab
      ? {
          ab: {
            ...(out.ab.setup ? { setup: out.ab.setup } : {}),
            rounds: out.ab.rounds,
            maxRounds: Math.max(out.ab['max-rounds'], out.ab.rounds),
            timeBudget: out.ab['time-budget'],
            order: out.ab.order,
            compareTo: out.ab['compare-to'],
          },
        }
      : {}),
  };
}

function describeIssue(
  issue: z.core.$ZodIssue,
  data: unknown,
  schema: z.ZodType,
  file: string,
  locate: Locate,
): ConfigProblem[] {
  const p = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    const allowed = keysAt(schema, p, data);
    return issue.keys.map((key) => {
      const hint = suggest(key, allowed);
      return {
        file,
        ...locate(p, key),
        path: formatKeyPath([...p, key]),
        message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}${
          allowed.length > 0 && !hint ? `; allowed here: ${allowed.join(', ')}` : ''
        }`,
      };
    });
  }
  let message = issue.message;
  const value = valueAt(data, p);
  if (issue.code === 'invalid_type' && value === undefined)
    message = `missing required key "${String(p[p.length - 1])}"`;
  return [{ file, ...locate(p), path: formatKeyPath(p), message }];
}

function formatKeyPath(p: readonly PropertyKey[]): string {
  return formatPath(p).replace(/^\$\.?/, '');
}

function valueAt(data: unknown, p: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const k of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

interface ZodDefLike {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}

function defOf(s: z.ZodType): ZodDefLike {
  return (s as unknown as { _zod: { def: ZodDefLike } })._zod.def;
}

/** The keys the schema allows at a path, for "did you mean". */
export function keysAt(schema: z.ZodType, p: readonly PropertyKey[], data: unknown): string[] {
  let cur: z.ZodType | undefined = schema;
  let value: unknown = data;
  const step = (s: z.ZodType): z.ZodType => {
    let x = s;
    for (;;) {
      const d = defOf(x);
      if ((d.type === 'optional' || d.type === 'default' || d.type === 'nullable') && d.innerType) x = d.innerType;
      else if (d.type === 'pipe' && d.in) x = d.in;
      else if (d.type === 'union' && d.options) {
        const kind = (value as { kind?: unknown } | undefined)?.kind;
        const objects = d.options.filter((o) => defOf(o).type === 'object');
        x =
          objects.find((o) => defOf(defOf(o).shape?.kind ?? o).type === 'literal' && matchesLiteral(o, kind)) ??
          objects[0] ??
          (d.options[0] as z.ZodType);
        if (defOf(x).type !== 'object') return x;
      } else return x;
    }
  };
  for (const k of p) {
    if (!cur) return [];
    cur = step(cur);
    const d = defOf(cur);
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[k] : undefined;
    if (d.type === 'object' && typeof k === 'string') cur = d.shape?.[k];
    else if (d.type === 'array') cur = d.element;
    else return [];
  }
  if (!cur) return [];
  const d = defOf(step(cur));
  return d.type === 'object' ? Object.keys(d.shape ?? {}) : [];
}

function matchesLiteral(obj: z.ZodType, kind: unknown): boolean {
  const lit = defOf(obj).shape?.kind as unknown as { _zod: { def: { values?: unknown[] } } } | undefined;
  return !!lit?._zod.def.values?.includes(kind);
}

export function kindsList(): readonly SuiteKind[] {
  return suiteKinds;
}
