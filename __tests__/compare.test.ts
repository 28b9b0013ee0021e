import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { compareResults } from '../src/compare/compare.ts';
import { levelOf } from '../src/compare/level.ts';
import { suitesToRunAgain, wantsAnotherRun } from '../src/compare/more.ts';
import { type CompareOptions, DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import { type Better, type Metric, RESULTS_SCHEMA, type ResultsDocument } from '../src/model/results.ts';
import type { Comparison } from '../src/model/verdict.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';

const env = { os: 'linux', arch: 'x64', cpu: 'cpu', cores: 2, node: 'v24' };

interface Spec {
  name: string;
  values: number[];
  better?: Better;
  unit?: string;
  windows?: boolean;
}

function metric(s: Spec): Metric {
  return makeMetric({
    suite: 's',
    name: s.name,
    unit: s.unit ?? (s.better === 'higher' ? 'req/s' : 'ms'),
    better: s.better ?? 'lower',
    samples: s.values,
    ...(s.windows ? { windows: true } : {}),
  });
}

function doc(i: number, specs: Spec[], reference?: number[]): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    createdAt: new Date(Date.UTC(2026, 0, 1, i)).toISOString(),
    git: { sha: `sha${i}` },
    env,
    suites: [
      {
        name: 's',
        kind: 'bench',
        ok: true,
        durationMs: 1000,
        metrics: specs.map(metric),
        ...(reference ? { reference: { workload: 'ref@1', unit: 'ms', parts: { int: reference } } } : {}),
      },
    ],
  };
}

const noisy = (rng: () => number, level: number, n: number, sd = 0.03) =>
  Array.from({ length: n }, () => level * Math.exp(sd * normalDraw(rng)));

function row(out: { comparisons: Comparison[] }, id: string): Comparison {
  const c = out.comparisons.find((x) => x.id === id);
  if (!c) throw new Error(`no row ${id}`);
  return c;
}

const opts = (o: Partial<CompareOptions> = {}): CompareOptions => ({ ...DEFAULT_COMPARE_OPTIONS, ...o });

describe('run levels', () => {
  it('take the better-side quartile of replicates, the median of windows, the value of one', () => {
    expect(levelOf({ values: [5, 1, 4, 2, 3], windows: false }, 'lower')).toBe(2);
    expect(levelOf({ values: [5, 1, 4, 2, 3], windows: false }, 'higher')).toBe(4);
    expect(levelOf({ values: [5, 1, 4, 2, 3], windows: true }, 'lower')).toBe(3);
    expect(levelOf({ values: [3, 1, 2], windows: false }, 'lower')).toBe(2);
    expect(levelOf({ values: [7], windows: false }, 'higher')).toBe(7);
  });
});

describe('exact values are compared exactly', () => {
  it('0 -> 0 is unchanged, 0 -> 5 lost is regressed, whatever the replicate count', () => {
    const lost = (v: number) => ({ name: 'lost', unit: 'count', values: [v] });
    const same = compareResults({ base: doc(0, [lost(0)]), heads: [doc(1, [lost(0)])], options: opts() });
    expect(row(same, 's/lost')).toMatchObject({ verdict: 'unchanged', evidence: { test: 'exact', scale: 'linear' } });
    const worse = compareResults({ base: doc(0, [lost(0)]), heads: [doc(1, [lost(5)])], options: opts() });
    expect(row(worse, 's/lost')).toMatchObject({ verdict: 'regressed', base: 0, head: 5 });
    expect(row(worse, 's/lost').evidence?.interval).toEqual([5, 5]);
  });

  it('constant sizes: beyond min-effect regressed, within it unchanged', () => {
    const size = (v: number) => ({ name: 'bundle', unit: 'B', values: [v, v, v] });
    const r = (h: number) =>
      row(compareResults({ base: doc(0, [size(1000)]), heads: [doc(1, [size(h)])], options: opts() }), 's/bundle');
    expect(r(1030).verdict).toBe('unchanged');
    expect(r(1100).verdict).toBe('regressed');
    expect(r(900).verdict).toBe('improved');
  });
});

