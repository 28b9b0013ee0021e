// Confirming regressions with a second run of their suites (compare/recheck.ts, runner/recheck.ts): a slow
// spell of the runner that the second run does not repeat is cleared, a regression that repeats stands.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calibrate } from '../src/compare/calibrate.ts';
import { compareMetrics } from '../src/compare/compare.ts';
import type { RunNoise } from '../src/compare/noise.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { applyRecheck, recheckOf, recheckOptions, regressionsToRecheck } from '../src/compare/recheck.ts';
import { syntheticMetric } from '../src/compare/simulate.ts';
import { buildVerdictWithDetails, type DetailedVerdict } from '../src/compare/verdict.ts';
import { loadConfig } from '../src/config/load.ts';
import type { Metric, ResultsDocument } from '../src/model/results.ts';
import type { Comparison, CriterionResult } from '../src/model/verdict.ts';
import { recheckRegressions } from '../src/runner/recheck.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { resultsAt } from './helpers/documents.ts';

const options = DEFAULT_COMPARE_OPTIONS;
const env = { os: 'linux 6.1', arch: 'x64', cpu: 'Test CPU', cores: 2, node: 'v20.0.0' };

/** Ten replicates around `level` (±1%). */
function metric(id: string, level: number, seed: number): Metric {
  const rng = makeRng(seed);
  return syntheticMetric(
    id,
    'lower',
    Array.from({ length: 10 }, () => level * Math.exp(0.01 * normalDraw(rng))),
  );
}

function doc(hour: number, levels: Record<string, number>, seed: number): ResultsDocument {
  const byKernel = Object.entries(levels).map(([id, level], i) => metric(id, level, seed * 100 + i));
  const results = resultsAt(hour, env, byKernel);
  // Two suites: "a" (a/x, a/y) and "b" (b/z).
  const suite = results.suites[0] as ResultsDocument['suites'][number];
  return {
    ...results,
    suites: ['a', 'b'].map((name) => ({
      ...suite,
      name,
      metrics: suite.metrics.filter((m) => m.id.startsWith(`${name}/`)),
    })),
  };
}

const base = doc(0, { 'a/x': 10, 'a/y': 20, 'b/z': 30 }, 1);

function judged(
  head: ResultsDocument,
  criteria: CriterionResult[] = [],
  failOn = options.failOn,
  focus?: ReadonlySet<string>,
): DetailedVerdict {
  return buildVerdictWithDetails({
    head,
    base,
    criteria,
    options: { ...options, failOn },
    ...(focus ? { focus } : {}),
  });
}

describe('which regressions are rechecked', () => {
  it('the regressed metrics and only the suites that measured them; the second run judged on those', () => {
    const head = doc(1, { 'a/x': 13, 'a/y': 20, 'b/z': 30 }, 2);
    const first = judged(head);
    expect(first.verdict.comparisons.find((c) => c.id === 'a/x')?.verdict).toBe('regressed');
    expect(regressionsToRecheck(first, head)).toEqual({ ids: ['a/x'], suites: ['a'] });
    const again = judged(head, [], options.failOn, new Set(['a/x']));
    expect(again.verdict.comparisons.map((c) => c.id)).toEqual(['a/x']);
    expect(Object.keys(again.details)).toEqual(['a/x']);
    expect(again.verdict.comparisons[0]?.verdict).toBe('regressed');
    expect(regressionsToRecheck(judged(doc(1, { 'a/x': 10, 'a/y': 20, 'b/z': 30 }, 3)), head)).toEqual({
      ids: [],
      suites: [],
    });
  });
});

