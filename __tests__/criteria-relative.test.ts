// ratio(A, B) and diff(A, B): criteria between two metrics of one run.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CriteriaConfigError,
  CriterionSyntaxError,
  checkCriteria,
  type EvaluatedCriterion,
  evaluateCriteria,
  parseCriterion,
} from '../src/criteria/index.ts';
import { ConfigError, parseConfigText } from '../src/index.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import type { Params } from '../src/model/metric-id.ts';
import type { Metric, MetricStats } from '../src/model/results.ts';
import { makeRng } from '../src/stats/rng.ts';

/** A metric whose every stat is `value` unless overridden. */
function metric(
  suite: string,
  name: string,
  unit: string,
  value: number,
  params?: Params,
  extra: Partial<MetricStats> = {},
): Metric {
  return makeMetric({
    suite,
    name,
    ...(params ? { params } : {}),
    unit,
    better: 'lower',
    stats: { n: 10, mean: value, median: value, min: value, max: value, ...extra },
  });
}

function one(expect: string, metrics: Metric[]): EvaluatedCriterion {
  const [r] = evaluateCriteria([{ expect }], metrics);
  if (!r) throw new Error('no result');
  return r;
}

function syntaxError(text: string): CriterionSyntaxError {
  try {
    parseCriterion(text);
  } catch (err) {
    if (err instanceof CriterionSyntaxError) return err;
    throw err;
  }
  throw new Error(`expected "${text}" to be rejected`);
}

function configError(fn: () => unknown): CriteriaConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CriteriaConfigError) return err;
    throw err;
  }
  throw new Error('expected a CriteriaConfigError');
}

describe('parseCriterion: ratio() and diff()', () => {
  it('parses both selectors, their columns, the stat and the value', () => {
    const r = parseCriterion('ratio(serial/pydantic, serial/msgspec) >= 2');
    expect(r.selector).toEqual({
      kind: 'ratio',
      pattern: 'serial/pydantic',
      other: 'serial/msgspec',
      columns: [7, 24],
    });
    expect([r.stat, r.op, r.value]).toEqual(['median', '>=', { value: 2, unit: '' }]);

    const d = parseCriterion('diff( coord/run[agents=4,mode=a] ,coord/direct ) p95 < 100ms');
    expect(d.selector).toEqual({
      kind: 'diff',
      pattern: 'coord/run[agents=4,mode=a]',
      other: 'coord/direct',
      columns: [7, 35],
    });
    expect([d.stat, d.op, d.value]).toEqual(['p95', '<', { value: 100, unit: 'ms' }]);
  });

  it('accepts globs, upper case names, few spaces and a factor written with x', () => {
    const r = parseCriterion('RATIO(api/*/latency,base/**) p99<=1.5x');
    expect(r.selector).toMatchObject({ kind: 'ratio', pattern: 'api/*/latency', other: 'base/**' });
    expect([r.stat, r.op, r.value]).toEqual(['p99', '<=', { value: 1.5, unit: 'x' }]);
    expect(parseCriterion('diff(a/b, c/d) == 0').value).toEqual({ value: 0, unit: '' });
    expect(parseCriterion('diff(a/b, c/d) > -5ms').value).toEqual({ value: -5, unit: 'ms' });
  });

  it('leaves metric ids that merely start with ratio or diff alone', () => {
    expect(parseCriterion('ratio/x < 2').selector).toEqual({ kind: 'metric', pattern: 'ratio/x' });
    expect(parseCriterion('diff/y p95 < 1s').selector).toEqual({ kind: 'metric', pattern: 'diff/y' });
  });

  it('points at a missing comma, a missing second selector and an unclosed call', () => {
    const comma = syntaxError('ratio(a/b c/d) >= 2');
    expect(comma.column).toBe(11);
    expect(comma.reason).toMatch(/expected "," after the first selector in ratio\(A, B\), found "c\/d\)"/);

    const second = syntaxError('ratio(a/b) >= 2');
    expect(second.column).toBe(10);
    expect(second.reason).toMatch(/expected ", B" before "\)"/);

    const empty = syntaxError('diff(a/b, ) < 1s');
    expect(empty.column).toBe(11);
    expect(empty.reason).toMatch(/expected a second selector after ","/);

    const first = syntaxError('diff(, a/b) < 1s');
    expect(first.column).toBe(6);
    expect(first.reason).toMatch(/expected a selector as the first argument of diff\(A, B\)/);

    const unclosed = syntaxError('diff(a/b, c/d <= 1s');
    expect(unclosed.column).toBe(15);
    expect(unclosed.reason).toMatch(/expected "\)" to close diff\(a\/b, c\/d\)/);

    const third = syntaxError('ratio(a/b, c/d, e/f) >= 2');
    expect(third.column).toBe(15);
    expect(third.reason).toMatch(/exactly two selectors/);

    const glued = syntaxError('ratio(a/b, c/d)p95 >= 2');
    expect(glued.column).toBe(16);
    expect(glued.reason).toMatch(/after ratio\(\.\.\.\)/);
  });

  it('names an unknown function at its first letter, with a suggestion when one is close', () => {
    const typo = syntaxError('ratoi(a/b, c/d) >= 2');
    expect(typo.column).toBe(1);
    expect(typo.reason).toBe('unknown function "ratoi"; did you mean "ratio(A, B)"?');
    expect(syntaxError('dif(a/b, c/d) < 1s').reason).toMatch(/did you mean "diff\(A, B\)"/);
    const far = syntaxError('speedup(a/b, c/d) >= 2');
    expect(far.column).toBe(1);
    expect(far.reason).toMatch(/unknown function "speedup"; the functions are .*ratio\(A, B\), diff\(A, B\)/);
    const nested = syntaxError('ratio(diff(a/b, c/d), e/f) > 1');
    expect(nested.column).toBe(7);
    expect(nested.reason).toMatch(/cannot be nested/);
  });

  it('checks each argument as a selector', () => {
    const bad = syntaxError('ratio(a/b, plan) >= 2');
    expect(bad.column).toBe(12);
    expect(bad.reason).toMatch(/<suite>\/<name>/);
    expect(syntaxError('diff(a/b[n=1, c/d) < 1s').reason).toMatch(/unclosed "\["/);
  });

  it('wants a plain factor for ratio(), and says how to write a percentage', () => {
    const pct = syntaxError('ratio(a/b, c/d) <= 30%');
    expect(pct.column).toBe(22);
    expect(pct.reason).toMatch(/not a percentage: write 1\.3 \(or 1\.3x\)/);
    const unit = syntaxError('ratio(a/b, c/d) <= 2ms');
    expect(unit.column).toBe(21);
    expect(unit.reason).toMatch(/drop the unit "ms"/);
    // diff() keeps the unit; n still counts samples.
    expect(parseCriterion('diff(a/b, c/d) <= 5%').value).toEqual({ value: 5, unit: '%' });
    expect(syntaxError('diff(a/b, c/d) n >= 2ms').reason).toMatch(/number of samples/);
  });

  it('parses the examples in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Criteria'), readme.indexOf('## The verdict'));
    const examples = [...section.matchAll(/`((?:ratio|diff)\([^`]*\)[^`]*[<>=!][^`]*)`/g)].map((m) => m[1] as string);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const text of examples) expect(['ratio', 'diff']).toContain(parseCriterion(text).selector.kind);
  });

  it('is checked when the config loads, at the line of the criterion', () => {
    const text = `version: 1