describe('no history: replicates by a one-sided rank test, decided over the head runs', () => {
  // Issue: with 5 replicates, 2+ metrics and no history a 3x slowdown could never be called regressed.
  it('a 3x slowdown of one of 4 metrics: undecided in one run, regressed once a second run is pooled', () => {
    const rng = makeRng(3);
    const specs = (slow: number) =>
      ['a', 'b', 'c', 'd'].map((name, i) => ({ name, values: noisy(rng, (10 + i) * (name === 'a' ? slow : 1), 5) }));
    const base = doc(0, specs(1));
    const first = doc(1, specs(3));
    const one = compareResults({ base, heads: [first], options: opts() });
    const a1 = row(one, 's/a');
    expect(a1.verdict).toBe('inconclusive');
    expect(wantsAnotherRun(a1, opts())).toBe(true);
    expect(suitesToRunAgain({ ...verdictOf(one), baseline: { createdAt: '', source: 'x' } }, first, opts())).toEqual([
      's',
    ]);
    const two = compareResults({ base, heads: [first, doc(2, specs(3))], options: opts() });
    const a2 = row(two, 's/a');
    expect(a2.verdict).toBe('regressed');
    expect(a2.evidence).toMatchObject({ test: 'rank', nBase: 5, nHead: 10, headRuns: 2 });
    // The interval shown is the one the decision used: its lower end clears no-change.
    expect(a2.ci?.[0]).toBeGreaterThan(1);
    expect(a2.ratio).toBeCloseTo((a2.head as number) / (a2.base as number), 10);
    for (const id of ['s/b', 's/c', 's/d']) expect(row(two, id).verdict).not.toBe('regressed');
  });

  it('a regression must show in every head run: a slow first run alone does not fail', () => {
    const rng = makeRng(5);
    const specs = (f: number) => [{ name: 'a', values: noisy(rng, 10 * f, 10, 0.01) }];
    const base = doc(0, specs(1));
    const spell = compareResults({ base, heads: [doc(1, specs(1.5)), doc(2, specs(1))], options: opts() });
    expect(row(spell, 's/a').verdict).not.toBe('regressed');
    const real = compareResults({ base, heads: [doc(1, specs(1.5)), doc(2, specs(1.5))], options: opts() });
    expect(row(real, 's/a').verdict).toBe('regressed');
  });

  it('a single look is tested at the whole α (runs: 1)', () => {
    const rng = makeRng(8);
    const specs = (f: number) => [
      { name: 'a', values: noisy(rng, 10 * f, 5) },
      { name: 'b', values: noisy(rng, 20 * f, 5) },
    ];
    const out = compareResults({ base: doc(0, specs(1)), heads: [doc(1, specs(1.3))], options: opts({ runs: 1 }) });
    expect(out.comparisons.map((c) => c.verdict)).toEqual(['regressed', 'regressed']);
    expect(row(out, 's/a').evidence?.family).toEqual({ size: 2, rejected: 2, looks: 1 });
  });

  it('throughput mirrors time: Base, Head and Change are the same statistic and point the same way', () => {
    const rng = makeRng(9);
    const rate = (level: number) => [
      { name: 'backlog', better: 'higher' as const, values: noisy(rng, level, 10, 0.01) },
    ];
    const out = compareResults({ base: doc(0, rate(853)), heads: [doc(1, rate(1219))], options: opts({ runs: 1 }) });
    const c = row(out, 's/backlog');
    expect(c.verdict).toBe('improved');
    expect(c.ratio).toBeCloseTo((c.head as number) / (c.base as number), 10);
    expect(c.ratio).toBeGreaterThan(1.3);
    expect(c.ci?.[0]).toBeGreaterThan(1);
  });
});

describe('windows are not replicates', () => {
  // Issue: Locust's per-second windows were taken for replicates and unchanged code failed at +155-238%.
  it('a run whose windows all sit 15% higher is one run: judged by the threshold, not by 30 "replicates"', () => {
    const rng = makeRng(11);
    const run = (level: number) => [{ name: 'latency', values: noisy(rng, level, 30, 0.01), windows: true }];
    const out = compareResults({ base: doc(0, run(100)), heads: [doc(1, run(115))], options: opts() });
    const c = row(out, 's/latency');
    expect(c.evidence).toMatchObject({
      test: 'threshold',
      level: 'window-median',
      nBase: 1,
      nHead: 1,
      threshold: 0.25,
    });
    expect(c.verdict).toBe('unchanged');
    expect(out.warnings.find((w) => w.code === 'no-history')?.metrics).toEqual(['s/latency']);
    const slow = compareResults({ base: doc(0, run(100)), heads: [doc(1, run(140))], options: opts() });
    expect(row(slow, 's/latency').verdict).toBe('regressed');
  });

  it('with a history, windows give one level per run and the run-to-run noise decides', () => {
    const rng = makeRng(12);
    let history: HistoryDocument | undefined;
    let base: ResultsDocument | undefined;
    for (let i = 0; i < 8; i++) {
      const level = 100 * Math.exp(0.08 * normalDraw(rng));
      base = doc(i, [{ name: 'latency', values: noisy(rng, level, 30, 0.01), windows: true }]);
      history = appendToHistory(history, base);
    }
    const head = doc(9, [{ name: 'latency', values: noisy(rng, 112, 30, 0.01), windows: true }]);
    const out = compareResults({ base, heads: [head], history, options: opts() });
    expect(row(out, 's/latency').evidence).toMatchObject({ test: 'history', historyRuns: 8, nHead: 1 });
    expect(row(out, 's/latency').verdict).not.toBe('regressed');
  });
});

