// Noise awareness: run-to-run noise estimated from the baseline's history, and how it changes a comparison
// (wider intervals, drift alone never a regression, unreliable metrics flagged with their band).

import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { compareMetrics, compareResults } from '../src/compare/compare.ts';
import { estimateRunNoise, historyNoise, MIN_HISTORY_RUNS, type RunLevel } from '../src/compare/noise.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { syntheticMetric } from '../src/compare/simulate.ts';
import type { Metric, ResultsDocument } from '../src/model/results.ts';
import { RESULTS_SCHEMA } from '../src/model/results.ts';
import { normalQuantile } from '../src/stats/normal.ts';
import { median } from '../src/stats/quantile.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { sampleSd } from '../src/stats/spread.ts';

const options = DEFAULT_COMPARE_OPTIONS; // 5% min-effect, 99% confidence
const env = { os: 'linux 6.1', arch: 'x64', cpu: 'Test CPU', cores: 4, node: 'v20.0.0' };

/** Runs whose level drifts by `drift` (log sd) and whose `n` replicates scatter by `sd` around it. */
function runs(seed: number, count: number, drift: number, sd: number, n = 5): RunLevel[] {
  const rng = makeRng(seed);
  return Array.from({ length: count }, () => {
    const level = 100 * Math.exp(drift * normalDraw(rng));
    const samples = Array.from({ length: n }, () => level * Math.exp(sd * normalDraw(rng)));
    return { level: median(samples), n, samples };
  });
}

describe('run-to-run noise from the history', () => {
  it('needs at least four positive runs', () => {
    expect(MIN_HISTORY_RUNS).toBe(4);
    expect(estimateRunNoise(runs(1, 3, 0.02, 0.01), 0.99)).toBeUndefined();
    expect(estimateRunNoise(runs(1, 4, 0.02, 0.01), 0.99)).toBeDefined();
    expect(estimateRunNoise([...runs(1, 5, 0.02, 0.01), { level: 0, n: 1 }], 0.99)).toBeUndefined();
  });

  it('recovers a known drift and spread over many runs, and states the band two runs differ by', () => {
    const r = runs(2, 600, 0.03, 0.02);
    const noise = estimateRunNoise(r, 0.99);
    // A run's median of 5 normal replicates varies by about π/2 · σ²/5 on top of the drift.
    const spread = Math.sqrt(0.03 ** 2 + ((Math.PI / 2) * 0.02 ** 2) / 5);
    expect(noise?.spread).toBeGreaterThan(spread * 0.9);
    expect(noise?.spread).toBeLessThan(spread * 1.1);
    expect(noise?.drift).toBeGreaterThan(0.03 * 0.85);
    expect(noise?.drift).toBeLessThan(0.03 * 1.15);
    const z = normalQuantile(0.995);
    expect(noise?.band).toBeCloseTo(Math.expm1(z * Math.SQRT2 * (noise?.spread ?? 0)), 12);
    expect(noise?.df).toBeCloseTo((2 / 3) * 599, 9);
  });

  it('without drift, most of the spread is the replicates, and at least half of it still counts as drift', () => {
    const noise = estimateRunNoise(runs(3, 600, 0, 0.05), 0.99);
    expect(noise?.drift).toBeCloseTo((noise?.spread ?? 0) / 2, 12);
  });

  it('counts a change that landed on the branch once, where a plain standard deviation counts it every run', () => {
    const levels = Array.from({ length: 10 }, (_, i) => ({ level: i < 5 ? 100 : 120, n: 1 }));
    const noise = estimateRunNoise(levels, 0.99);
    const plain = sampleSd(levels.map((l) => Math.log(l.level)));
    expect(noise?.spread).toBeCloseTo(Math.log(1.2) / Math.sqrt(18), 12);
    expect(noise?.spread).toBeLessThan(plain / 2);
  });

  it('uses only runs on the baseline machine, converts units, and skips metrics with too few runs', () => {
    let h: HistoryDocument | undefined;
    const rng = makeRng(4);
    for (let i = 0; i < 8; i++) {
      const other = i % 2 === 1;
      const v = 1000 * Math.exp(0.02 * normalDraw(rng));
      h = appendToHistory(h, {
        schema: RESULTS_SCHEMA,
        createdAt: `2026-01-0${i + 1}T00:00:00Z`,
        env: other ? { ...env, cpu: 'Other CPU' } : env,
        suites: [
          {
            name: 's',
            kind: 'bench',
            ok: true,
            durationMs: 1,
            metrics: [
              syntheticMetric('s/a', 'lower', [v, v * 1.01, v * 0.99]),
              ...(i < 3 ? [syntheticMetric('s/rare', 'lower', [1, 2])] : []),
            ].map((m) => ({ ...m, unit: 'us' })),
          },
        ],
      });
    }
    const units = new Map([
      ['s/a', 'ms'],
      ['s/rare', 'ms'],
    ]);
    const all = historyNoise(h as HistoryDocument, units, 0.99);
    const mine = historyNoise(h as HistoryDocument, units, 0.99, env);
    expect(all.get('s/a')?.runs).toBe(8);
    expect(mine.get('s/a')?.runs).toBe(4);
    expect(mine.has('s/rare')).toBe(false);
    // Relative noise does not depend on the unit, but the conversion must not fail.
    const inSeconds = historyNoise(h as HistoryDocument, new Map([['s/a', 's']]), 0.99, env);
    expect(inSeconds.get('s/a')?.spread).toBeCloseTo(mine.get('s/a')?.spread ?? Number.NaN, 9);
    expect(historyNoise(h as HistoryDocument, new Map([['s/a', 'MB']]), 0.99, env).size).toBe(0);
  });
});

