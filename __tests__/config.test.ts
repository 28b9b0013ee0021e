import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { expandEnv } from '../src/config/env.ts';
import { deriveId } from '../src/config/load.ts';
import { editDistance, suggest } from '../src/config/suggest.ts';
import { ConfigError, loadConfig, parseConfigText } from '../src/index.ts';
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
    // Each criterion keeps its place, for errors only the measured metrics reveal.
    expect(cfg.criteria).toEqual([
      { expect: 'graph/plan p95 < 1s', where: 'perf.yml:12:5' },
      { name: 'label', expect: 'graph/plan n >= 5', where: 'perf.yml:14:13' },
    ]);
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
    // A bare number is milliseconds: the same limits apply, at 2^31 - 1 exactly.
    const [minus] = problemsOf(() => parseConfigText(`${minimal}    timeout: -1\n`, 'perf.yml'));
    expect(minus?.message).toMatch(/cannot be negative/);
    expect(minus?.line).toBe(6);
    expect(() => parseConfigText(`${minimal}    timeout: ${2 ** 31 - 1}\n`, 'perf.yml')).not.toThrow();
    const [over] = problemsOf(() => parseConfigText(`${minimal}    timeout: ${2 ** 31}\n`, 'perf.yml'));
    expect(over?.message).toMatch(/at most 596h/);
    const [svc] = problemsOf(() =>
      parseConfigText(`${minimal}services:\n  - name: api\n    run: x\n    timeout: -5s\n`, 'perf.yml'),
    );
    expect(svc?.path).toBe('services[0].timeout');
  });

  it('rejects negative, endless and timer-overflowing think-times and latency limits', () => {
    const http = (load: string, expectLatency = '100ms') =>
      `version: 1\nsuites:\n  - name: web\n    kind: http\n    target: http://127.0.0.1:8080\n    load: { users: 2, duration: 1s, ${load} }\n    requests:\n      - { name: a, expect: { latency: ${expectLatency} } }\n`;
    expect(() => parseConfigText(http('think-time: 10ms..50ms'), 'perf.yml')).not.toThrow();
    const [neg] = problemsOf(() => parseConfigText(http('think-time: -1'), 'perf.yml'));
    expect(neg?.path).toBe('suites[0].load.think-time');
    expect(neg?.message).toMatch(/cannot be negative/);
    const [long] = problemsOf(() => parseConfigText(http('think-time: 10ms..700h'), 'perf.yml'));
    expect(long?.message).toMatch(/at most 596h/);
    const [lat] = problemsOf(() => parseConfigText(http('think-time: 1ms', '"<-5ms"'), 'perf.yml'));
    expect(lat?.path).toBe('suites[0].requests[0].expect.latency');
    expect(lat?.message).toMatch(/cannot be negative/);
    const [inf] = problemsOf(() => parseConfigText(http('think-time: .inf'), 'perf.yml'));
    expect(inf?.message).toBe('expected a duration or a range such as 10ms or 10ms..50ms, found Infinity');
  });

  it('rejects negative percentages', () => {
    const [p] = problemsOf(() => parseConfigText(`${minimal}compare:\n  min-effect: -0.5\n`, 'perf.yml'));
    expect(p?.path).toBe('compare.min-effect');
    expect(p?.line).toBe(7);
    expect(p?.message).toMatch(/cannot be negative/);
  });

  it('says what a value may be where zod would only say "Invalid input"', () => {
    const [inf] = problemsOf(() => parseConfigText(`${minimal}    time: .inf\n`, 'perf.yml'));
    expect(inf?.message).toBe('expected a duration such as 250ms, 30s or 5m, found Infinity');
    const [list] = problemsOf(() => parseConfigText(`${minimal}compare:\n  confidence: [99%]\n`, 'perf.yml'));
    expect(list?.message).toBe('expected a percentage such as 5%, found a list');
    const [crit] = problemsOf(() => parseConfigText(`${minimal}criteria:\n  - [graph/plan < 1s]\n`, 'perf.yml'));
    expect(crit?.path).toBe('criteria[0]');
    expect(crit?.message).toBe('expected a mapping or text, found a list');
    // When one form fits the type (ready: {...}), its own problem is the one to fix.
    const cmd = 'version: 1\nsuites:\n  - name: c\n    kind: command\n    run: x\n';
    const [ready] = problemsOf(() => parseConfigText(`${cmd}    ready: { url: 5 }\n`, 'perf.yml'));
    expect(ready?.path).toBe('suites[0].ready.url');
    expect(ready?.line).toBe(6);
    expect(ready?.message).toMatch(/expected string/);
    const [kind] = problemsOf(() => parseConfigText(minimal.replace('    kind: bench\n', ''), 'perf.yml'));
    expect(kind?.message).toBe('missing required key "kind": one of bench, command, http, redis-streams, amqp');
    expect(kind?.line).toBe(3);
  });

  it('reports a criterion that cannot be parsed at its line, naming it, before anything runs', () => {
    const text = `${minimal}criteria:\n  - graph/plan p95 < 1s\n  - name: budget\n    expect: graph/plan p95 < 5 parsecs\n  - graph/plan p59 < 1s\n`;
    const problems = problemsOf(() => parseConfigText(text, 'perf.yml'));
    expect(problems).toHaveLength(2);
    const [unit, stat] = problems;
    expect(unit?.line).toBe(9);
    expect(unit?.path).toBe('criteria[1].expect');
    expect(unit?.message).toMatch(
      /^criterion 2 \(budget\) "graph\/plan p95 < 5 parsecs": column 20: unknown unit "parsecs"/,
    );
    expect(stat?.line).toBe(10);
    expect(stat?.message).toMatch(/criterion 3 .*did you mean "p95"/);
    const err = (() => {
      try {
        parseConfigText(text, 'perf.yml');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/^perf\.yml:9:13: criteria\[1\]\.expect: criterion 2 \(budget\)/);
  });

  it('places alias errors at the alias: undefined, recursive and billion-laughs aliases', () => {
    const [u] = problemsOf(() => parseConfigText(`${minimal}    time: *nowhere\n`, 'perf.yml'));
    expect(u?.line).toBe(6);
    expect(u?.message).toMatch(/\*nowhere names no anchor/);
    // An HTTP body accepts any value: an alias inside its own anchor would load as an endless one.
    const selfRef =
      'version: 1\nsuites:\n  - name: web\n    kind: http\n    target: http://x\n    load: { users: 1, duration: 1s }\n    requests:\n      - { name: a, json: &body { inner: *body } }\n';
    const [r] = problemsOf(() => parseConfigText(selfRef, 'perf.yml'));
    expect(r?.line).toBe(8);
    expect(r?.message).toMatch(/inside the value it names/);
    const laughs = [`${minimal}criteria:`, '  - &a0 { expect: "graph/plan < 1s" }'];
    for (let i = 1; i <= 6; i++)
      laughs.push(
        `  - &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const [b] = problemsOf(() => parseConfigText(laughs.join('\n'), 'perf.yml'));
    expect(b?.line).toBe(13);
    expect(b?.message).toMatch(/expand to .* values \(at most 100000\)/);
    // Aliases used as intended still load.
    const shared = `${minimal}    time: &t 40ms\n    warmup: *t\n`;
    expect((parseConfigText(shared, 'perf.yml').suites[0] as Record<string, unknown>).warmup).toBe(40);
  });

  it('places problems with the document itself: empty, not a mapping, a list as a key, absurd nesting', () => {
    for (const empty of ['', '# only a comment\n', '---\n']) {
      const [e] = problemsOf(() => parseConfigText(empty, 'perf.yml'));
      expect(e?.line).toBe(1);
      expect(e?.message).toMatch(/start it with "version: 1"/);
    }
    const [list] = problemsOf(() => parseConfigText('\n- version: 1\n', 'perf.yml'));
    expect(list?.line).toBe(2);
    expect(list?.message).toMatch(/found a list/);
    // A mapping as a key would be stringified by the parser, with a warning on stderr.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    onTestFinished(() => {
      process.off('warning', onWarning);
    });
    const [key] = problemsOf(() => parseConfigText(`${minimal}? { a: 1 }\n: 2\n`, 'perf.yml'));
    expect(key?.line).toBe(6);
    expect(key?.message).toMatch(/a key must be a plain name/);
    const [deep] = problemsOf(() =>
      parseConfigText(`version: 1\nsuites: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, 'perf.yml'),
    );
    expect(deep?.line).toBe(2);
    expect(deep?.message).toMatch(/nested too deeply/);
    expect(warnings).toEqual([]);
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