describe('with a history: the head against the history’s prediction', () => {
  function history(n: number, specs: (i: number) => Spec[], refs?: (i: number) => number[]) {
    let h: HistoryDocument | undefined;
    let base: ResultsDocument | undefined;
    for (let i = 0; i < n; i++) {
      base = doc(i, specs(i), refs?.(i));
      h = appendToHistory(h, base);
    }
    return { history: h as HistoryDocument, base: base as ResultsDocument };
  }

  // Issue: a metric with one value per run could never regress, even with a steady 10-run history.
  it('one value per run: +200% against a steady 10-run history is regressed, +2% is not', () => {
    const rng = makeRng(21);
    const { history: h, base } = history(10, () => [{ name: 'op', values: [100 * Math.exp(0.02 * normalDraw(rng))] }]);
    const judge = (v: number) =>
      row(
        compareResults({ base, heads: [doc(20, [{ name: 'op', values: [v] }])], history: h, options: opts() }),
        's/op',
      );
    const slow = judge(300);
    expect(slow.verdict).toBe('regressed');
    expect(slow.evidence).toMatchObject({ test: 'history', historyRuns: 10, level: 'value' });
    expect(slow.evidence?.df).toBeGreaterThanOrEqual(9);
    expect(judge(102).verdict).not.toBe('regressed');
  });

  it('the baseline run is part of the history once, and Base is the prediction', () => {
    const rng = makeRng(22);
    const { history: h, base } = history(5, () => [{ name: 'op', values: noisy(rng, 50, 5, 0.01) }]);
    const c = row(
      compareResults({
        base,
        heads: [doc(9, [{ name: 'op', values: noisy(rng, 50, 5, 0.01) }])],
        history: h,
        options: opts(),
      }),
      's/op',
    );
    expect(c.evidence?.historyRuns).toBe(5);
    expect(c.base).toBeGreaterThan(48);
    expect(c.base).toBeLessThan(52);
    expect(c.verdict).toBe('unchanged');
  });

  it('the reference workload as a covariate: a slower machine is not a regression, a slower code is', () => {
    const rng = makeRng(23);
    const machine: number[] = [];
    const { history: h, base } = history(
      10,
      (i) => {
        machine[i] = Math.exp(0.06 * normalDraw(rng));
        return [{ name: 'op', values: noisy(rng, 40 * (machine[i] as number), 5, 0.005) }];
      },
      (i) => noisy(rng, 8 * (machine[i] as number), 5, 0.005),
    );
    const head = (code: number, speed: number) =>
      doc(20, [{ name: 'op', values: noisy(rng, 40 * code * speed, 5, 0.005) }], noisy(rng, 8 * speed, 5, 0.005));
    const slowMachine = row(compareResults({ base, heads: [head(1, 1.12)], history: h, options: opts() }), 's/op');
    expect(slowMachine.evidence?.covariate).toBeGreaterThan(0.8);
    expect(slowMachine.verdict).not.toBe('regressed');
    const slowCode = row(compareResults({ base, heads: [head(1.12, 1)], history: h, options: opts() }), 's/op');
    expect(slowCode.verdict).toBe('regressed');
  });
});

describe('rows that are not compared', () => {
  it('new, missing, ignored and a unit of another dimension', () => {
    const base = doc(0, [
      { name: 'gone', values: [1, 2, 3] },
      { name: 'unit', values: [1, 2, 3], unit: 'ms' },
    ]);
    const head = doc(1, [
      { name: 'fresh', values: [1, 2, 3] },
      { name: 'unit', values: [1, 2, 3], unit: 'MB' },
      { name: 'skip', values: [1, 2, 3] },
    ]);
    const out = compareResults({ base, heads: [head], options: opts({ ignore: ['s/skip'] }) });
    expect(out.comparisons.map((c) => [c.id, c.verdict])).toEqual([
      ['s/fresh', 'new'],
      ['s/unit', 'inconclusive'],
      ['s/gone', 'missing'],
    ]);
    expect(out.warnings.find((w) => w.code === 'unit-mismatch')?.metrics).toEqual(['s/unit']);
  });
});

function verdictOf(out: ReturnType<typeof compareResults>) {
  return {
    schema: 'perf-action/verdict@2' as const,
    status: 'pass' as const,
    criteria: [],
    comparisons: out.comparisons,
    warnings: out.warnings,
  };
}
