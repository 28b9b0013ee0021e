// The config fuzzer: damaged perf.yml files go through the real loader and the criteria check. Each must
// load, or fail with the user-facing error that names perf.yml, a place in it (line or key path) and no
// JavaScript internals; a loaded config must hold no value the runner would misread (NaN, a negative or
// timer-overflowing duration).

import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem } from '../../src/config/load.ts';
import { MAX_DURATION_MS } from '../../src/config/units-schema.ts';
import { CriteriaConfigError, checkCriteria } from '../../src/criteria/index.ts';
import { ConfigError, type LoadedConfig, loadConfig } from '../../src/index.ts';
import { makeRng } from '../../src/stats/rng.ts';
import {
  excerpt,
  type FuzzFailure,
  type FuzzOptions,
  type FuzzReport,
  looksLikeCrash,
  type Mutation,
  mutants,
} from './mutate.ts';

const FILE = 'perf.yml';
/** Generous: a case takes milliseconds; only a real hang comes near this. */
const HANG_MS = 30_000;
/** Heap growth in one case that means an input made the loader build something huge (an alias bomb). */
const HEAP_LIMIT = 256 * 1024 * 1024;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The variables the seeds reference; mutants that name others must get "is not set" errors, not crashes. */
const ENV: NodeJS.ProcessEnv = { REDIS_URL: 'redis://127.0.0.1:6390', API_PORT: '8002', REPS: '4', BUS: 'amqp' };

// Hand-written seeds: together they use every suite kind and every top-level block, so mutations reach
// every schema rather than stopping at the first missing key.
const ALL_KINDS = `# every kind, services, criteria, compare and ab
version: 1
id: fuzz-all
pass-env: [GH_TOKEN, NPM_TOKEN]
services:
  - name: api
    run: node server.mjs --port \${API_PORT:-8002}
    cwd: server
    env: { PORT: "\${API_PORT:-8002}", DEBUG: false, WORKERS: 4 }
    ready: http://127.0.0.1:\${API_PORT:-8002}/health
    timeout: 30s
  - name: cache
    run: redis-server --port 6390
    ready: tcp://127.0.0.1:6390
    timeout: 5000
suites:
  - name: graph
    kind: bench
    file: bench/graph.bench.ts
    replicates: \${REPS:-5}
    time: 250ms
    warmup: 50ms
    iterations: 20
    filter: ["plan*", walk]
    reference: true
    replicate-timeout: 2m
    timeout: 10m
  - name: web
    kind: http
    target: http://127.0.0.1:\${API_PORT:-8002}
    load: { model: closed, users: 50, spawn-rate: 10/s, duration: 30s, think-time: 10ms..50ms, warmup: 2s }
    headers: { authorization: "Bearer {{token}}" }
    workers: 2
    connections: 64
    request-timeout: 5s
    window: 500ms
    setup:
      - { name: login, method: POST, path: /login, json: { user: "u-{{seq}}" }, capture: { token: "$.token" } }
    requests:
      - name: create
        method: POST
        path: /api/v1/items
        weight: 3
        json: { id: "{{uuid}}", tags: [a, b], n: 1 }
        expect: { status: 201 }
        capture: { iid: "$.id" }
      - name: get
        path: "/api/v1/items/{{iid}}"
        requires: [iid]
        expect: { status: [200, 304], latency: "<100ms", body-contains: id }
        timeout: 2s
      - { name: feed, path: /stream, stream: sse, query: { n: 10 } }
  - name: web-open
    kind: http
    target: https://example.test
    load:
      model: open
      stages:
        - { duration: 10s, target: 100/s }
        - { duration: 20s, target: 500/s }
      max-in-flight: 1000
    sessions: 16
    requests:
      - name: ping
  - name: events
    kind: redis-streams
    url: \${REDIS_URL:-redis://127.0.0.1:6379}
    events: 100000
    producers: 2
    consumers: 2
    streams: 2
    batch: 500
    block: 100ms
    payload: { size: 1KB, shape: fields }
    crash: { at: 30% }
    min-idle: 500ms
    drain-timeout: 30s
    maxlen: 1000000
  - name: bus
    kind: amqp
    url: amqp://guest:guest@127.0.0.1:5672
    duration: 3s
    rate: 20k/s
    rounds: 3
    queues: 2
    prefetch: 200
    payload: { size: 256B, shape: headers }
    queue-type: quorum
    persistent: true
    ttl: 1h
  - name: startup
    kind: command
    run: node server.js
    ready: { log: "listening on \\\\d+", timeout: 20s }
    repeat: 10
    warmup: 2
    params: { SIZE: [10, 100, 1000], MODE: [fast, safe] }
    metrics: [ready, peak_rss, cpu]
    sample-interval: 10ms
    stop-timeout: 2s
  - name: pytest
    kind: command
    argv: [pytest, -q, --benchmark-json=.perf/pytest.json]
    env: { PYTHONHASHSEED: 0 }
    ingest: { format: pytest-benchmark, file: .perf/pytest.json }
    run-timeout: 15m
criteria:
  - name: plan under 1 s
    expect: graph/plan[nodes=1000] p95 < 1s
  - expect: scaling(graph/plan, nodes) <= 1.2
  - web/*/error_rate max < 1%
  - expect: web/**/throughput >= 100k/s
  - expect: events/consume/throughput mean > 1.5M/s
  - expect: events/delivery/latency p999 <= 200ms
  - expect: startup/peak_rss max < 512MB
  - expect: graph/plan n >= 5
  - expect: bus/lost == 0
  - expect: "startup/ready[SIZE=1000,MODE=fast] sd != 0"
compare:
  min-effect: 5%
  confidence: 0.99
  fail-on: [criteria]
  ignore: ["web/*/latency_max", "graph/**"]
  seed: 7
  runs: 3
  budget: 10m
  threshold: 25%
ab:
  setup: npm ci
  rounds: 10
  max-rounds: 90
  time-budget: 20m
  order: random
  compare-to: auto
`;

