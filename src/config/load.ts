// Loading perf.yml / perf.json / perf.config.{ts,js,mjs}: parse, expand ${VARS}, validate, and turn every
// problem into an error that names the file, line, column and key path, with a "did you mean".

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type Alias,
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import type { z } from 'zod';
import type { CompareOptions } from '../compare/options.ts';
import { CriterionSyntaxError, describeCriterion, parseCriterion, syntaxProblem } from '../criteria/parse.ts';
import type { CriterionConfig } from '../criteria/types.ts';
import { formatPath } from '../model/documents.ts';
import { formatParams, type Params } from '../model/metric-id.ts';
import { importUserModule } from '../runner/import-user-module.ts';
import type { SuiteKind } from '../runner/suite-kind.ts';
import { EnvExpansionError, expandEnv } from './env.ts';
import { expandGrid, type GridVariant } from './grid.ts';
import { buildConfigSchema } from './schema.ts';
import { suggest } from './suggest.ts';
import { describeValue } from './units-schema.ts';

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

/** `perf.yml:12:5`, or the file alone when the line is not known (a TS config). */
export function formatPlace(file: string, pos: { line?: number; column?: number }): string {
  return pos.line !== undefined ? `${file}:${pos.line}:${pos.column ?? 1}` : file;
}

export function formatProblem(p: ConfigProblem): string {
  return `${formatPlace(p.file, p)}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
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
export type SuiteConfig = {
  name: string;
  kind: string;
  timeout?: number;
  /** `grid:` the suite once per combination (config/grid.ts), each checked by the kind's schema. */
  variants?: Array<{ params: Params; config: SuiteConfig }>;
  /** `ladder:` criteria each grid step must meet to climb to the next (runner/ladder.ts). */
  ladder?: string[];
} & Record<string, unknown>;

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
  /** Lines in the config file of each suite's name and each criterion, when known: where annotations go. */
  lines?: { suites: Record<string, number>; criteria: Array<number | undefined> };
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
  /** The suite kinds the config was read with (the entry point's registry); runs use the same. */
  kinds: readonly SuiteKind[];
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
  opts: {
    kinds: readonly SuiteKind[];
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    importModule?: (file: string) => Promise<unknown>;
  },
): Promise<LoadedConfig> {
  const { kinds } = opts;
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
    config = validateConfig(mod.default, shown, kinds);
  } else {
    config = parseConfigText(await readFile(abs, 'utf8'), shown, kinds, opts.env ?? process.env);
  }
  return { kinds, file: abs, dir: path.dirname(abs), id: config.id ?? deriveId(path.relative(cwd, abs)), config };
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

/** Values a file may expand to through aliases: far above any real config, far below a "billion laughs". */
const MAX_EXPANDED_VALUES = 100_000;

type At = (offset: number | undefined) => { line?: number; column?: number };

/**
 * Aliases the loader will not expand, each reported at the alias: one naming no earlier anchor, one inside the
 * node it names (an endless value), and the one that expands most when the file would grow beyond
 * MAX_EXPANDED_VALUES values. Checked before toJS, which would only say what went wrong, not where.
 */
function aliasProblems(doc: Document, file: string, at: At): ConfigProblem[] {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  const problems: ConfigProblem[] = [];
  visit(doc, {
    Node(_key, node, path) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (!target) {
          problems.push({
            file,
            ...at(node.range?.[0]),
            message: `alias *${node.source} names no anchor &${node.source} above it; define the anchor first, or write the value out`,
          });
        } else if ((path as readonly unknown[]).includes(target)) {
          problems.push({
            file,
            ...at(node.range?.[0]),
            message: `alias *${node.source} is inside the value it names, which would never end; write the value out`,
          });
        } else targets.set(node, target);
      } else if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  if (problems.length > 0) return problems;
  // Sizes are memoised per node, so counting the expansion of a "billion laughs" costs only its text's size.
  const sizes = new Map<unknown, number>();
  const size = (node: unknown): number => {
    if (isAlias(node)) {
      const target = targets.get(node);
      return target ? size(target) : 1;
    }
    let n = sizes.get(node);
    if (n !== undefined) return n;
    n = 1;
    if (isCollection(node)) {
      for (const item of node.items) n += isPair(item) ? size(item.key) + size(item.value) : size(item);
    }
    sizes.set(node, n);
    return n;
  };
  if (size(doc.contents) <= MAX_EXPANDED_VALUES) return [];
  let worst: Alias | undefined;
  for (const alias of targets.keys()) if (!worst || size(alias) > size(worst)) worst = alias;
  return [
    {
      file,
      ...at(worst?.range?.[0]),
      message: `aliases make this file expand to ${size(doc.contents).toPrecision(2)} values (at most ${MAX_EXPANDED_VALUES}); ${
        worst ? `*${worst.source} alone is ${size(worst).toPrecision(2)}; ` : ''
      }write the values out instead`,
    },
  ];
}

const NO_SETTINGS = 'the file has no settings; start it with "version: 1" and a "suites:" list';

/** What a YAML error says, with the parser's own stack overflow on absurd nesting put in the user's terms. */
function yamlMessage(message: string): string {
  const first = message.split('\n')[0] || 'syntax error';
  return /maximum call stack/i.test(first) ? 'nested too deeply to read; flatten the structure' : first;
}

/** Parse YAML or JSON text into a validated config. Pure apart from reading `env`. */
export function parseConfigText(
  text: string,
  file: string,
  kinds: readonly SuiteKind[],
  env: NodeJS.ProcessEnv = {},
): PerfConfig {
  const lineCounter = new LineCounter();
  // logLevel "error": the parser's warnings go nowhere near stderr; what matters is turned into errors below.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const at: At = (offset) => {
    if (offset === undefined) return {};
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: yamlMessage(e.message) })));
  }
  if (doc.contents === null) throw new ConfigError([{ file, line: 1, column: 1, message: NO_SETTINGS }]);
  const problems: ConfigProblem[] = [];
  // Expand variables in values and list items (not keys) before validation, so units and numbers see the
  // final text. The value is never parsed as YAML again: a "#" or ": " in it stays part of it.
  visit(doc, {
    Pair(_key, pair) {
      // A list or mapping as a key ("? [a, b]: 1", "{a: 1}: 2") has no name to look up; JS would stringify it.
      if (pair.key !== null && !isScalar(pair.key)) {
        const node = pair.key as Node;
        problems.push({
          file,
          ...at(node.range?.[0]),
          message: 'a key must be a plain name, not a list, a mapping or an alias',
        });
      }
    },
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
  problems.push(...aliasProblems(doc, file, at));
  if (problems.length > 0) throw new ConfigError(problems);
  let data: unknown;
  try {
    // aliasProblems bounds the expansion; the parser's own limit stays as a second guard.
    data = doc.toJS({ maxAliasCount: MAX_EXPANDED_VALUES }) as unknown;
  } catch (err) {
    // What toJS refuses here is aliases (aliasProblems should have caught them first): point at the first.
    let offset: number | undefined;
    visit(doc, {
      Alias(_key, node) {
        offset = node.range?.[0];
        return visit.BREAK;
      },
    });
    throw new ConfigError([
      { file, line: 1, column: 1, ...at(offset), message: `${(err as Error).message}; write the values out instead` },
    ]);
  }
  return validateConfig(data, file, kinds, (p, key) => {
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
export function validateConfig(
  data: unknown,
  file: string,
  kinds: readonly SuiteKind[],
  locate: Locate = () => ({}),
): PerfConfig {
  const problems: ConfigProblem[] = [];
  if (data === null || data === undefined) {
    throw new ConfigError([{ file, line: 1, column: 1, ...locate([]), message: NO_SETTINGS }]);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError([
      {
        file,
        ...locate([]),
        message: `expected settings such as "version: 1" and a "suites:" list, found ${describeValue(data)}`,
      },
    ]);
  }
  // Unknown kinds first: the union's own error would only say "invalid input".
  const suites = (data as { suites?: unknown })?.suites;
  if (Array.isArray(suites)) {
    suites.forEach((s, i) => {
      const kind = (s as { kind?: unknown })?.kind;
      if (kind === undefined && s && typeof s === 'object' && !Array.isArray(s)) {
        problems.push({
          file,
          ...locate(['suites', i]),
          path: `suites[${i}]`,
          message: `missing required key "kind": one of ${kinds.map((k) => k.name).join(', ')}`,
        });
      } else if (typeof kind === 'string' && !kinds.some((k) => k.name === kind)) {
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
  // grid: each suite with one is checked as its first combination here, and as every other one below.
  const gridVariants = new Map<number, GridVariant[]>();
  let base = data;
  if (Array.isArray(suites)) {
    const firsts = suites.map((s, i) => {
      if (!s || typeof s !== 'object' || Array.isArray(s)) return s;
      const { variants, problems: found } = expandGrid(s as Record<string, unknown>);
      for (const p of found) {
        const at = ['suites', i, ...p.path];
        problems.push({ file, ...locate(at), path: formatKeyPath(at), message: p.message });
      }
      if (!variants) return s;
      gridVariants.set(i, variants);
      return variants[0]?.raw;
    });
    base = { ...(data as object), suites: firsts };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const schema = buildConfigSchema(kinds);
  const parsed = schema.safeParse(base);
  if (!parsed.success) {
    const first = gridVariants.size > 0 ? ' (with the first combination of its grid)' : '';
    for (const issue of parsed.error.issues) {
      for (const p of describeIssue(issue, base, schema, file, locate))
        problems.push({ ...p, message: p.message + first });
    }
    throw new ConfigError(problems);
  }
  const out = parsed.data;
  for (const [i, variants] of gridVariants) {
    const configs: Array<{ params: Params; config: SuiteConfig }> = [];
    for (const [k, v] of variants.entries()) {
      const variant = {
        ...(base as object),
        suites: (base as { suites: unknown[] }).suites.map((s, j) => (j === i ? v.raw : s)),
      };
      const r = k === 0 ? parsed : schema.safeParse(variant);
      if (!r.success) {
        for (const issue of r.error.issues) {
          for (const p of describeIssue(issue, variant, schema, file, locate)) {
            problems.push({ ...p, message: `${p.message} (with grid ${formatParams(v.params)})` });
          }
        }
        continue;
      }
      configs.push({ params: v.params, config: r.data.suites[i] as SuiteConfig });
    }
    (out.suites[i] as SuiteConfig).variants = configs;
    const ladder = (suites as Array<{ ladder?: unknown }>)[i]?.ladder;
    // grid.ts takes `ladder` out before the kind's schema sees the suite: its shape is checked here.
    if (ladder !== undefined && (!Array.isArray(ladder) || ladder.length === 0)) {
      const at = ['suites', i, 'ladder'];
      problems.push({
        file,
        ...locate(at),
        path: formatKeyPath(at),
        message: 'expected a list of criteria, e.g. ["api/all/latency p95 < 200ms"]',
      });
    } else if (Array.isArray(ladder)) {
      ladder.forEach((c, k) => {
        const at = ['suites', i, 'ladder', k];
        if (typeof c !== 'string') {
          problems.push({
            file,
            ...locate(at),
            path: formatKeyPath(at),
            message: 'expected a criterion such as "api/all/latency p95 < 200ms"',
          });
          return;
        }
        try {
          parseCriterion(c);
        } catch (err) {
          if (!(err instanceof CriterionSyntaxError)) throw err;
          problems.push({ file, ...locate(at), path: formatKeyPath(at), message: err.message });
        }
      });
      (out.suites[i] as SuiteConfig).ladder = ladder as string[];
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
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
  // Criteria are parsed here too, so a typo in one is reported at its line before anything runs; each keeps
  // its place, for the errors only the measured metrics can reveal (a unit of the wrong dimension).
  const criteria = out.criteria.map((c, i): CriterionConfig => {
    const p = typeof c === 'string' ? ['criteria', i] : ['criteria', i, 'expect'];
    const pos = locate(p);
    const criterion = { ...(typeof c === 'string' ? { expect: c } : c), where: formatPlace(file, pos) };
    try {
      parseCriterion(criterion.expect);
    } catch (err) {
      if (!(err instanceof CriterionSyntaxError)) throw err;
      const { message } = syntaxProblem(i + 1, criterion, err);
      problems.push({
        file,
        ...pos,
        path: formatKeyPath(p),
        message: `${describeCriterion(i + 1, criterion)}: ${message}`,
      });
    }
    return criterion;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  const cmp = out.compare;
  const suiteLines: Record<string, number> = {};
  out.suites.forEach((s, i) => {
    const line = locate(['suites', i, 'name']).line;
    if (line !== undefined) suiteLines[s.name] = line;
  });
  const criteriaLines = out.criteria.map(
    (c, i) => locate(typeof c === 'string' ? ['criteria', i] : ['criteria', i, 'expect']).line,
  );
  return {
    version: 1,
    lines: { suites: suiteLines, criteria: criteriaLines },
    ...(out.id ? { id: out.id } : {}),
    passEnv: out['pass-env'],
    services: out.services as ServiceConfig[],
    suites: out.suites as SuiteConfig[],
    criteria,
    compare: {
      minEffect: cmp['min-effect'],
      confidence: cmp.confidence,
      failOn: cmp['fail-on'],
      ignore: cmp.ignore,
      seed: cmp.seed,
      runs: cmp.recheck === false ? 1 : cmp.runs,
      budget: cmp.budget,
      threshold: cmp.threshold,
      ...(cmp['accept-criteria'] ? { acceptCriteria: true } : {}),
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
  if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.message === 'Invalid input') {
    // Zod says only "Invalid input" when no form of a value fits. A form whose type matched is the one the
    // user meant: its own problems say what to fix. Otherwise name the forms allowed and what was found.
    const meant = issue.errors.filter((alt) => alt.some((i) => i.path.length > 0 || i.code !== 'invalid_type'));
    if (meant.length === 1) {
      return (meant[0] ?? []).flatMap((i) =>
        describeIssue({ ...i, path: [...p, ...i.path] } as z.core.$ZodIssue, data, schema, file, locate),
      );
    }
    const forms = new Set<string>();
    for (const alt of issue.errors) {
      for (const i of alt) if (i.code === 'invalid_type' && i.path.length === 0) forms.add(typeWord(i.expected));
    }
    const list = [...forms];
    message = `expected ${list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : (list[0] ?? 'another value')}, found ${describeValue(value)}`;
  }
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union'))
    message = `missing required key "${String(p[p.length - 1])}"`;
  return [{ file, ...locate(p), path: formatKeyPath(p), message }];
}

/** Zod's type names as the config's words. */
function typeWord(type: string): string {
  const words: Record<string, string> = {
    string: 'text',
    number: 'a number',
    boolean: 'true/false',
    object: 'a mapping',
    array: 'a list',
  };
  return words[type] ?? type;
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
