import { describe, expect, it } from 'vitest';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { buildVerdict } from '../src/compare/verdict.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import { RESULTS_SCHEMA, type ResultsDocument, type SuiteResult } from '../src/model/results.ts';
import { type CriterionResult, parseVerdict } from '../src/model/verdict.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';

const env = { os: 'linux', arch: 'x64', cpu: 'AMD EPYC 7763', cores: 4, node: 'v24.1.0' };

function suite(
  name: string,
  levels: Record<string, number>,
  seed: number,
  extra: Partial<SuiteResult> = {},
): SuiteResult {
  const rng = makeRng(seed);
  return {
    name,
    kind: 'bench',
    ok: true,
    durationMs: 10,
    metrics: Object.entries(levels).map(([metricName, level]) =>
      makeMetric({
        suite: name,
        name: metricName,
        unit: 'ms',
        better: 'lower',
        samples: Array.from({ length: 6 }, () => level * Math.exp(0.02 * normalDraw(rng))),
      }),
    ),
    ...extra,
  };
}

function results(suites: SuiteResult[], sha = 'abc'): ResultsDocument {
  return { schema: RESULTS_SCHEMA, createdAt: '2026-02-03T04:05:06Z', git: { sha }, env, suites };
}

const pass: CriterionResult = { expect: 'graph/plan < 1s', status: 'pass', actual: 40, unit: 'ms' };
const fail: CriterionResult = { expect: 'graph/plan < 10ms', status: 'fail', actual: 40, unit: 'ms' };
const missing: CriterionResult = { expect: 'nothing/here < 1s', status: 'missing' };

describe('buildVerdict', () => {
  const base = results([suite('graph', { plan: 40, route: 10 }, 1)], 'base-sha');
  const same = results([suite('graph', { plan: 40, route: 10 }, 2)], 'head-sha');
  const slower = results([suite('graph', { plan: 60, route: 15 }, 3)], 'head-sha');

  it('without a baseline: everything is new, regressions were not checked, and it says so', () => {
    const v = buildVerdict({ heads: [same], criteria: [pass], options: DEFAULT_COMPARE_OPTIONS });
    expect(v.status).toBe('pass');
    expect(v.baseline).toBeUndefined();
    expect(v.comparisons.map((c) => c.verdict)).toEqual(['new', 'new']);
    expect(v.warnings.some((w) => w.code === 'no-baseline' && /regressions were not checked/.test(w.message))).toBe(
      true,
    );
    expect(buildVerdict({ heads: [same], criteria: [fail], options: DEFAULT_COMPARE_OPTIONS }).status).toBe('fail');
  });

  it('records where the baseline came from', () => {
    const v = buildVerdict({
      heads: [same],
      base,
      baselineSource: 'cache:key-1',
      criteria: [],
      options: DEFAULT_COMPARE_OPTIONS,
    });
    expect(v.baseline).toEqual({ sha: 'base-sha', createdAt: '2026-02-03T04:05:06Z', source: 'cache:key-1' });
    expect(v.status).toBe('pass');
    const { git: _omit, ...noGit } = base;
    const w = buildVerdict({ heads: [same], base: noGit, criteria: [], options: DEFAULT_COMPARE_OPTIONS });
    expect(w.baseline).toEqual({ createdAt: base.createdAt, source: 'unknown' });
  });

  it('fails on regressions only when failOn includes regression', () => {
    const args = { heads: [slower], base, criteria: [pass] };
    const v = buildVerdict({ ...args, options: DEFAULT_COMPARE_OPTIONS });
    expect(v.comparisons.map((c) => c.verdict)).toEqual(['regressed', 'regressed']);
    expect(v.status).toBe('fail');
    expect(buildVerdict({ ...args, options: { ...DEFAULT_COMPARE_OPTIONS, failOn: ['criteria'] } }).status).toBe(
      'pass',
    );
    expect(buildVerdict({ ...args, options: { ...DEFAULT_COMPARE_OPTIONS, failOn: [] } }).status).toBe('pass');
    // Ignoring the regressed metrics lets it pass.
    const ignoring = { ...DEFAULT_COMPARE_OPTIONS, ignore: ['graph/*'] };
    expect(buildVerdict({ ...args, options: ignoring }).status).toBe('pass');
  });

  it('fails on failed or missing criteria only when failOn includes criteria', () => {
    for (const c of [fail, missing]) {
      expect(buildVerdict({ heads: [same], base, criteria: [pass, c], options: DEFAULT_COMPARE_OPTIONS }).status).toBe(
        'fail',
      );
      const onlyRegressions = { ...DEFAULT_COMPARE_OPTIONS, failOn: ['regression' as const] };
      expect(buildVerdict({ heads: [same], base, criteria: [c], options: onlyRegressions }).status).toBe('pass');
    }
  });

  it('a crashed suite fails the gate whatever failOn says, and is named', () => {
    const crashed = results([
      suite('graph', { plan: 40, route: 10 }, 4),
      suite('api', {}, 5, { ok: false, error: 'service "api" never became ready' }),
    ]);
    for (const failOn of [[], ['criteria'], ['regression']] as const) {
      const v = buildVerdict({
        heads: [crashed],
        base,
        criteria: [pass],
        options: { ...DEFAULT_COMPARE_OPTIONS, failOn: [...failOn] },
      });
      expect(v.status).toBe('fail');
      const w = v.warnings.filter((x) => x.code === 'suite-failed');
      expect(w).toHaveLength(1);
      expect(w[0]?.message).toContain('"api"');
      expect(w[0]?.message).toContain('never became ready');
    }
    // Without a baseline too: a crash is never a green gate.
    expect(buildVerdict({ heads: [crashed], criteria: [], options: DEFAULT_COMPARE_OPTIONS }).status).toBe('fail');
  });

  it('produces a document the verdict reader accepts, with evidence on each row', () => {
    const verdict = buildVerdict({
      heads: [results([suite('graph', { plan: 60, fresh: 5 }, 6)])],
      base: results([suite('graph', { plan: 40, route: 10 }, 7)]),
      baselineSource: 'file:base.json',
      criteria: [pass],
      options: DEFAULT_COMPARE_OPTIONS,
    });
    const parsed = parseVerdict(JSON.stringify(verdict), 'verdict.json');
    expect(parsed).toEqual(verdict);
    expect(verdict.comparisons.map((c) => [c.id, c.verdict])).toEqual([
      ['graph/plan', 'regressed'],
      ['graph/fresh', 'new'],
      ['graph/route', 'missing'],
    ]);
    expect(verdict.comparisons[0]?.evidence).toMatchObject({ test: 'rank', nBase: 6, nHead: 6, headRuns: 1 });
    expect(verdict.comparisons[2]?.evidence).toBeUndefined();
  });
});