// The same language written as JSON (a JSON file is YAML too), and a short block-style file.
const JSON_SEED = `{
  "version": 1,
  "suites": [
    { "name": "graph", "kind": "bench", "file": "graph.bench.ts", "time": "40ms", "timeout": 600000 },
    { "name": "run", "kind": "command", "run": "sleep 0.1", "repeat": 3, "ready": "tcp://127.0.0.1:9000" }
  ],
  "criteria": [{ "name": "fast", "expect": "graph/plan p99 < 200ms" }, "run/wall max <= 2s"],
  "compare": { "min-effect": "2%", "fail-on": [], "runs": 1 }
}
`;

const SMALL_SEED = `version: 1
suites:
  - name: ingest
    kind: command
    run: "\${BUS:-redis}-bench --json out.json"
    ingest:
      format: auto
      file: out.json
  - name: load
    kind: http
    target: http://localhost:8080
    load:
      model: open
      rate: 500/s
      duration: 1m
    requests:
      - name: home
        expect:
          latency: 200ms
criteria:
  - load/home/latency p90 < 200ms
  - ingest/** max < 1s
  - expect: load/all/error_rate < 0.5%
`;

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: these strings are config text, not templates
/** Values a user (or a bad template) puts where a number, duration, rate or percentage belongs. */
const SCALARS = [
  '-5s',
  '-1',
  '-0',
  '0',
  '2147483647',
  '2147483648',
  '596h',
  '597h',
  '25d',
  '1e309',
  '1e309ms',
  '.inf',
  '-.inf',
  '.nan',
  '0x10',
  '0o17',
  '1_000',
  '1,000ms',
  '~',
  'null',
  '""',
  '[]',
  '{}',
  'yes',
  '!!binary aGVsbG8=',
  '!!str 5',
  '!!float 1',
  '5 parsecs',
  '10ms..5ms',
  '-10ms..50ms',
  '1..2..3',
  '<-5ms',
  '101%',
  '-5%',
  '5 %',
  '100k/s',
  '-100/s',
  '0/s',
  '1GB',
  '-1B',
  '${UNSET_VAR}',
  '${API_PORT}',
  '${1BAD}',
  '$${LITERAL}',
  '"${REPS:-}"',
];

