import { describe, expect, it } from 'vitest';
import {
  CriteriaConfigError,
  CriterionSyntaxError,
  checkCriteria,
  evaluateCriteria,
  OPS,
  parseCriterion,
  STATS,
} from '../src/criteria/index.ts';
import { ConfigError, parseConfigText } from '../src/index.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import type { Params } from '../src/model/metric-id.ts';
import type { Metric, MetricStats } from '../src/model/results.ts';
import { convert } from '../src/model/units.ts';
import { makeRng } from '../src/stats/rng.ts';

// A metric whose every stat is the same value, unless overridden: enough to aim a criterion at one stat.
function metric(
  id: string,
  unit: string,
  value: number,
  extra: Partial<MetricStats> = {},
  better: 'lower' | 'higher' = 'lower',
): Metric {
  const slash = id.indexOf('/');
  const open = id.indexOf('[');
  const params: Params = {};
  if (open > 0) {
    for (const pair of id.slice(open + 1, -1).split(',')) {
      const [k, v] = pair.split('=') as [string, string];
      params[k] = Number.isFinite(Number(v)) ? Number(v) : v;
    }
  }
  return makeMetric({
    suite: id.slice(0, slash),
    name: id.slice(slash + 1, open > 0 ? open : undefined),
    ...(open > 0 ? { params } : {}),
    unit,
    better,
    stats: { n: 10, mean: value, median: value, min: value, max: value, ...extra },
  });
}