describe('applying the second run', () => {
  const head = doc(1, { 'a/x': 13, 'a/y': 26, 'b/z': 30 }, 4);
  const first = judged(head);
  const rechecked = new Set(['a/x', 'a/y']);
  const second = (levels: Record<string, number>) => judged(doc(2, levels, 5), [], options.failOn, rechecked);

  it('keeps a regression the second run repeats and clears one it does not, and the gate follows', () => {
    expect(first.verdict.status).toBe('fail');
    const out = applyRecheck(first, second({ 'a/x': 13, 'a/y': 20, 'b/z': 30 }), options, 0);
    const verdicts = Object.fromEntries(out.verdict.comparisons.map((c) => [c.id, c.verdict]));
    expect(verdicts).toEqual({ 'a/x': 'regressed', 'a/y': 'inconclusive', 'b/z': 'unchanged' });
    expect(out.verdict.status).toBe('fail');
    expect(out.recheck['a/x']?.confirmed).toBe(true);
    expect(out.recheck['a/y']).toMatchObject({ confirmed: false, verdict: 'unchanged' });
    expect(out.details['a/y']?.reason).toMatch(
      /^regressed in this run \(\+\d\d\.\d%\), not when its suite ran again \([+-]?\d\.\d%\)$/,
    );
    expect(out.details['a/x']?.recheck?.ratio).toBeGreaterThan(1.25);
    // Numbers of the first run stay: the row reports what this run measured.
    expect(out.verdict.comparisons.find((c) => c.id === 'a/y')?.ratio).toBe(
      first.verdict.comparisons.find((c) => c.id === 'a/y')?.ratio,
    );
    expect(out.verdict.warnings.at(-1)).toMatch(
      /^2 regressions checked by running their suites again: 1 confirmed, 1 not \(a slow spell of the runner, not the code\): "a\/y" \+\d\d\.\d%, then [+-]?\d\.\d%$/,
    );

    const cleared = applyRecheck(first, second({ 'a/x': 10, 'a/y': 20, 'b/z': 30 }), options, 0);
    expect(cleared.verdict.status).toBe('pass');
    expect(cleared.verdict.comparisons.filter((c) => c.verdict === 'regressed')).toHaveLength(0);
  });

  it('lets nothing but a measurement clear a regression: unmeasured ones stand, crashes and criteria still fail', () => {
    // The second run measured neither metric (its suite crashed, say): both regressions stand.
    const none = applyRecheck(first, judged(doc(2, { 'b/z': 30 }, 6), [], options.failOn, rechecked), options, 0);
    expect(none.verdict.comparisons.filter((c) => c.verdict === 'regressed').map((c) => c.id)).toEqual(['a/x', 'a/y']);
    expect(Object.values(none.recheck).every((r) => r.confirmed && r.verdict === 'missing')).toBe(true);
    expect(none.verdict.status).toBe('fail');
    const quiet = second({ 'a/x': 10, 'a/y': 20, 'b/z': 30 });
    // A crashed suite in the first run fails the gate whatever the recheck clears.
    expect(applyRecheck(first, quiet, options, 1).verdict.status).toBe('fail');
    const failed: CriterionResult[] = [{ expect: 'a/x median < 1ms', status: 'fail' }];
    expect(applyRecheck(judged(head, failed), quiet, options, 0).verdict.status).toBe('fail');
    // fail-on without regressions: the recheck changes rows, never the status.
    const reportOnly = { ...options, failOn: [] };
    expect(applyRecheck(judged(head, [], []), quiet, reportOnly, 0).verdict.status).toBe('pass');
  });

  it('asks the second run one-sided: two-sided at twice the error rate, only a regression confirming', () => {
    expect(recheckOptions(options).confidence).toBeCloseTo(0.98, 12);
    expect(recheckOptions({ ...options, confidence: 0.95 }).confidence).toBeCloseTo(0.9, 12);
    expect(recheckOptions(options).minEffect).toBe(options.minEffect);
    // A metric compared by its best replicate (Student's t against the history's drift): 10% slower where
    // the drift makes p ≈ 0.015. One-sided at 1% that confirms; two-sided at 99% it would not.
    const drift: RunNoise = { runs: 20, spread: 0.0277, drift: 0.0277, df: 1000, band: 0.1 };
    const times = Array.from({ length: 10 }, (_, r) => 10 + r);
    const base1 = [syntheticMetric('a/x', 'lower', times)];
    const head1 = [
      syntheticMetric(
        'a/x',
        'lower',
        times.map((t) => t * 1.1),
      ),
    ];
    const at = (o: typeof options) => compareMetrics(base1, head1, o, { best: new Map([['a/x', drift]]) });
    const p = at(options).details['a/x']?.pRaw as number;
    expect(p).toBeGreaterThan(0.01);
    expect(p).toBeLessThan(0.02);
    expect(at(options).comparisons[0]?.verdict).toBe('inconclusive');
    expect(at(recheckOptions(options)).comparisons[0]?.verdict).toBe('regressed');
  });

  it('reads a second run that improved or was inconclusive as not confirming', () => {
    const row = (verdict: Comparison['verdict'], ratio?: number): Comparison => ({
      id: 'm',
      unit: 'ms',
      better: 'lower',
      verdict,
      ...(ratio !== undefined ? { ratio } : {}),
    });
    const seen = (c: Comparison) => new Map([[c.id, c]]);
    expect(recheckOf('m', seen(row('inconclusive', 1.2)))).toEqual({
      ratio: 1.2,
      verdict: 'inconclusive',
      confirmed: false,
    });
    expect(recheckOf('m', seen(row('improved', 0.9))).confirmed).toBe(false);
    expect(recheckOf('m', seen(row('regressed', 1.3))).confirmed).toBe(true);
    expect(recheckOf('m', seen(row('missing'))).confirmed).toBe(true);
    expect(recheckOf('m', new Map())).toEqual({ verdict: 'missing', confirmed: true });
  });
});