/** Twenty metrics measured tightly (±0.5%) whose whole run moved by `shift`: the shape of machine-wide drift. */
function suite(seed: number, shift: number, better: 'lower' | 'higher' = 'lower'): Metric[] {
  const rng = makeRng(seed);
  return Array.from({ length: 20 }, (_, i) => {
    const level = (10 + i) * shift;
    const values = Array.from({ length: 5 }, () => level * Math.exp(0.005 * normalDraw(rng)));
    return syntheticMetric(`s/m${i}`, better, better === 'lower' ? values : values.map((v) => 1 / v));
  });
}

/** Noise per metric as a history would show it: every run moved by `drift` (log sd). */
function driftNoise(drift: number, seed = 9) {
  const noise = estimateRunNoise(runs(seed, 10, drift, 0.005), 0.99);
  if (!noise) throw new Error('no noise estimate');
  return new Map(Array.from({ length: 20 }, (_, i) => [`s/m${i}`, noise]));
}

describe('comparisons with the history', () => {
  it('an 8% machine-wide move is a regression without history, and drift with a history that shows ±4% drift', () => {
    const base = suite(1, 1);
    const head = suite(2, 1.08);
    const plain = compareMetrics(base, head, options);
    expect(plain.comparisons.every((c) => c.verdict === 'regressed')).toBe(true);
    const aware = compareMetrics(base, head, options, { noise: driftNoise(0.04) });
    expect(aware.comparisons.filter((c) => c.verdict === 'regressed')).toEqual([]);
    for (const c of aware.comparisons) {
      const d = aware.details[c.id];
      expect(d?.unreliable).toBe(true);
      expect(d?.history?.runs).toBe(10);
      expect(d?.history?.band).toBeGreaterThan(0.05);
      // More replicates cannot beat drift between runs: no replicate count is suggested.
      expect(d?.needed).toBeUndefined();
      // The interval holds the plain one and reaches below no change.
      const p = plain.comparisons.find((x) => x.id === c.id);
      expect(c.ci?.[0]).toBeLessThan(p?.ci?.[0] ?? 0);
      expect(c.ci?.[1]).toBeGreaterThan(p?.ci?.[1] ?? 0);
      expect(c.ci?.[0]).toBeLessThan(1);
      expect(c.ratio).toBe(p?.ratio);
    }
  });

  it('a change far beyond the drift is still caught, and a quiet history leaves verdicts as they were', () => {
    const base = suite(3, 1);
    const head = suite(4, 1.4);
    const aware = compareMetrics(base, head, options, { noise: driftNoise(0.02) });
    expect(aware.comparisons.every((c) => c.verdict === 'regressed')).toBe(true);
    const quiet = compareMetrics(base, suite(5, 1.08), options, { noise: driftNoise(0.001) });
    expect(quiet.comparisons.every((c) => c.verdict === 'regressed')).toBe(true);
    expect(Object.values(quiet.details).some((d) => d.unreliable)).toBe(false);
  });

  it('is symmetric: inverting every value and "better" mirrors the verdicts and the intervals', () => {
    for (const [shift, drift] of [
      [1.08, 0.04],
      [1.4, 0.02],
      [1.08, 0.001],
      [0.9, 0.01],
    ] as const) {
      const lower = compareMetrics(suite(6, 1), suite(7, shift), options, { noise: driftNoise(drift) });
      const higher = compareMetrics(suite(6, 1, 'higher'), suite(7, shift, 'higher'), options, {
        noise: driftNoise(drift),
      });
      lower.comparisons.forEach((c, i) => {
        const m = higher.comparisons[i];
        expect(m?.verdict).toBe(c.verdict);
        expect(m?.ratio).toBeCloseTo(1 / (c.ratio ?? Number.NaN), 9);
        expect(m?.ci?.[0]).toBeCloseTo(1 / (c.ci?.[1] ?? Number.NaN), 9);
        expect(m?.ci?.[1]).toBeCloseTo(1 / (c.ci?.[0] ?? Number.NaN), 9);
      });
    }
  });

  it('compareResults reads the history of the baseline machine and names unreliable metrics in one warning', () => {
    const doc = (metrics: Metric[], at: string, e = env): ResultsDocument => ({
      schema: RESULTS_SCHEMA,
      createdAt: at,
      env: e,
      suites: [{ name: 's', kind: 'bench', ok: true, durationMs: 1, metrics }],
    });
    const rng = makeRng(11);
    let history: HistoryDocument | undefined;
    let base: ResultsDocument | undefined;
    for (let i = 0; i < 10; i++) {
      base = doc(suite(100 + i, Math.exp(0.04 * normalDraw(rng))), `2026-01-01T00:0${i}:00Z`);
      history = appendToHistory(history, base);
    }
    const head = doc(suite(200, 1.08), '2026-01-02T00:00:00Z');
    const out = compareResults(base, head, options, history);
    const warning = out.warnings.find((w) => w.includes('unreliable'));
    expect(warning).toMatch(/^20 metrics unreliable: .* more than min-effect \(5\.0%\)/);
    expect(warning).toMatch(/"s\/m\d+" \(±\d+\.\d%\)/);
    expect(warning).toMatch(/and 12 more/);
    expect(out.comparisons.some((c) => c.verdict === 'regressed')).toBe(false);
    // A baseline from another machine: its history says nothing about this one.
    const elsewhere = { ...(base as ResultsDocument), env: { ...env, cpu: 'Other CPU' } };
    const blind = compareResults(elsewhere, head, options, history);
    expect(Object.values(blind.details).some((d) => d.history)).toBe(false);
    expect(blind.warnings.some((w) => /different CPU/.test(w))).toBe(true);
  });
});
