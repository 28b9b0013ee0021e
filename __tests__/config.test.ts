import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandEnv } from '../src/config/env.ts';
import { ConfigError, deriveId, loadConfig, parseConfigText } from '../src/config/load.ts';
import { editDistance, suggest } from '../src/config/suggest.ts';
import { scratchDir } from './helpers/scratch.ts';

const minimal = `version: 1
suites:
  - name: graph
    kind: bench
    file: bench/graph.bench.ts
`;

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('config parsing', () => {
  it('fills defaults and normalises units', () => {
    const cfg = parseConfigText(
      `${minimal}    time: 250ms\n    warmup: 1s\ncompare:\n  min-effect: 3%\n  confidence: 95%\ncriteria:\n  - graph/plan p95 < 1s\n  - name: label\n    expect: graph/plan n >= 5\n`,
      'perf.yml',
    );
    const suite = cfg.suites[0] as Record<string, unknown>;
    expect(suite.replicates).toBe(5);
    expect(suite.time).toBe(250);
    expect(suite.warmup).toBe(1000);
    expect(cfg.compare.minEffect).toBeCloseTo(0.03);
    expect(cfg.compare.confidence).toBeCloseTo(0.95);
    expect(cfg.compare.failOn).toEqual(['criteria', 'regression']);
    expect(cfg.criteria).toEqual([{ expect: 'graph/plan p95 < 1s' }, { name: 'label', expect: 'graph/plan n >= 5' }]);
    expect(cfg.services).toEqual([]);
  });

  it('reports a misspelled key with line, column, path and a suggestion', () => {
    const text = `${minimal}    replicats: 10\n`;
    const [p, ...rest] = problemsOf(() => parseConfigText(text, 'perf.yml'));
    expect(rest).toHaveLength(0);
    expect(p?.line).toBe(6);
    expect(p?.column).toBe(5);
    expect(p?.path).toBe('suites[0].replicats');
    expect(p?.message).toMatch(/did you mean "replicates"/);
  });

  it('suggests top-level and compare keys too', () => {
    const [a] = problemsOf(() => parseConfigText(`${minimal}critera: []\n`, 'perf.yml'));
    expect(a?.message).toMatch(/did you mean "criteria"/);
    expect(a?.line).toBe(6);
    const [b] = problemsOf(() => parseConfigText(`${minimal}compare:\n  min-efect: 5%\n`, 'perf.yml'));
    expect(b?.message).toMatch(/did you mean "min-effect"/);
    expect(b?.path).toBe('compare.min-efect');
    expect(b?.line).toBe(7);
  });

  it('names an unknown suite kind and the closest one', () => {
    const [p] = problemsOf(() => parseConfigText(minimal.replace('kind: bench', 'kind: bnech'), 'perf.yml'));
    expect(p?.message).toMatch(/unknown suite kind "bnech" \(did you mean "bench"\?\)/);
    expect(p?.line).toBe(4);
  });

  it('rejects bad units, wrong types and missing keys with their positions', () => {
    const [u] = problemsOf(() => parseConfigText(`${minimal}    time: 5 parsecs\n`, 'perf.yml'));
    expect(u?.path).toBe('suites[0].time');
    expect(u?.line).toBe(6);
    expect(u?.message).toMatch(/duration/);
    const [t] = problemsOf(() => parseConfigText(`${minimal}    replicates: many\n`, 'perf.yml'));
    expect(t?.path).toBe('suites[0].replicates');
    const [m] = problemsOf(() => parseConfigText(minimal.replace('    file: bench/graph.bench.ts\n', ''), 'perf.yml'));
    expect(m?.message).toMatch(/missing required key "file"/);
    expect(m?.line).toBe(3);
    const [v] = problemsOf(() => parseConfigText(minimal.replace('version: 1', 'version: 2'), 'perf.yml'));
    expect(v?.path).toBe('version');
  });

  it('rejects durations a timer cannot wait for, and negative ones, naming the key', () => {
    const [long] = problemsOf(() => parseConfigText(`${minimal}    timeout: 720h\n`, 'perf.yml'));
    expect(long?.path).toBe('suites[0].timeout');
    expect(long?.message).toMatch(/at most 596h/);
    expect(long?.line).toBe(6);
    const [neg] = problemsOf(() => parseConfigText(`${minimal}    time: -5s\n`, 'perf.yml'));
    expect(neg?.path).toBe('suites[0].time');
  });

  it('reads the gate options and pass-env; recheck: false still means one run', () => {
    const cfg = parseConfigText(
      `version: 1\npass-env: [GH_TOKEN]\nsuites:\n  - name: graph\n    kind: bench\n    file: b.ts\ncompare:\n  runs: 2\n  budget: 90s\n  threshold: 40%\n`,
      'perf.yml',
    );
    expect(cfg.passEnv).toEqual(['GH_TOKEN']);
    expect(cfg.compare).toMatchObject({ runs: 2, budget: 90_000, threshold: 0.4 });
    const old = parseConfigText(`${minimal}compare:\n  recheck: false\n`, 'perf.yml');
    expect(old.compare.runs).toBe(1);
    const [bad] = problemsOf(() => parseConfigText(`${minimal}compare:\n  runs: 0\n`, 'perf.yml'));
    expect(bad?.path).toBe('compare.runs');
  });

  it('expands ${VAR} in list items too, keeps "#" in values, and names an unset variable', () => {
    const text = `version: 1\nsuites:\n  - name: c\n    kind: command\n    run: echo \${MSG}\ncompare:\n  ignore: ["\${IGNORED}"]\n`;
    const cfg = parseConfigText(text, 'perf.yml', { MSG: 'a #b: c', IGNORED: 'c/*' });
    expect((cfg.suites[0] as unknown as { run: string }).run).toBe('echo a #b: c');
    expect(cfg.compare.ignore).toEqual(['c/*']);
    const [p] = problemsOf(() => parseConfigText(text, 'perf.yml', { MSG: 'x' }));
    expect(p?.message).toMatch(/IGNORED is not set/);
    expect(p?.line).toBe(7);
  });

  it('turns bad YAML aliases into a config error', () => {
    const laughs = ['version: 1', 'a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const l of 'bcdefgh')
      laughs.push(
        `${l}: &${l} [*${String.fromCharCode(l.charCodeAt(0) - 1)}, *${String.fromCharCode(l.charCodeAt(0) - 1)}, *${String.fromCharCode(l.charCodeAt(0) - 1)}, *${String.fromCharCode(l.charCodeAt(0) - 1)}, *${String.fromCharCode(l.charCodeAt(0) - 1)}, *${String.fromCharCode(l.charCodeAt(0) - 1)}, *${String.fromCharCode(l.charCodeAt(0) - 1)}, *${String.fromCharCode(l.charCodeAt(0) - 1)}, *${String.fromCharCode(l.charCodeAt(0) - 1)}, *${String.fromCharCode(l.charCodeAt(0) - 1)}]`,
      );
    const [b] = problemsOf(() => parseConfigText(laughs.join('\n'), 'perf.yml'));
    expect(b?.message).toMatch(/alias/i);
    const [u] = problemsOf(() => parseConfigText('version: 1\nsuites: *nowhere\n', 'perf.yml'));
    expect(u?.message).toBeTruthy();
  });

  it('reports YAML syntax errors and duplicate suite names', () => {
    const [s] = problemsOf(() => parseConfigText('version: 1\nsuites: [\n', 'perf.yml'));
    expect(s?.line).toBeGreaterThan(0);
    const dup = `${minimal}  - name: graph\n    kind: bench\n    file: other.ts\n`;
    const [d] = problemsOf(() => parseConfigText(dup, 'perf.yml'));
    expect(d?.message).toMatch(/duplicate suite name "graph"/);
    expect(d?.line).toBe(6);
    // A service named like a suite would mix its resource metrics (graph/cpu, graph/rss) into the suite's.
    const clash = `${minimal}services:\n  - name: graph\n    run: node server.js\n`;
    const [c] = problemsOf(() => parseConfigText(clash, 'perf.yml'));
    expect(c?.path).toBe('services[0].name');
    expect(c?.message).toMatch(/a suite is also named "graph".*rename one/);
  });

  it('expands environment variables in values, with defaults, and types plain scalars', () => {
    const text = `${minimal}    replicates: \${REPS:-3}\n    time: "\${T}"\n`;
    const cfg = parseConfigText(text, 'perf.yml', { T: '40ms' });
    expect((cfg.suites[0] as Record<string, unknown>).replicates).toBe(3);
    expect((cfg.suites[0] as Record<string, unknown>).time).toBe(40);
    const [p] = problemsOf(() => parseConfigText(`${minimal}    time: \${NOPE}\n`, 'perf.yml', {}));
    expect(p?.message).toMatch(/NOPE is not set/);
    expect(p?.line).toBe(6);
  });

  it('parses JSON with positions', () => {
    const json =
      '{\n  "version": 1,\n  "suites": [{ "name": "g", "kind": "bench", "file": "x.ts", "replicatez": 2 }]\n}';
    const [p] = problemsOf(() => parseConfigText(json, 'perf.json'));
    expect(p?.line).toBe(3);
    expect(p?.message).toMatch(/did you mean "replicates"/);
  });
});

describe('config files', () => {
  it('loads perf.yml from a folder, derives an id, and resolves a TS config', async () => {
    const dir = scratchDir('perf-cfg');
    writeFileSync(path.join(dir, 'perf.yml'), minimal);
    const loaded = await loadConfig(undefined, { cwd: dir });
    expect(loaded.id).toBe('perf');
    expect(loaded.dir).toBe(dir);
    writeFileSync(
      path.join(dir, 'perf.config.mjs'),
      'export default { version: 1, id: "mjs", suites: [{ name: "a", kind: "bench", file: "a.ts", replicatez: 1 }] };',
    );
    await expect(loadConfig('perf.config.mjs', { cwd: dir })).rejects.toThrow(
      /suites\[0\]\.replicatez.*did you mean "replicates"/,
    );
    await expect(loadConfig('missing.yml', { cwd: dir })).rejects.toThrow(/missing\.yml: config file not found/);
  });

  it('derives ids from paths', () => {
    expect(deriveId('examples/quickstart/perf.yml')).toBe('examples-quickstart-perf');
    expect(deriveId('perf.config.ts')).toBe('perf');
  });
});

describe('helpers', () => {
  it('expands variables with defaults and keeps $${ literal', () => {
    // biome-ignore-start lint/suspicious/noTemplateCurlyInString: these strings are config text, not templates
    expect(expandEnv('redis://${H:-127.0.0.1}:${P}', { P: '6380' })).toBe('redis://127.0.0.1:6380');
    expect(expandEnv('$${X}', {})).toBe('${X}');
    expect(() => expandEnv('${X', {})).toThrow(/not a valid variable reference/);
    // biome-ignore-end lint/suspicious/noTemplateCurlyInString: -
  });

  it('edit distance is a metric on small examples and suggest respects a length-scaled limit', () => {
    const words = ['replicates', 'replicats', 'time', 'tim', 'warmup', ''];
    for (const a of words) {
      expect(editDistance(a, a)).toBe(0);
      for (const b of words) {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        for (const c of words) expect(editDistance(a, c)).toBeLessThanOrEqual(editDistance(a, b) + editDistance(b, c));
      }
    }
    expect(suggest('tmie', ['time', 'warmup'])).toBe('time');
    expect(suggest('zzzzzz', ['time', 'warmup'])).toBeUndefined();
  });
});