/** Criteria as users mistype them. */
const CRITERIA = [
  'graph/plan p95 < 5 parsecs',
  'graph/plan p95 < -1s',
  'graph/plan p59 < 1s',
  'graph/plan p95 =< 1s',
  'graph/plan < ',
  'graph/plan[nodes=] < 1s',
  'graph/plan[nodes=1000 < 1s',
  'scaling(graph/plan) <= 1.2',
  'scaling(graph/plan, nodes) <= 1.2ms',
  'scaling(scaling(a/b, n), n) < 1',
  'graph/plan n >= 5ms',
  'plan < 1s',
  '** max < 1e309',
  'graph/plan < 1s and more',
  'a/b ≤ 3',
  '"quoted/id" < 1s',
  '${UNSET_VAR} < 1s',
  'a/b < 1s # comment',
  '[]',
  '',
];
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: -

const pick = <T>(xs: readonly T[], rnd: () => number): T => xs[Math.floor(rnd() * xs.length)] as T;

/** Damage only YAML can take: anchors and aliases, tags, directives, duplicate keys, tabs, odd values. */
export const YAML_MUTATIONS: readonly Mutation[] = [
  {
    name: 'replace-value',
    apply: (t, r) => {
      const values = [...t.matchAll(/(:[ \t]+)([^\s{[#][^\n,}#]*)/g)];
      if (values.length === 0) return t;
      const m = pick(values, r);
      const at = (m.index ?? 0) + (m[1] as string).length;
      return t.slice(0, at) + pick(SCALARS, r) + t.slice(at + (m[2] as string).length);
    },
  },
  {
    name: 'replace-quantity',
    apply: (t, r) => {
      // Numbers and unit values ("30s", "10ms..50ms", "100k/s", "5%") after a key: the schemas' unit parsing.
      // A key first, then one of its values: a key written once (think-time) is as likely as a common one.
      const values = [...t.matchAll(/([\w-]+)(: "?<?=?)(-?\d[\w.%/]*)/g)];
      const keys = [...new Set(values.map((m) => m[1]))];
      if (keys.length === 0) return t;
      const key = pick(keys, r);
      const m = pick(
        values.filter((v) => v[1] === key),
        r,
      );
      const at = (m.index ?? 0) + (m[1] as string).length + (m[2] as string).length;
      return t.slice(0, at) + pick(SCALARS, r) + t.slice(at + (m[3] as string).length);
    },
  },
  {
    name: 'replace-criterion',
    apply: (t, r) => {
      const exprs = [...t.matchAll(/(expect: |^ {2}- )([^\n{]*[<>=][^\n]*)$/gm)];
      if (exprs.length === 0) return t;
      const m = pick(exprs, r);
      const at = (m.index ?? 0) + (m[1] as string).length;
      return t.slice(0, at) + pick(CRITERIA, r) + t.slice(at + (m[2] as string).length);
    },
  },
  {
    name: 'add-key',
    apply: (t, r) => {
      const ls = t.split('\n');
      const i = Math.floor(r() * ls.length);
      const indent = /^(\s*(?:- )?)/.exec(ls[i] ?? '')?.[1]?.replace('-', ' ') ?? '';
      const key = pick(['timeout', 'duration', 'replicats', 'kind', 'name', '__proto__', 'constructor', '<<'], r);
      ls.splice(i + 1, 0, `${indent}${key}: ${pick(SCALARS, r)}`);
      return ls.join('\n');
    },
  },
  {
    name: 'alias',
    apply: (t, r) => {
      // Anchor a value and refer to it elsewhere: legal YAML the loader must either expand or refuse.
      const values = [...t.matchAll(/: ([^\s&*!][^\n]*)$/gm)];
      if (values.length < 2) return t;
      const a = pick(values, r);
      const b = pick(values, r);
      const withAnchor = `${t.slice(0, (a.index ?? 0) + 2)}&x ${t.slice((a.index ?? 0) + 2)}`;
      const shift = (b.index ?? 0) > (a.index ?? 0) ? 3 : 0;
      const start = (b.index ?? 0) + shift + 2;
      const target = r() < 0.5 ? '*x' : '*nowhere';
      return withAnchor.slice(0, start) + target + withAnchor.slice(start + (b[1] as string).length);
    },
  },
  {
    name: 'alias-bomb',
    apply: (t, r) => {
      const levels = 3 + Math.floor(r() * 8);
      const bomb = ['x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
      for (let i = 1; i <= levels; i++)
        bomb.push(
          `x${i}: &x${i} [${Array(10)
            .fill(`*x${i - 1}`)
            .join(', ')}]`,
        );
      // Either a key of its own (an unknown key, once expanded) or the value of a real one.
      if (r() < 0.5) return `${t.trimEnd()}\n${bomb.join('\n')}\n`;
      return `${t.trimEnd()}\ncriteria:\n  - &c0 { expect: "a/b < 1s" }\n  - ${bomb
        .slice(1)
        .map((l) => l.replace(/^x\d+: /, ''))
        .join('\n  - ')
        .replaceAll('*x0', '*c0')}\n`;
    },
  },
  {
    name: 'self-alias',
    apply: (t, r) => {
      // A flow collection that contains an alias to itself: an endless value, where any value is allowed
      // (an HTTP json body) as much as where the schema would refuse it.
      const flows = [...t.matchAll(/: ([{[])/g)];
      if (flows.length === 0) return t;
      const m = pick(flows, r);
      const at = (m.index ?? 0) + 2;
      const self = m[1] === '{' ? '{ self: *s, ' : '[*s, ';
      return `${t.slice(0, at)}&s ${self}${t.slice(at + 1)}`;
    },
  },
  {
    name: 'tag',
    apply: (t, r) => {
      const values = [...t.matchAll(/: ([^\s&*!][^\n]*)$/gm)];
      if (values.length === 0) return t;
      const m = pick(values, r);
      const at = (m.index ?? 0) + 2;
      const tag = pick(['!!binary', '!!str', '!!int', '!!float', '!!map', '!!seq', '!!set', '!!timestamp', '!foo'], r);
      return `${t.slice(0, at)}${tag} ${t.slice(at)}`;
    },
  },
  {
    name: 'directive',
    apply: (t, r) =>
      pick(['%YAML 1.1\n---\n', '%YAML 1.2\n---\n', '%TAG ! tag:example.com,2000:\n---\n', '---\n', '--- !!map\n'], r) +
      t +
      pick(['', '\n...\n', '\n---\nversion: 1\n'], r),
  },
  {
    name: 'tab-indent',
    apply: (t, r) => {
      const ls = t.split('\n');
      const i = Math.floor(r() * ls.length);
      ls[i] = (ls[i] ?? '').replace(/^ {2}/, '\t');
      return ls.join('\n');
    },
  },
  {
    name: 'flow-collapse',
    apply: (t) => t.replace(/\n {4}(\w[\w-]*): /, ', $1: '),
  },
];

function findConfigs(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) findConfigs(p, out);
    else if (entry.name === FILE) out.push(p);
  }
  return out;
}

/** The seed inputs: every perf.yml of the examples and test fixtures, then the hand-written ones. */
export function configSeeds(): Array<{ name: string; text: string }> {
  const files = [
    ...findConfigs(path.join(ROOT, 'examples'), []),
    ...findConfigs(path.join(ROOT, '__tests__', 'fixtures'), []),
  ].sort();
  return [
    ...files.map((f) => ({ name: path.relative(ROOT, f).split(path.sep).join('/'), text: readFileSync(f, 'utf8') })),
    { name: 'all-kinds', text: ALL_KINDS },
    { name: 'json', text: JSON_SEED },
    { name: 'small', text: SMALL_SEED },
  ];
}

/** A place in a message: `perf.yml:12`, `line 12`, or a key path such as `suites[0].kind` or `criteria[2]`. */
const PLACE =
  /perf\.yml:\d+|\bline \d+|\b(?:suites|services|criteria|pass-env)\[\d+\]|\b(?:compare|ab)\.[\w-]+|\b(?:version|id|suites|services|criteria|compare|ab|pass-env): /;

/** What is wrong with one error message for `text`, or undefined when it is fine. */
function judgeMessage(message: string, text: string): string | undefined {
  if (!message.includes(FILE)) return `does not name ${FILE}: ${message}`;
  if (!PLACE.test(message)) return `names no line or key path: ${message}`;
  const crash = looksLikeCrash(message);
  if (crash) return `${crash}: ${message}`;
  if (message.includes('[object Object]')) return `shows [object Object]: ${message}`;
  // Zod's fallback when nothing fits: it names neither what is allowed nor the fix.
  if (/Invalid input\s*$/m.test(message)) return `says only "Invalid input": ${message}`;
  if (/\bundefined\b/.test(message) && !text.includes('undefined')) return `shows "undefined": ${message}`;
  const line = /perf\.yml:(\d+)/.exec(message)?.[1];
  const lines = text.split(/\r\n|\r|\n/).length;
  if (line !== undefined && Number(line) > lines + 1) return `points at line ${line} of a ${lines}-line file`;
  return undefined;
}

function judgeError(err: unknown, text: string): string | undefined {
  if (err instanceof ConfigError) {
    if (err.problems.length === 0) return 'a ConfigError with no problems';
    // Each problem is its own line of output: each must stand on its own.
    for (const p of err.problems) {
      const wrong = judgeMessage(formatProblem(p), text);
      if (wrong) return wrong;
    }
    return undefined;
  }
  if (err instanceof CriteriaConfigError) return judgeMessage(err.message, text);
  const e = err as Error;
  return `threw ${e?.name ?? typeof err} (not a user error): ${e?.stack ?? String(err)}`;
}

// Keys whose numbers are milliseconds a timer waits for (or hands to a server as one).
const DURATION_KEYS = new Set([
  'timeout',
  'time',
  'duration',
  'budget',
  'time-budget',
  'run-timeout',
  'stop-timeout',
  'replicate-timeout',
  'request-timeout',
  'drain-timeout',
  'sample-interval',
  'min-idle',
  'block',
  'processing',
  'window',
  'ttl',
]);
// User data that may hold any number (request bodies, parameter grids) and the one signed setting.
const FREE_KEYS = new Set(['json', 'params', 'seed', 'env', 'headers', 'query']);

/** A value in a loaded config the runner would misread, or undefined. Under `free` keys only cycles count. */
export function badValue(value: unknown, at = 'config', seen = new Set<unknown>(), free = false): string | undefined {
  if (typeof value === 'number') {
    if (free) return undefined;
    if (!Number.isFinite(value)) return `${at} is ${value}`;
    if (value < 0) return `${at} is negative (${value})`;
    const key = /[\w-]+$/.exec(at)?.[0] ?? '';
    const timer = DURATION_KEYS.has(key) || /think-time\.(min|max)$/.test(at);
    if (timer && value > MAX_DURATION_MS) return `${at} is ${value} ms, beyond a timer's range`;
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  // A YAML alias inside its own anchor makes an endless value: serialising or walking it never ends.
  if (seen.has(value)) return `${at} contains itself`;
  seen.add(value);
  const entries = Array.isArray(value)
    ? value.map((v, i) => [`${at}[${i}]`, v, free] as const)
    : Object.entries(value).map(([k, v]) => [`${at}.${k}`, v, free || FREE_KEYS.has(k)] as const);
  for (const [where, v, f] of entries) {
    const bad = badValue(v, where, seen, f);
    if (bad) return bad;
  }
  seen.delete(value);
  return undefined;
}

type Outcome = { kind: 'loaded'; loaded: LoadedConfig } | { kind: 'error'; err: unknown } | { kind: 'hang' };

async function runCase(file: string, cwd: string): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hang' }), HANG_MS);
  });
  const work = (async (): Promise<Outcome> => {
    try {
      const loaded = await loadConfig(file, { cwd, env: ENV });
      checkCriteria(loaded.config.criteria);
      return { kind: 'loaded', loaded };
    } catch (err) {
      return { kind: 'error', err };
    }
  })();
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Judge one input: undefined when it passes, else the problem. */
async function judgeCase(text: string, dir: string): Promise<string | undefined> {
  const file = path.join(dir, FILE);
  await writeFile(file, text);
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  // A warning (a stringified key, a timer overflow) would reach the user's terminal unexplained.
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  let outcome: Outcome;
  try {
    outcome = await runCase(file, dir);
    // Warnings are emitted on the next tick: let them arrive while this case is still listening.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  const took = performance.now() - started;
  const grew = process.memoryUsage().heapUsed - heapBefore;
  if (warnings.length > 0) return `printed a Node warning: ${warnings[0]}`;
  // The loader is synchronous after the read: a hang there blocks the timer too, so a case that comes back
  // late is judged as the hang it was.
  if (outcome.kind === 'hang' || took >= HANG_MS) return `hung (no answer after ${Math.round(took / 1000)} s)`;
  if (grew > HEAP_LIMIT) return `heap grew by ${Math.round(grew / 2 ** 20)} MB for a ${text.length}-character file`;
  if (outcome.kind === 'error') return judgeError(outcome.err, text);
  const bad = badValue(outcome.loaded.config);
  return bad ? `loaded, but ${bad}` : undefined;
}

/**
 * Run `opts.mutants` damaged configs (plus the undamaged seeds) through loadConfig and checkCriteria.
 * Deterministic for a seed: a failure's name (seed input, case number, mutations) reproduces it.
 */
export async function fuzzConfig(opts: FuzzOptions): Promise<FuzzReport> {
  const seeds = configSeeds();
  const rnd = makeRng(opts.seed ^ 0x5eed);
  const failures: FuzzFailure[] = [];
  const dir = await mkdtemp(path.join(tmpdir(), 'perf-fuzz-config-'));
  let cases = 0;
  const check = async (name: string, text: string) => {
    cases++;
    const problem = await judgeCase(text, dir);
    if (problem) {
      failures.push({ name, input: excerpt(text), problem });
      opts.log?.(`FAIL ${name}: ${problem.split('\n')[0]}`);
    }
  };
  try {
    for (const s of seeds) await check(`${s.name} (unchanged)`, s.text);
    for (let k = 0; k < opts.mutants; k++) {
      const base = seeds[k % seeds.length] as { name: string; text: string };
      let text = base.text;
      const applied: string[] = [];
      // Half the cases take YAML-aware damage first, which reaches the schemas and the criteria parser
      // more often than byte-level damage, which mostly stops at the YAML parser.
      if (rnd() < 0.5) {
        const times = 1 + Math.floor(rnd() * 2);
        for (let m = 0; m < times; m++) {
          const mutation = pick(YAML_MUTATIONS, rnd);
          text = mutation.apply(text, rnd);
          applied.push(mutation.name);
        }
      }
      let name = `${base.name} #${k}`;
      if (applied.length === 0 || rnd() < 0.5) {
        const [generic] = [...mutants([{ name, text }], 1, opts.seed * 1_000_003 + k)];
        if (generic) {
          text = generic.text;
          name = generic.name.replace(/ #0 \(/, ` (${applied.length > 0 ? `${applied.join(', ')}, ` : ''}`);
        }
      } else {
        name += ` (${applied.join(', ')})`;
      }
      await check(name, text);
      if ((k + 1) % 100 === 0) opts.log?.(`${k + 1}/${opts.mutants} mutants, ${failures.length} failures`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { cases, failures };
}