suites:
  - name: serial
    kind: bench
    file: serial.bench.ts
criteria:
  - ratio(serial/pydantic serial/msgspec) >= 2
`;
    let err: unknown;
    try {
      parseConfigText(text, 'perf.yml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const [p] = (err as ConfigError).problems;
    expect(p?.line).toBe(7);
    expect(p?.message).toMatch(/column 23: expected ","/);
    expect(() => checkCriteria([{ expect: 'diff(a/b, c/d) p95 < 100ms' }])).not.toThrow();
  });
});

describe('evaluateCriteria: ratio()', () => {
  const serial = (pydantic: number, msgspec: number) => [
    metric('serial', 'pydantic', 'ms', pydantic),
    metric('serial', 'msgspec', 'us', msgspec),
  ];

  it('passes and fails on stat(A) / stat(B), converting B to the unit of A', () => {
    // 5 ms over 2000 us is 2.5.
    const pass = one('ratio(serial/pydantic, serial/msgspec) >= 2', serial(5, 2000));
    expect(pass.status).toBe('pass');
    expect(pass.actual).toBeCloseTo(2.5, 12);
    expect(pass.unit).toBe('x');
    expect(pass.detail).toBe('serial/pydantic / serial/msgspec median = 5 ms / 2 ms = 2.5x (needs >= 2)');

    const fail = one('ratio(serial/pydantic, serial/msgspec) >= 3x', serial(5, 2000));
    expect(fail.status).toBe('fail');
    expect(fail.actual).toBeCloseTo(2.5, 12);
    // Exactly on the limit: >= passes, > does not.
    expect(one('ratio(serial/pydantic, serial/msgspec) >= 2', serial(4, 2000)).status).toBe('pass');
    expect(one('ratio(serial/pydantic, serial/msgspec) > 2', serial(4, 2000)).status).toBe('fail');
  });

  it('carries both metrics, both values and the ratio as evidence', () => {
    const r = one('ratio(serial/pydantic, serial/msgspec) p95 >= 2', [
      metric('serial', 'pydantic', 'ms', 1, undefined, { p95: 9 }),
      metric('serial', 'msgspec', 'ms', 1, undefined, { p95: 3 }),
    ]);
    expect(r.relative).toEqual({
      kind: 'ratio',
      stat: 'p95',
      pairs: [
        {
          a: { id: 'serial/pydantic', value: 9, unit: 'ms' },
          b: { id: 'serial/msgspec', value: 3, unit: 'ms' },
          value: 3,
          unit: 'x',
          limit: 2,
          status: 'pass',
        },
      ],
      unpaired: [],
      ambiguous: [],
    });
  });

  it('is missing when B is zero, and a config error when A and B are of different kinds', () => {
    const zero = one('ratio(serial/pydantic, serial/msgspec) >= 2', serial(5, 0));
    expect(zero.status).toBe('missing');
    expect(zero.detail).toMatch(/needs a positive B/);
    expect(zero.relative?.pairs[0]?.status).toBe('missing');

    const e = configError(() =>
      evaluateCriteria(
        [{ name: 'speed', expect: 'ratio(serial/pydantic, serial/rate) >= 2' }],
        [metric('serial', 'pydantic', 'ms', 5), metric('serial', 'rate', 'req/s', 10)],
      ),
    );
    expect(e.message).toContain('criterion 1 (speed)');
    expect(e.message).toMatch(/column 24: ratio\(A, B\) needs A and B of the same kind/);
    expect(e.message).toMatch(/serial\/pydantic is measured in ms and serial\/rate in req\/s/);
  });
});

describe('evaluateCriteria: diff()', () => {
  it('subtracts in the unit of A and converts the value like an ordinary criterion', () => {
    const metrics = [metric('coord', 'run', 'ms', 130), metric('coord', 'direct', 'us', 40_000)];
    const r = one('diff(coord/run, coord/direct) < 100ms', metrics);
    expect(r.status).toBe('pass');
    expect(r.actual).toBeCloseTo(90, 9);
    expect(r.unit).toBe('ms');
    expect(r.detail).toBe('coord/run - coord/direct median = 130 ms - 40 ms = 90 ms (needs < 100ms)');
    expect(r.relative?.pairs[0]).toEqual({
      a: { id: 'coord/run', value: 130, unit: 'ms' },
      b: { id: 'coord/direct', value: 40_000, unit: 'us' },
      value: 90,
      unit: 'ms',
      limit: 100,
      status: 'pass',
    });
    // 0.08 s is 80 ms; 90000 us is 90 ms.
    expect(one('diff(coord/run, coord/direct) < 0.08s', metrics).status).toBe('fail');
    expect(one('diff(coord/run, coord/direct) <= 90000us', metrics).status).toBe('pass');
    // A negative difference: B slower than A.
    const neg = one('diff(coord/direct, coord/run) < 0ms', metrics);
    expect([neg.status, neg.actual, neg.unit]).toEqual(['pass', -90_000, 'us']);
  });

  it('rejects a value or a B of another kind, naming the criterion, the column and both units', () => {
    const metrics = [
      metric('coord', 'run', 'ms', 130),
      metric('coord', 'direct', 'ms', 40),
      metric('coord', 'tp', 'events/s', 900),
    ];
    const kinds = configError(() =>
      evaluateCriteria([{ expect: 'diff(coord/run,  coord/tp) < 1s', where: 'perf.yml:9:7' }], metrics),
    );
    expect(kinds.message).toMatch(
      /^perf\.yml:9:7: criterion 1 "diff\(coord\/run, {2}coord\/tp\) < 1s": column 18: diff\(A, B\) needs A and B of the same kind, but coord\/run is measured in ms and coord\/tp in events\/s/,
    );
    // The caret sits under B.
    const lines = kinds.message.split('\n');
    expect((lines[2] as string).indexOf('^') - (lines[1] as string).indexOf('diff')).toBe(17);

    const value = configError(() => evaluateCriteria([{ expect: 'diff(coord/run, coord/direct) < 5MB' }], metrics));
    expect(value.message).toMatch(/5MB is a size but coord\/run is measured in ms/);
    const bare = configError(() => evaluateCriteria([{ expect: 'diff(coord/run, coord/direct) < 100' }], metrics));
    expect(bare.message).toMatch(/give a unit/);
  });

  it('reports a unit problem even when nothing would be checked', () => {
    // B's stat is missing, yet the value of the wrong kind is still an error.
    const metrics = [metric('coord', 'run', 'ms', 130), metric('coord', 'direct', 'ms', 40)];
    expect(() => evaluateCriteria([{ expect: 'diff(coord/run, coord/direct) p90 < 5%' }], metrics)).toThrow(
      CriteriaConfigError,
    );
  });

  it('compares sample counts with n, whatever the units', () => {
    const metrics = [
      metric('a', 'x', 'ms', 1, undefined, { n: 12 }),
      metric('a', 'y', 'req/s', 1, undefined, { n: 5 }),
    ];
    const r = one('diff(a/x, a/y) n >= 7', metrics);
    expect([r.status, r.actual, r.unit]).toEqual(['pass', 7, '']);
  });
});

describe('evaluateCriteria: pairs by parameters', () => {
  const grid = (name: string, unit: string, values: Record<number, number>, extra: Params = {}) =>
    Object.entries(values).map(([agents, v]) => metric('coord', name, unit, v, { agents: Number(agents), ...extra }));

  it('pairs metrics with the same parameters and needs every pair to pass', () => {
    const metrics = [
      ...grid('run', 'ms', { 4: 50, 8: 90, 16: 170 }),
      ...grid('direct', 'ms', { 4: 10, 8: 20, 16: 40 }),
    ];
    const pass = one('diff(coord/run, coord/direct) < 150ms', metrics);
    expect(pass.status).toBe('pass');
    expect(pass.relative?.pairs.map((p) => [p.a.id, p.b.id, p.value])).toEqual([
      ['coord/run[agents=4]', 'coord/direct[agents=4]', 40],
      ['coord/run[agents=8]', 'coord/direct[agents=8]', 70],
      ['coord/run[agents=16]', 'coord/direct[agents=16]', 130],
    ]);
    // The closest to failing is reported.
    expect(pass.actual).toBe(130);
    expect(pass.detail).toMatch(/^closest: coord\/run\[agents=16\] - coord\/direct\[agents=16\].*; all 3 pairs pass$/);

    const fail = one('diff(coord/run, coord/direct) < 100ms', metrics);
    expect(fail.status).toBe('fail');
    expect(fail.actual).toBe(130);
    expect(fail.detail).toMatch(/1 of 3 pairs failed/);
    expect(fail.relative?.pairs.map((p) => p.status)).toEqual(['pass', 'pass', 'fail']);
  });

  it('ignores the order parameters are declared in', () => {
    const metrics = [
      metric('m', 'a', 'ms', 10, { n: 1, kind: 'x' }),
      metric('m', 'a', 'ms', 30, { n: 2, kind: 'x' }),
      metric('m', 'b', 'ms', 5, { kind: 'x', n: 1 }),
      metric('m', 'b', 'ms', 10, { kind: 'x', n: 2 }),
    ];
    const r = one('ratio(m/a, m/b) >= 2', metrics);
    expect(r.status).toBe('pass');
    expect(r.relative?.pairs.map((p) => p.value)).toEqual([2, 3]);
  });

  it('names a metric without a partner, and decides on the pairs that exist', () => {
    const metrics = [...grid('run', 'ms', { 4: 50, 8: 90, 32: 400 }), ...grid('direct', 'ms', { 4: 10, 8: 20, 64: 1 })];
    const r = one('diff(coord/run, coord/direct) < 100ms', metrics);
    expect(r.status).toBe('pass');
    expect(r.relative?.pairs).toHaveLength(2);
    expect(r.relative?.unpaired).toEqual([
      { side: 'a', id: 'coord/run[agents=32]' },
      { side: 'b', id: 'coord/direct[agents=64]' },
    ]);
    expect(r.detail).toMatch(/; without a partner: coord\/run\[agents=32\] \(A\), coord\/direct\[agents=64\] \(B\)$/);
  });

  it('is missing when no parameter set is on both sides', () => {
    const metrics = [...grid('run', 'ms', { 4: 50, 8: 90 }), ...grid('direct', 'ms', { 16: 10, 32: 20 })];
    const r = one('diff(coord/run, coord/direct) < 100ms', metrics);
    expect(r.status).toBe('missing');
    expect(r.detail).toMatch(/no metric of A has the parameters of a metric of B/);
    expect(r.relative?.pairs).toEqual([]);
    expect(r.relative?.unpaired).toHaveLength(4);
  });

  it('pairs one metric on each side whatever their parameters', () => {
    const metrics = grid('first_event', 'ms', { 1: 200, 10: 210 });
    const ok = one('ratio(coord/first_event[agents=10], coord/first_event[agents=1]) <= 1.1', metrics);
    expect(ok.status).toBe('pass');
    expect(ok.actual).toBeCloseTo(1.05, 12);
    const bad = one('ratio(coord/first_event[agents=10], coord/first_event[agents=1]) <= 1.02', metrics);
    expect(bad.status).toBe('fail');
  });

  it('pairs one reference with each metric of a glob, but never a metric with itself', () => {
    const metrics = [
      metric('serial', 'msgspec', 'ms', 1),
      metric('serial', 'pydantic', 'ms', 5),
      metric('serial', 'marshmallow', 'ms', 1.5),
    ];
    const r = one('ratio(serial/*, serial/msgspec) >= 2', metrics);
    expect(r.status).toBe('fail');
    expect(r.relative?.pairs.map((p) => p.a.id).sort()).toEqual(['serial/marshmallow', 'serial/pydantic']);
    expect(r.actual).toBe(1.5);
    expect(r.detail).toMatch(/^worst: serial\/marshmallow \/ serial\/msgspec/);
    const self = one('ratio(serial/msgspec, serial/msgspec) == 1', metrics);
    expect(self.status).toBe('missing');
    expect(self.detail).toMatch(/both pick serial\/msgspec/);
  });

  it('is missing, not passing, when several metrics on both sides share parameters', () => {
    const metrics = [
      metric('a', 'x', 'ms', 10),
      metric('a', 'y', 'ms', 10),
      metric('b', 'x', 'ms', 1),
      metric('b', 'y', 'ms', 1),
    ];
    const r = one('ratio(a/*, b/*) >= 2', metrics);
    expect(r.status).toBe('missing');
    expect(r.detail).toMatch(/ambiguous pairs: A picks a\/x, a\/y and B picks b\/x, b\/y/);
    expect(r.relative?.ambiguous).toEqual([{ a: ['a/x', 'a/y'], b: ['b/x', 'b/y'] }]);
  });

  it('is missing when either side matches nothing, naming the side', () => {
    const metrics = [metric('coord', 'run', 'ms', 5)];
    const r = one('diff(coord/run, coord/rnu) < 1s', metrics);
    expect(r.status).toBe('missing');
    expect(r.detail).toBe('B: no metric matches "coord/rnu"; did you mean "coord/run"?');
    expect(r.relative?.unpaired).toEqual([{ side: 'a', id: 'coord/run' }]);
    const both = one('ratio(x/y, z/w) >= 1', metrics);
    expect(both.detail).toMatch(/^A: no metric matches "x\/y".*; B: no metric matches "z\/w"/);
  });

  it('is missing when a stat cannot be read', () => {
    const metrics = [metric('a', 'x', 'ms', 2), metric('a', 'y', 'ms', 1)];
    const r = one('ratio(a/x, a/y) p90 >= 1', metrics);
    expect(r.status).toBe('missing');
    expect(r.detail).toMatch(/a\/x has no p90/);
    expect(r.relative?.pairs[0]).toMatchObject({ status: 'missing', a: { id: 'a/x', unit: 'ms' } });
    expect(r.relative?.pairs[0]?.a.value).toBeUndefined();
  });
});

describe('ratio() and diff(): properties', () => {
  it('ratio(A, B) >= k holds exactly when stat(A) >= k * stat(B), and diff(A, B) <= d when A <= B + d', () => {
    const rng = makeRng(20);
    let passes = 0;
    for (let i = 0; i < 400; i++) {
      const a = 10 ** (3 * rng() - 1);
      const b = 10 ** (3 * rng() - 1);
      // A factor with at most three decimals, as a user would write it.
      const k = Math.round(1000 * (0.1 + 4 * rng())) / 1000;
      const metrics = [metric('p', 'a', 'ms', a), metric('p', 'b', 'us', b * 1000)];
      const ratio = one(`ratio(p/a, p/b) >= ${k}`, metrics);
      expect([a, b, k, ratio.status]).toEqual([a, b, k, a >= k * b ? 'pass' : 'fail']);
      if (ratio.status === 'pass') passes++;
      const d = Math.round(1000 * (2 * rng() - 1)) / 1000;
      const diff = one(`diff(p/a, p/b) <= ${d}ms`, metrics);
      expect([a, b, d, diff.status]).toEqual([a, b, d, a - b <= d ? 'pass' : 'fail']);
    }
    // Both outcomes occur, so the loop tested something.
    expect(passes).toBeGreaterThan(50);
    expect(passes).toBeLessThan(350);
  });
});
