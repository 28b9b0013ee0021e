// grid: on any suite kind: one run per combination, its metrics carrying the combination, so an http load
// becomes a ladder that scaling() and per-step criteria can read; bad grids are config errors at their line.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGrid, MAX_GRID_COMBINATIONS } from '../src/config/grid.ts';
import { evaluateCriteria } from '../src/criteria/index.ts';
import { ConfigError, loadConfig, parseConfigText } from '../src/index.ts';
import { runSuites } from '../src/runner/run.ts';
import { startHttpServer, type TestServer } from './helpers/http-server.ts';
import { scratchDir } from './helpers/scratch.ts';

describe('expandGrid', () => {
  it('makes every combination, replacing whole placeholders with typed values and inner ones with text', () => {
    const { variants, problems } = expandGrid({
      name: 'api',
      kind: 'http',
      grid: { users: [1, 4], mode: ['a', 'b'] },
      load: { users: '{{grid.users}}' },
      requests: [{ name: 'x', path: '/x?mode={{ grid.mode }}&u={{grid.users}}' }],
    });
    expect(problems).toEqual([]);
    expect(variants?.map((v) => v.params)).toEqual([
      { users: 1, mode: 'a' },
      { users: 1, mode: 'b' },
      { users: 4, mode: 'a' },
      { users: 4, mode: 'b' },
    ]);
    expect(variants?.[3]?.raw).toEqual({
      name: 'api',
      kind: 'http',
      load: { users: 4 },
      requests: [{ name: 'x', path: '/x?mode=b&u=4' }],
    });
    expect(expandGrid({ name: 'x', kind: 'bench' })).toEqual({ problems: [] });
  });

  it('refuses grids that cannot be meant, saying where', () => {
    const msg = (suite: Record<string, unknown>) =>
      expandGrid(suite).problems.map((p) => `${p.path.join('.')}: ${p.message}`);
    expect(msg({ grid: [1, 2] })).toEqual([
      'grid: expected a mapping of parameter names to lists, e.g. { users: [10, 50, 100] }',
    ]);
    expect(msg({ grid: { users: [] }, x: '{{grid.users}}' })[0]).toMatch(/^grid\.users: expected a non-empty list/);
    expect(msg({ grid: { users: [1, 1] }, x: '{{grid.users}}' })[0]).toMatch(/listed twice/);
    expect(msg({ grid: { users: [1, 2] }, x: 1 })[0]).toMatch(/^grid\.users: no value uses \{\{grid\.users\}\}/);
    expect(msg({ grid: { users: [1, 2] }, x: '{{grid.users}}', y: '{{grid.user}}' })[0]).toMatch(
      /\{\{grid\.user\}\} names no key of grid \(keys: users\)/,
    );
    const big = Array.from({ length: 9 }, (_, i) => i);
    expect(msg({ grid: { a: big, b: big }, x: '{{grid.a}}{{grid.b}}' })[0]).toMatch(
      new RegExp(`81 combinations, over the ${MAX_GRID_COMBINATIONS}`),
    );
  });

  it("checks every combination with the kind's schema, naming the combination and the line", () => {
    const yaml = `version: 1
suites:
  - name: api
    kind: http
    target: http://127.0.0.1:1
    grid: { users: [2, 0] }
    load: { users: "{{grid.users}}", duration: 1s }
    requests: [{ name: x, path: /x }]
`;
    let err: unknown;
    try {
      parseConfigText(yaml, 'perf.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/perf\.yml:7:\d+: suites\[0\]\.load\.users: .*\(with grid \[users=0\]\)/);
    const ok = parseConfigText(yaml.replace('[2, 0]', '[2, 3]'), 'perf.yml');
    expect(ok.suites[0]?.variants?.map((v) => [v.params, (v.config.load as { users: number }).users])).toEqual([
      [{ users: 2 }, 2],
      [{ users: 3 }, 3],
    ]);
  });
});

describe('a grid of http loads', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startHttpServer();
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('runs the load once per user count and names each run by it, so scaling() reads the ladder', async () => {
    const dir = scratchDir('perf-grid');
    const file = path.join(dir, 'perf.yml');
    writeFileSync(
      file,
      `version: 1
suites:
  - name: api
    kind: http
    target: ${srv.url}
    workers: 1
    grid: { users: [1, 4] }
    load: { users: "{{grid.users}}", duration: 1500ms, warmup: 200ms }
    requests: [{ name: slow, path: "/delay?ms=20" }]
`,
    );
    const { results } = await runSuites(await loadConfig(file), { env: process.env, logDir: dir, speedProbe: false });
    const suite = results.suites[0];
    expect(suite?.ok, suite?.error).toBe(true);
    const ids = suite?.metrics.map((m) => m.id) ?? [];
    expect(ids).toEqual(expect.arrayContaining(['api/slow/throughput[users=1]', 'api/slow/throughput[users=4]']));
    expect(ids.some((id) => !id.includes('[users='))).toBe(false);
    const tput = (u: number) =>
      suite?.metrics.find((m) => m.id === `api/slow/throughput[users=${u}]`)?.stats.median ?? 0;
    // Each user waits ~20 ms per request: four users serve about four times one user's rate.
    expect(tput(4)).toBeGreaterThan(2 * tput(1));
    const [scaling] = evaluateCriteria(
      [{ expect: 'scaling(api/slow/throughput, users) >= 0.6' }],
      suite?.metrics ?? [],
    );
    expect(scaling?.status).toBe('pass');
  });

  it('climbs a ladder while its criteria hold, stops at the first step that misses, and reports the last that held', async () => {
    const dir = scratchDir('perf-ladder');
    const file = path.join(dir, 'perf.yml');
    // The step's status code decides: 200 and 201 hold, 500 fails the error-rate criterion; 202 never runs.
    writeFileSync(
      file,
      `version: 1
suites:
  - name: api
    kind: http
    target: ${srv.url}
    workers: 1
    grid: { code: [200, 201, 500, 202] }
    ladder: ["api/x/error_rate max < 1%"]
    load: { users: 1, duration: 600ms }
    requests: [{ name: x, path: "/status/{{grid.code}}" }]
`,
    );
    const { results } = await runSuites(await loadConfig(file), { env: process.env, logDir: dir, speedProbe: false });
    const suite = results.suites[0];
    expect(suite?.ok, suite?.error).toBe(true);
    const steps = new Set(suite?.metrics.map((m) => m.params?.code).filter((c) => c !== undefined));
    expect([...steps]).toEqual([200, 201, 500]);
    const max = suite?.metrics.find((m) => m.id === 'api/max_code');
    expect(max?.stats.median).toBe(201);
    expect(max?.better).toBe('higher');
  });

  it('refuses a ladder without a one-key grid, and a ladder criterion that does not parse, at its line', () => {
    const yaml = (grid: string, ladder: string) => `version: 1
suites:
  - name: api
    kind: http
    target: http://127.0.0.1:1
    grid: ${grid}
    ladder: ["${ladder}"]
    load: { users: "{{grid.users}}", duration: 1s }
    requests: [{ name: x, path: "/x{{grid.users}}" }]
`;
    expect(() => parseConfigText(yaml('{ users: [1, 2], n: [1] }', 'api/x/latency p95 < 1s'), 'p.yml')).toThrow(
      /p\.yml:7:\d+: suites\[0\]\.ladder: a ladder climbs one parameter/,
    );
    expect(() => parseConfigText(yaml('{ users: [1, 2] }', 'api/x/latency p59 < 1s'), 'p.yml')).toThrow(
      /p\.yml:7:\d+: suites\[0\]\.ladder\[0\]: .*unknown statistic/,
    );
    // A ladder must be a list of criteria: one written as a bare string, or an empty list, is refused.
    const bare = yaml('{ users: [1, 2] }', 'x').replace('ladder: ["x"]', 'ladder: "api/x/error_rate max < 1%"');
    expect(() => parseConfigText(bare, 'p.yml')).toThrow(
      /p\.yml:7:\d+: suites\[0\]\.ladder: expected a list of criteria/,
    );
    const empty = yaml('{ users: [1, 2] }', 'x').replace('ladder: ["x"]', 'ladder: []');
    expect(() => parseConfigText(empty, 'p.yml')).toThrow(/suites\[0\]\.ladder: expected a list of criteria/);
  });
});