describe('recheck in the runner', () => {
  it('keeps the first judgement, with the reason, when the suites cannot run again', async () => {
    const loaded = await loadConfig(path.resolve(import.meta.dirname, 'fixtures/spin/perf.yml'));
    const head = doc(1, { 'a/x': 13, 'a/y': 20, 'b/z': 30 }, 7);
    const first = judged(head);
    const baseline = { results: base, source: 'base.json' };
    // Suite "a" is not in this config: running it again fails before measuring anything.
    const out = await recheckRegressions({ loaded, results: head, judged: first, baseline, options, run: {} });
    expect(out.suites).toEqual([]);
    expect(out.judged.verdict.status).toBe('fail');
    expect(out.judged.verdict.comparisons).toEqual(first.verdict.comparisons);
    expect(out.judged.verdict.warnings.at(-1)).toMatch(
      /^running "a" again failed \(no suite named "a".*\); the regressions stand unconfirmed$/,
    );
    // Off, or with no baseline, nothing runs.
    const off = await recheckRegressions({
      loaded,
      results: head,
      judged: first,
      baseline,
      options: { ...options, recheck: false },
      run: {},
    });
    expect(off.judged).toBe(first);
    const alone = await recheckRegressions({
      loaded,
      results: head,
      judged: first,
      baseline: undefined,
      options,
      run: {},
    });
    expect(alone.judged).toBe(first);
  });
});

describe('calibration with recheck', () => {
  it('clears a head whose one kernel ran slow in every process when the next run of the same code did not', () => {
    const plain = (hour: number) => doc(hour, { 'a/x': 10, 'a/y': 20, 'b/z': 30 }, 10 + hour);
    const runs = [0, 1, 2, 3, 4, 5].map((h) => ({ factor: 1, results: plain(h) }));
    // A slow spell: every replicate of a/x 40% slower in one run of unchanged code.
    runs.push({ factor: 1, results: doc(6, { 'a/x': 14, 'a/y': 20, 'b/z': 30 }, 16) });
    runs.push({ factor: 1, results: plain(7) });
    // A real 30% regression of a/y, measured twice.
    runs.push({ factor: 1.3, results: doc(8, { 'a/x': 10, 'a/y': 26, 'b/z': 30 }, 18) });
    runs.push({ factor: 1.3, results: doc(9, { 'a/x': 10, 'a/y': 26, 'b/z': 30 }, 19) });
    const opts = { options, history: true };
    const once = calibrate(runs, opts).rows;
    const twice = calibrate(runs, { ...opts, recheck: true }).rows;
    const aa = (rows: typeof once) => rows.find((r) => r.factor === 1)?.anyRegressed ?? Number.NaN;
    const ab = (rows: typeof once) => rows.find((r) => r.factor === 1.3)?.gateFailed ?? Number.NaN;
    expect(aa(once)).toBeGreaterThan(0);
    expect(aa(twice)).toBe(0);
    // The regression repeats: every pair still fails, except the last head, which has no later run and
    // keeps its regressions as they were.
    expect(ab(once)).toBe(1);
    expect(ab(twice)).toBe(1);
  });
});