function statusOf(expect: string, metrics: Metric[]): string {
  return (evaluateCriteria([{ expect }], metrics)[0] as { status: string }).status;
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

describe('parseCriterion: grammar', () => {
  it('parses a metric id with parameters, a stat, an operator and a unit', () => {
    const p = parseCriterion('graph/plan[nodes=1000] p95 < 1s');
    expect(p.selector).toEqual({ kind: 'metric', pattern: 'graph/plan[nodes=1000]' });
    expect(p.stat).toBe('p95');
    expect(p.op).toBe('<');
    expect(p.value).toEqual({ value: 1, unit: 's' });
    expect(p.source).toBe('graph/plan[nodes=1000] p95 < 1s');
  });

  it('accepts every statistic and defaults to the median', () => {
    for (const stat of STATS) expect(parseCriterion(`a/b ${stat} < 5`).stat).toBe(stat);
    expect(parseCriterion('a/b < 5ms').stat).toBe('median');
    expect(parseCriterion('a/b P95 < 5ms').stat).toBe('p95');
  });

  it('accepts every operator, with or without spaces around it', () => {
    for (const op of OPS) {
      expect(parseCriterion(`a/b p99 ${op} 5ms`).op).toBe(op);
      expect(parseCriterion(`a/b p99${op}5ms`).op).toBe(op);
      const tight = parseCriterion(`a/b${op}5ms`);
      expect([tight.selector.pattern, tight.op, tight.stat]).toEqual(['a/b', op, 'median']);
    }
  });

  it('reads the unit kinds parseQuantity knows', () => {
    const cases: Array<[string, number, string]> = [
      ['1s', 1, 's'],
      ['250ms', 250, 'ms'],
      ['100k/s', 100_000, '/s'],
      ['1.5M events/s', 1_500_000, 'events/s'],
      ['1%', 1, '%'],
      ['50MB', 50, 'MB'],
      ['1.2', 1.2, ''],
      ['100,000', 100_000, ''],
      ['1e3 us', 1000, 'us'],
    ];
    for (const [text, value, unit] of cases) {
      const p = parseCriterion(`s/m >= ${text}`);
      expect(p.value).toEqual({ value, unit });
      expect(p.valueText).toBe(text);
    }
  });

  it('tolerates leading, trailing, repeated and tab whitespace', () => {
    const variants = ['a/b p95 < 1s', '  a/b p95 < 1s  ', 'a/b\tp95\t<\t1s', 'a/b   p95   <   1 s', 'a/b p95<1s'];
    for (const v of variants) {
      const p = parseCriterion(v);
      expect([p.selector.pattern, p.stat, p.op, p.value.value, p.value.unit]).toEqual(['a/b', 'p95', '<', 1, 's']);
    }
  });

  it('keeps slashes, parameters and globs in the selector', () => {
    expect(parseCriterion('api/v1/workflows/create/latency p99 < 100ms').selector.pattern).toBe(
      'api/v1/workflows/create/latency',
    );
    expect(parseCriterion('api/*/latency p95 < 5ms').selector.pattern).toBe('api/*/latency');
    expect(parseCriterion('**/throughput >= 1k/s').selector.pattern).toBe('**/throughput');
    expect(parseCriterion('graph/plan[nodes=1000,kind=dense] max < 1s').selector.pattern).toBe(
      'graph/plan[nodes=1000,kind=dense]',
    );
    expect(parseCriterion('spin/spin[ms=0.2] median < 1s').selector.pattern).toBe('spin/spin[ms=0.2]');
  });

  it('parses scaling(SELECTOR, PARAM) with optional stat and spacing', () => {
    expect(parseCriterion('scaling(graph/plan, nodes) <= 1.2')).toMatchObject({
      selector: { kind: 'scaling', pattern: 'graph/plan', param: 'nodes' },
      stat: 'median',
      op: '<=',
      value: { value: 1.2, unit: '' },
    });
    expect(parseCriterion('scaling( graph/*[kind=dense,x=1] ,nodes ) p95 < 2')).toMatchObject({
      selector: { kind: 'scaling', pattern: 'graph/*[kind=dense,x=1]', param: 'nodes' },
      stat: 'p95',
    });
  });
});

describe('parseCriterion: syntax errors', () => {
  it('points at a misspelt statistic and suggests the right one', () => {
    const e = syntaxError('graph/plan p59 < 1s');
    expect(e.column).toBe(12);
    expect(e.text).toBe('graph/plan p59 < 1s');
    expect(e.message).toContain('"graph/plan p59 < 1s"');
    expect(e.message).toMatch(/did you mean "p95"/);
    // The caret sits under the column, below the quoted text.
    const lines = e.message.split('\n');
    const shown = lines[1] as string;
    const caret = lines[2] as string;
    expect(caret.indexOf('^') - shown.indexOf('graph')).toBe(e.column - 1);
    expect(syntaxError('graph/plan medain < 1s').message).toMatch(/did you mean "median"/);
    expect(syntaxError('graph/plan stddev < 1s').message).toMatch(/did you mean "sd"/);
    expect(syntaxError('graph/plan zzzzzz < 1s').message).not.toMatch(/did you mean/);
  });

  it('suggests the intended operator', () => {
    const cases: Array<[string, string, number]> = [
      ['a/b p95 = 1s', '==', 9],
      ['a/b =< 1s', '<=', 5],
      ['a/b => 1s', '>=', 5],
      ['a/b <> 1s', '!=', 5],
    ];
    for (const [text, fix, column] of cases) {
      const e = syntaxError(text);
      expect(e.column).toBe(column);
      expect(e.message).toContain(`did you mean "${fix}"`);
    }
    expect(syntaxError('a/b p95 1s').message).toMatch(/expected an operator/);
  });

  it('rejects unknown units, missing values and stray text at the right column', () => {
    const unit = syntaxError('a/b < 1 parsecs');
    expect(unit.column).toBe(9);
    expect(unit.message).toMatch(/unknown unit "parsecs"/);
    expect(syntaxError('a/b < 1sec').message).toMatch(/did you mean "s"/);
    expect(syntaxError('a/b <').message).toMatch(/expected a value/);
    expect(syntaxError('a/b < fast').message).toMatch(/expected a number/);
    const stray = syntaxError('a/b < 1s or 2s');
    expect(stray.column).toBe(10);
    expect(stray.message).toMatch(/unexpected "or 2s"/);
  });

  it('rejects malformed selectors', () => {
    expect(syntaxError('').column).toBe(1);
    expect(syntaxError('p95 < 1s').message).toMatch(/expected a selector before the statistic/);
    expect(syntaxError('graph < 1s').message).toMatch(/<suite>\/<name>/);
    const unclosed = syntaxError('graph/plan[nodes=1 < 1s');
    expect(unclosed.column).toBe(11);
    expect(syntaxError('graph/plan[nodes] < 1s').message).toMatch(/name=value/);
    expect(syntaxError('graph/plan[nodes=1]p95 < 1s').message).toMatch(/space between/);
    expect(syntaxError('scalling(graph/plan, nodes) <= 1').message).toMatch(/did you mean "scaling/);
    expect(syntaxError('scaling(graph/plan) <= 1').message).toMatch(/PARAM/);
    expect(syntaxError('scaling(graph/plan, nodes <= 1').message).toMatch(/expected "\)"/);
  });

  it('rejects units where only a plain number makes sense', () => {
    const e = syntaxError('scaling(graph/plan, nodes) <= 1.2ms');
    expect(e.column).toBe(34);
    expect(e.message).toMatch(/slope/);
    expect(syntaxError('graph/plan n >= 5ms').message).toMatch(/number of samples/);
    expect(parseCriterion('graph/plan n >= 5').value).toEqual({ value: 5, unit: '' });
  });
});

describe('checkCriteria', () => {
  it('lists every bad criterion with its position, text and caret', () => {
    const criteria = [
      { expect: 'graph/plan p59 < 1s' },
      { name: 'fine', expect: 'graph/plan p95 < 1s' },
      { name: 'ops', expect: 'graph/plan => 2ms' },
    ];
    const e = configError(() => checkCriteria(criteria));
    expect(e.problems.map((p) => p.index)).toEqual([1, 3]);
    expect(e.message).toMatch(/^2 invalid criteria/);
    expect(e.message).toContain('criterion 1 "graph/plan p59 < 1s"');
    expect(e.message).toContain('criterion 3 (ops) "graph/plan => 2ms"');
    expect(e.message).toMatch(/did you mean "p95"/);
    expect(e.message).toMatch(/did you mean ">="/);
    expect(e.message.match(/\^/g)?.length).toBe(2);
    expect(() =>
      checkCriteria([{ expect: 'graph/plan p95 < 1s' }, { expect: 'scaling(a/b, n) <= 1.2' }]),
    ).not.toThrow();
    expect(() => checkCriteria([])).not.toThrow();
  });
});

describe('criteria errors name the file and line', () => {
  const text = `version: 1
suites:
  - name: api
    kind: bench
    file: api.bench.ts
criteria:
  - api/x/latency p95 < 1s
  - name: tp
    expect: api/x/throughput >= 1s
`;

  it('leads with where the criterion is written, from checkCriteria and from evaluation', () => {
    const e = configError(() => checkCriteria([{ expect: 'a/b p59 < 1s', where: 'perf.yml:7:5' }]));
    expect(e.problems[0]?.where).toBe('perf.yml:7:5');
    expect(e.message).toMatch(/^perf\.yml:7:5: criterion 1 "a\/b p59 < 1s": column 5: unknown statistic/);
    // A unit of the wrong dimension shows only against the measured metric: it still points at the line.
    const { criteria } = parseConfigText(text, 'perf.yml');
    const metrics = [metric('api/x/latency', 'ms', 5), metric('api/x/throughput', 'req/s', 500, {}, 'higher')];
    const mismatch = configError(() => evaluateCriteria(criteria, metrics));
    expect(mismatch.message).toMatch(
      /^perf\.yml:9:13: criterion 2 \(tp\) "api\/x\/throughput >= 1s": 1s is a duration/,
    );
  });

  it('rejects a criterion with a syntax error or an unknown unit when the config loads, at its line', () => {
    for (const [bad, why] of [
      ['api/x/latency p95 < 5 parsecs', /unknown unit "parsecs"/],
      ['api/x/latency p95 =< 1s', /did you mean "<="/],
    ] as const) {
      let err: unknown;
      try {
        parseConfigText(text.replace('api/x/throughput >= 1s', bad), 'perf.yml');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      const [p] = (err as ConfigError).problems;
      expect(p?.line).toBe(9);
      expect(p?.path).toBe('criteria[1].expect');
      expect(p?.message).toMatch(why);
      expect((err as Error).message).toMatch(/^perf\.yml:9:13: criteria\[1\]\.expect: criterion 2 \(tp\)/);
    }
  });
});

describe('evaluateCriteria: metrics and units', () => {
  it('converts the value to the metric unit at the boundary', () => {
    expect(statusOf('graph/plan p95 < 1s', [metric('graph/plan', 'ms', 500, { p95: 999 })])).toBe('pass');
    expect(statusOf('graph/plan p95 < 1s', [metric('graph/plan', 'ms', 500, { p95: 1001 })])).toBe('fail');
    // Each stat is read from its own field: the median here would pass.
    expect(statusOf('graph/plan p95 < 1s', [metric('graph/plan', 'ms', 500, { p95: 1000 })])).toBe('fail');
    expect(statusOf('graph/plan p95 <= 1s', [metric('graph/plan', 'ms', 500, { p95: 1000 })])).toBe('pass');
    // Near the limit the detail shows enough digits to see which side the value is on.
    const [close] = evaluateCriteria([{ expect: 'graph/plan < 1s' }], [metric('graph/plan', 'ms', 999.9)]);
    expect(close?.detail).toContain('999.9 ms');
    expect(statusOf('graph/plan < 1s', [metric('graph/plan', 'ns', 999_000_000)])).toBe('pass');
    expect(statusOf('graph/plan < 1s', [metric('graph/plan', 'ns', 1_001_000_000)])).toBe('fail');
  });

  it('compares rates with SI prefixes', () => {
    const at = (v: number) => [metric('events/consume/throughput', 'events/s', v, {}, 'higher')];
    expect(statusOf('events/consume/throughput >= 100k/s', at(100_000))).toBe('pass');
    expect(statusOf('events/consume/throughput >= 100k/s', at(99_999))).toBe('fail');
    // 6M/min is 100k/s.
    expect(statusOf('events/consume/throughput >= 6M/min', at(convert(6e6, '/min', '/s') - 1))).toBe('fail');
  });

  it('reports the actual value in the metric unit and the detail', () => {
    const [r] = evaluateCriteria(
      [{ name: 'ORCH-010', expect: 'graph/plan[nodes=1000] p95 < 1s' }],
      [
        metric('graph/plan[nodes=1000]', 'ms', 800, { p95: 1200 }),
        metric('graph/plan[nodes=100]', 'ms', 1, { p95: 5000 }),
      ],
    );
    expect(r).toMatchObject({ name: 'ORCH-010', expect: 'graph/plan[nodes=1000] p95 < 1s', status: 'fail' });
    expect(r?.actual).toBe(1200);
    expect(r?.unit).toBe('ms');
    expect(r?.detail).toContain('graph/plan[nodes=1000]');
  });

  it('applies every operator, with a relative tolerance for equality', () => {
    const m = [metric('c/lost', 'count', 3)];
    const expected: Record<string, [boolean, boolean, boolean]> = {
      // value 2, 3, 4 against actual 3
      '<': [false, false, true],
      '<=': [false, true, true],
      '>': [true, false, false],
      '>=': [true, true, false],
      '==': [false, true, false],
      '!=': [true, false, true],
    };
    for (const [op, outcomes] of Object.entries(expected)) {
      [2, 3, 4].forEach((v, i) => {
        expect(statusOf(`c/lost ${op} ${v}`, m)).toBe(outcomes[i] ? 'pass' : 'fail');
      });
    }
    // A value accumulated in floating point (0.1 + 0.2 is 0.30000000000000004) still equals 0.3.
    const summed = [metric('a/b', 'ms', 0.1 + 0.2)];
    expect(statusOf('a/b == 0.3ms', summed)).toBe('pass');
    expect(statusOf('a/b == 300us', summed)).toBe('pass');
    expect(statusOf('a/b <= 0.3ms', summed)).toBe('pass');
    expect(statusOf('a/b != 0.3ms', summed)).toBe('fail');
    expect(statusOf('a/b == 0.300001ms', summed)).toBe('fail');
  });

  it('accepts plain numbers for counts, unitless metrics and n', () => {
    expect(statusOf('events/lost == 0', [metric('events/lost', 'count', 0)])).toBe('pass');
    expect(statusOf('x/ratio < 2', [metric('x/ratio', '', 1.5)])).toBe('pass');
    expect(statusOf('graph/plan n >= 5', [metric('graph/plan', 'ms', 1, { n: 4 })])).toBe('fail');
    expect(statusOf('graph/plan n >= 5', [metric('graph/plan', 'ms', 1, { n: 5 })])).toBe('pass');
  });

  it('reads each statistic from its own field', () => {
    const rng = makeRng(7);
    const samples = Array.from({ length: 40 }, () => 5 + 20 * rng());
    const m = makeMetric({ suite: 's', name: 'm', unit: 'ms', better: 'lower', samples });
    for (const stat of STATS) {
      const v = m.stats[stat] as number;
      const unit = stat === 'n' ? '' : 'ms';
      const [r] = evaluateCriteria([{ expect: `s/m ${stat} == ${v}${unit}` }], [m]);
      expect([stat, r?.status, r?.actual]).toEqual([stat, 'pass', v]);
    }
    // p50 is the median, also when a summary leaves it out.
    const bare = metric('s/m', 'ms', 3, { median: 4 });
    expect(evaluateCriteria([{ expect: 's/m p50 == 4ms' }], [bare])[0]?.status).toBe('pass');
  });

  it('computes a stat that is not in the summary from the samples', () => {
    const samples = Array.from({ length: 20 }, (_, i) => 10 + i);
    const withSamples = makeMetric({
      suite: 's',
      name: 'm',
      unit: 'ms',
      better: 'lower',
      samples,
      stats: { n: 20, mean: 19.5, median: 19.5, min: 10, max: 29 },
    });
    const sorted = [...samples].sort((a, b) => a - b);
    const p90 = (sorted[17] as number) + 0.1 * ((sorted[18] as number) - (sorted[17] as number));
    const [r] = evaluateCriteria([{ expect: 's/m p90 < 1s' }], [withSamples]);
    expect(r?.status).toBe('pass');
    expect(r?.actual).toBeCloseTo(p90, 9);
    const bare = metric('s/m', 'ms', 5);
    const [missing] = evaluateCriteria([{ expect: 's/m p90 < 1s' }], [bare]);
    expect(missing?.status).toBe('missing');
    expect(missing?.detail).toMatch(/no p90/);
  });

  it('throws a config error naming the criterion and both units on a dimension mismatch', () => {
    const metrics = [metric('api/x/latency', 'ms', 5), metric('api/x/throughput', 'req/s', 500, {}, 'higher')];
    const e = configError(() =>
      evaluateCriteria(
        [{ expect: 'api/x/latency < 1s' }, { expect: 'api/x/latency < 2s' }, { expect: 'api/*/latency p95 < 5%' }],
        metrics,
      ),
    );
    expect(e.message).toContain('criterion 3 "api/*/latency p95 < 5%"');
    expect(e.message).toMatch(/5% is a percentage but api\/x\/latency is measured in ms/);
    const rate = configError(() => evaluateCriteria([{ name: 'tp', expect: 'api/x/throughput >= 1s' }], metrics));
    expect(rate.message).toContain('criterion 1 (tp)');
    expect(rate.message).toMatch(/1s is a duration but api\/x\/throughput is measured in req\/s/);
  });

  it('demands a unit when a plain number is compared with a measured quantity', () => {
    const e = configError(() =>
      evaluateCriteria([{ expect: 'graph/plan p95 < 200' }], [metric('graph/plan', 'ms', 5)]),
    );
    expect(e.message).toMatch(/give a unit, e\.g\. \d+ms/);
    const pct = configError(() =>
      evaluateCriteria([{ expect: 'api/x/error_rate max < 0.01' }], [metric('api/x/error_rate', '%', 0)]),
    );
    expect(pct.message).toMatch(/e\.g\. 5%/);
  });
});

describe('evaluateCriteria: selectors', () => {
  const latency = (name: string, p95: number) => metric(`api/${name}/latency`, 'ms', p95 / 2, { p95 });

  it('requires every glob match to pass and reports the worst one', () => {
    const metrics = [latency('create', 40), latency('execute', 140), latency('list', 60)];
    const [r] = evaluateCriteria([{ expect: 'api/*/latency p95 < 100ms' }], metrics);
    expect(r?.status).toBe('fail');
    expect(r?.actual).toBe(140);
    expect(r?.detail).toContain('api/execute/latency');
    expect(r?.detail).toMatch(/1 of 3 matches failed/);

    const [ok] = evaluateCriteria([{ expect: 'api/*/latency p95 < 200ms' }], metrics);
    expect(ok?.status).toBe('pass');
    // The closest to failing is the largest latency.
    expect(ok?.actual).toBe(140);
    expect(ok?.detail).toMatch(/all 3 matches pass/);
  });

  it('picks the worst by relative margin for a lower bound too', () => {
    const tp = (name: string, v: number) => metric(`api/${name}/throughput`, 'req/s', v, {}, 'higher');
    const [r] = evaluateCriteria(
      [{ expect: 'api/*/throughput >= 1k/s' }],
      [tp('a', 5000), tp('b', 1200), tp('c', 900)],
    );
    expect(r?.status).toBe('fail');
    expect(r?.actual).toBe(900);
  });

  it('crosses segments with ** but not with *', () => {
    const metrics = [metric('api/v1/create/latency', 'ms', 300)];
    expect(statusOf('api/**/latency < 100ms', metrics)).toBe('fail');
    expect(statusOf('api/*/latency < 100ms', metrics)).toBe('missing');
    expect(statusOf('**/latency < 1s', metrics)).toBe('pass');
  });

  it('matches every parameter set when the selector has none, and a subset when it has some', () => {
    const metrics = [
      metric('graph/plan[nodes=100,kind=dense]', 'ms', 1),
      metric('graph/plan[nodes=1000,kind=dense]', 'ms', 50),
      metric('graph/plan[nodes=1000,kind=sparse]', 'ms', 5),
    ];
    expect(statusOf('graph/plan < 10ms', metrics)).toBe('fail');
    expect(statusOf('graph/plan[kind=sparse] < 10ms', metrics)).toBe('pass');
    expect(statusOf('graph/plan[nodes=100] < 10ms', metrics)).toBe('pass');
    expect(statusOf('graph/plan[nodes=1000] < 10ms', metrics)).toBe('fail');
  });

  it('is missing, never passing, when nothing matches, and suggests a near id', () => {
    const metrics = [metric('graph/plan[nodes=100]', 'ms', 1), metric('graph/plan[nodes=500]', 'ms', 2)];
    const [typo] = evaluateCriteria([{ expect: 'graph/plna < 1s' }], metrics);
    expect(typo?.status).toBe('missing');
    expect(typo?.detail).toMatch(/no metric matches "graph\/plna"/);
    expect(typo?.detail).toMatch(/did you mean "graph\/plan"/);
    const [params] = evaluateCriteria([{ expect: 'graph/plan[nodes=1000] < 1s' }], metrics);
    expect(params?.status).toBe('missing');
    expect(params?.detail).toContain('[nodes=100], [nodes=500]');
    const [far] = evaluateCriteria([{ expect: 'other/thing < 1s' }], metrics);
    expect(far?.status).toBe('missing');
    expect(far?.detail).not.toMatch(/did you mean/);
    expect(evaluateCriteria([{ expect: 'a/b < 1s' }], [])[0]?.detail).toMatch(/no metrics were measured/);
  });

  it('evaluates criteria in order and keeps labels', () => {
    const metrics = [metric('a/b', 'ms', 5)];
    const results = evaluateCriteria(
      [{ name: 'one', expect: 'a/b < 10ms' }, { expect: 'a/b > 10ms' }, { expect: 'x/y < 1s' }],
      metrics,
    );
    expect(results.map((r) => [r.name, r.expect, r.status])).toEqual([
      ['one', 'a/b < 10ms', 'pass'],
      [undefined, 'a/b > 10ms', 'fail'],
      [undefined, 'x/y < 1s', 'missing'],
    ]);
  });
});

describe('evaluateCriteria: scaling', () => {
  const SIZES = [100, 500, 1000, 2000];
  const series = (name: string, f: (n: number) => number, extra: Params = {}): Metric[] =>
    SIZES.map((n) => {
      const v = f(n);
      return makeMetric({
        suite: 'graph',
        name,
        params: { nodes: n, ...extra },
        unit: 'ms',
        better: 'lower',
        stats: { n: 5, mean: v, median: v, min: v, max: v },
      });
    });

  it('passes a linear series and reports its slope', () => {
    const [r] = evaluateCriteria(
      [{ expect: 'scaling(graph/plan, nodes) <= 1.2' }],
      series('plan', (n) => 0.003 * n),
    );
    expect(r?.status).toBe('pass');
    expect(r?.actual).toBeCloseTo(1, 9);
    expect(r?.unit).toBe('');
    expect(r?.detail).toBe('slope 1.00 over nodes=100..2000 (4 points)');
  });

  it('fails a quadratic series', () => {
    const [r] = evaluateCriteria(
      [{ expect: 'scaling(graph/plan, nodes) <= 1.2' }],
      series('plan', (n) => 2e-6 * n * n),
    );
    expect(r?.status).toBe('fail');
    expect(r?.actual).toBeCloseTo(2, 9);
  });

  it('fits any power law exactly', () => {
    for (const k of [0.5, 1.5, 3]) {
      const [r] = evaluateCriteria(
        [{ expect: 'scaling(graph/plan, nodes) < 10' }],
        series('plan', (n) => 7 * n ** k),
      );
      expect(r?.actual).toBeCloseTo(k, 9);
    }
  });

  it('still passes a linear series measured with seeded multiplicative noise', () => {
    for (let seed = 1; seed <= 25; seed++) {
      const rng = makeRng(seed);
      const metrics = SIZES.map((n) => {
        // Seven replicates, each off by up to ±15%, summarised the way a suite would.
        const samples = Array.from({ length: 7 }, () => 0.01 * n * (1 + 0.3 * (rng() - 0.5)));
        return makeMetric({ suite: 'graph', name: 'plan', params: { nodes: n }, unit: 'ms', better: 'lower', samples });
      });
      const [r] = evaluateCriteria([{ expect: 'scaling(graph/plan, nodes) <= 1.2' }], metrics);
      expect(r?.status).toBe('pass');
      expect(Math.abs((r?.actual as number) - 1)).toBeLessThan(0.2);
    }
  });

  it('fits each setting of the other parameters separately and fails if one group fails', () => {
    const metrics = [
      ...series('plan', (n) => 0.01 * n, { kind: 'sparse' }),
      ...series('plan', (n) => 1e-5 * n * n, { kind: 'dense' }),
    ];
    const [r] = evaluateCriteria([{ expect: 'scaling(graph/plan, nodes) <= 1.2' }], metrics);
    expect(r?.status).toBe('fail');
    expect(r?.actual).toBeCloseTo(2, 9);
    expect(r?.detail).toContain('graph/plan[kind=dense]');
    expect(r?.detail).toMatch(/1 of 2 series failed/);
    const [sparse] = evaluateCriteria([{ expect: 'scaling(graph/plan[kind=sparse], nodes) <= 1.2' }], metrics);
    expect(sparse?.status).toBe('pass');
    expect(sparse?.actual).toBeCloseTo(1, 9);
  });

  it('fits each metric of a glob separately', () => {
    const metrics = [...series('plan', (n) => n), ...series('solve', (n) => n ** 3)];
    const [r] = evaluateCriteria([{ expect: 'scaling(graph/*, nodes) <= 2' }], metrics);
    expect(r?.status).toBe('fail');
    expect(r?.actual).toBeCloseTo(3, 9);
    expect(r?.detail).toContain('graph/solve');
  });

  it('uses the requested stat', () => {
    // Median linear, p95 quadratic: only the p95 criterion fails.
    const metrics = SIZES.map((n) =>
      makeMetric({
        suite: 'graph',
        name: 'plan',
        params: { nodes: n },
        unit: 'ms',
        better: 'lower',
        stats: { n: 5, mean: n, median: n, min: n, max: n * n, p95: n * n },
      }),
    );
    expect(statusOf('scaling(graph/plan, nodes) <= 1.2', metrics)).toBe('pass');
    expect(statusOf('scaling(graph/plan, nodes) p95 <= 1.2', metrics)).toBe('fail');
  });

  it('brings a series measured in mixed time units to one unit before fitting', () => {
    const metrics = series('plan', (n) => 0.002 * n).map((m, i) =>
      i % 2 === 0 ? { ...m, unit: 'ns', stats: { ...m.stats, median: convert(m.stats.median, 'ms', 'ns') } } : m,
    );
    const [r] = evaluateCriteria([{ expect: 'scaling(graph/plan, nodes) <= 1.2' }], metrics);
    expect(r?.actual).toBeCloseTo(1, 9);
  });

  it('is missing with fewer than two parameter values, no such parameter, or non-positive values', () => {
    const one = series('plan', (n) => n).slice(0, 1);
    const [few] = evaluateCriteria([{ expect: 'scaling(graph/plan, nodes) <= 1.2' }], one);
    expect(few?.status).toBe('missing');
    expect(few?.detail).toMatch(/at least 2 distinct values of nodes/);

    const [noParam] = evaluateCriteria(
      [{ expect: 'scaling(graph/plan, edges) <= 1.2' }],
      series('plan', (n) => n),
    );
    expect(noParam?.status).toBe('missing');
    expect(noParam?.detail).toMatch(/none has a numeric parameter "edges" \(parameters: nodes\)/);

    const [zero] = evaluateCriteria(
      [{ expect: 'scaling(graph/plan, nodes) <= 1.2' }],
      series('plan', (n) => (n === 500 ? 0 : n)),
    );
    expect(zero?.status).toBe('missing');
    expect(zero?.detail).toMatch(/positive/);

    const [none] = evaluateCriteria(
      [{ expect: 'scaling(graph/nope, nodes) <= 1.2' }],
      series('plan', (n) => n),
    );
    expect(none?.status).toBe('missing');
  });
});
