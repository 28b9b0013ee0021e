// Noise awareness: run-to-run noise estimated from the baseline's history, and how it changes a comparison
// (wider intervals, drift alone never a regression, unreliable metrics flagged with their band).

import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { compareMetrics, compareResults, driftAllowance } from '../src/compare/compare.ts';
import {
  estimateRunNoise,
  estimateSuiteNoise,
  historyNoise,
  type LevelSeries,
  MIN_COMMON_METRICS,
  MIN_HISTORY_RUNS,
  type RunLevel,
  type RunNoise,
  successiveDf,
} from '../src/compare/noise.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { syntheticMetric } from '../src/compare/simulate.ts';
import { allMetrics, type Metric, RESULTS_SCHEMA, type ResultsDocument } from '../src/model/results.ts';
import { normalQuantile } from '../src/stats/normal.ts';
import { median } from '../src/stats/quantile.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { sampleSd } from '../src/stats/spread.ts';
import { studentQuantile } from '../src/stats/student.ts';
import { resultsAt } from './helpers/documents.ts';

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
    expect(noise?.df).toBeCloseTo(successiveDf(599), 9);
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

/** A suite's history: `metrics` series over `count` runs, the machine moving by `shared`, each metric by `own`. */
function suiteHistory(
  seed: number,
  count: number,
  metrics: number,
  shared: number,
  own: number | ((i: number) => number),
  sd = 0.005,
): Map<string, LevelSeries> {
  const rng = makeRng(seed);
  const machine = Array.from({ length: count }, () => shared * normalDraw(rng));
  const series = new Map<string, LevelSeries>();
  for (let i = 0; i < metrics; i++) {
    const drift = typeof own === 'number' ? own : own(i);
    series.set(
      `s/m${i}`,
      machine.map((m) => {
        const level = (10 + i) * Math.exp(m + drift * normalDraw(rng));
        const samples = Array.from({ length: 5 }, () => level * Math.exp(sd * normalDraw(rng)));
        return { level: median(samples), n: 5, samples };
      }),
    );
  }
  return series;
}

describe('successiveDf', () => {
  it('matches the variance of the mean square successive difference of white noise', () => {
    const rng = makeRng(35);
    for (const steps of [1, 3, 5, 9]) {
      const trials = 40_000;
      let sum = 0;
      let squares = 0;
      for (let t = 0; t < trials; t++) {
        const x = Array.from({ length: steps + 1 }, () => normalDraw(rng));
        let q = 0;
        for (let i = 1; i <= steps; i++) q += ((x[i] as number) - (x[i - 1] as number)) ** 2;
        q /= 2 * steps;
        sum += q;
        squares += q * q;
      }
      const mean = sum / trials;
      const variance = squares / trials - mean * mean;
      expect(mean).toBeCloseTo(1, 1);
      // A scaled chi-square with df degrees of freedom has variance 2 / df (σ = 1).
      expect(variance / (2 / successiveDf(steps))).toBeGreaterThan(0.95);
      expect(variance / (2 / successiveDf(steps))).toBeLessThan(1.05);
    }
    expect(successiveDf(0)).toBe(1);
  });
});

describe('suite noise: the machine-wide part apart from each metric own drift', () => {
  it('recovers both over many runs; the shared part keeps the few-run df, the own part gains from moderation', () => {
    const noise = estimateSuiteNoise(suiteHistory(30, 300, 20, 0.03, 0.01), 0.99);
    expect(noise.size).toBe(20);
    for (const n of noise.values()) {
      expect(n.common?.drift).toBeGreaterThan(0.03 * 0.85);
      expect(n.common?.drift).toBeLessThan(0.03 * 1.15);
      expect(n.common?.df).toBeCloseTo(successiveDf(299), 9);
      expect(n.common?.steps).toBe(299);
      expect(n.drift).toBeGreaterThan(0.01 * 0.8);
      expect(n.drift).toBeLessThan(0.01 * 1.25);
      expect(n.df).toBeGreaterThan(successiveDf(299));
      expect(n.runs).toBe(300);
    }
  });

  it('a metric that drifts on its own is not pulled down to its quiet neighbours', () => {
    const noise = estimateSuiteNoise(
      suiteHistory(31, 12, 20, 0.01, (i) => (i === 0 ? 0.06 : 0.005)),
      0.99,
    );
    const own = [...noise.values()].map((n) => n.drift).sort((a, b) => a - b);
    const loud = noise.get('s/m0')?.drift ?? 0;
    expect(loud).toBeGreaterThan(3 * (own[10] as number));
    expect(loud).toBe(own[own.length - 1]);
  });

  it('with fewer metrics than MIN_COMMON_METRICS, each metric is estimated alone', () => {
    const series = suiteHistory(32, 8, MIN_COMMON_METRICS - 1, 0.02, 0.01);
    const noise = estimateSuiteNoise(series, 0.99);
    expect(noise.size).toBe(MIN_COMMON_METRICS - 1);
    for (const [id, n] of noise) {
      expect(n.common).toBeUndefined();
      expect(n).toEqual(estimateRunNoise(series.get(id) as RunLevel[], 0.99));
    }
  });

  it('skips metrics with too few runs or a non-positive level, keeping the others', () => {
    const series = suiteHistory(33, 6, 8, 0.02, 0.01);
    series.set('s/late', [undefined, undefined, undefined, ...(series.get('s/m1') ?? []).slice(3)]);
    series.set(
      's/zero',
      (series.get('s/m2') ?? []).map((r, i) => (i === 2 && r ? { ...r, level: 0 } : r)),
    );
    const noise = estimateSuiteNoise(series, 0.99);
    expect(noise.has('s/late')).toBe(false);
    expect(noise.has('s/zero')).toBe(false);
    expect(noise.size).toBe(8);
    expect(noise.get('s/m0')?.common).toBeDefined();
  });
});

describe('driftAllowance', () => {
  const common = { drift: 0.02, df: 6, steps: 9 };
  it('counts the machine-wide part once for the run: more metrics widen only their own part', () => {
    const machineOnly: RunNoise = { runs: 10, spread: 0.02, drift: 0, df: 40, band: 0.07, common };
    // With no own drift, beyond a few metrics the split bound applies and no longer depends on the count.
    expect(driftAllowance(machineOnly, 0.99, 200).allowance).toBeCloseTo(
      driftAllowance(machineOnly, 0.99, 20).allowance,
      12,
    );
    // The same drift treated as each metric's own grows with the count (Bonferroni).
    const alone: RunNoise = { runs: 10, spread: 0.02, drift: 0.02, df: 6, band: 0.07 };
    expect(driftAllowance(alone, 0.99, 200).allowance).toBeGreaterThan(1.3 * driftAllowance(alone, 0.99, 20).allowance);
    expect(driftAllowance(machineOnly, 0.99, 20).allowance).toBeLessThan(driftAllowance(alone, 0.99, 20).allowance);
  });

  it('is never wider than any of its bounds at a third of the budget, and never reports less than the confidence', () => {
    const rng = makeRng(34);
    for (let i = 0; i < 200; i++) {
      const noise: RunNoise = {
        runs: 10,
        spread: 0.02,
        drift: 0.03 * rng(),
        df: 2 + 60 * rng(),
        band: 0.05,
        common: { drift: 0.03 * rng(), df: 2 + 10 * rng(), steps: 9 },
        alone: { drift: 0.04 * rng(), df: 2 + 5 * rng() },
      };
      const m = 1 + Math.floor(40 * rng());
      const { allowance, coverage } = driftAllowance(noise, 0.99, m);
      const c = noise.common as { drift: number; df: number };
      const a = noise.alone as { drift: number; df: number };
      const share = 0.01 / 3;
      const split =
        studentQuantile(1 - share / 4, c.df) * c.drift + studentQuantile(1 - share / (4 * m), noise.df) * noise.drift;
      const alone = studentQuantile(1 - share / (2 * m), a.df) * a.drift;
      expect(allowance).toBeLessThanOrEqual(Math.SQRT2 * split * (1 + 1e-12));
      expect(allowance).toBeLessThanOrEqual(Math.SQRT2 * alone * (1 + 1e-12));
      expect(allowance).toBeGreaterThan(0);
      expect(coverage).toBeGreaterThanOrEqual(0.99 - 1e-12);
      expect(coverage).toBeLessThan(1);
    }
    expect(driftAllowance({ runs: 5, spread: 0, drift: 0, df: 3, band: 0 }, 0.99, 5).allowance).toBe(0);
  });
});

describe('machine-wide drift in a suite of times and rates', () => {
  it('is one step for all of them: a slow run moves times up and rates down, and neither is its own noise', () => {
    const rng = makeRng(77);
    let h: HistoryDocument | undefined;
    let last: ResultsDocument | undefined;
    // 14 runs; the machine moves by 4% per run, each metric on its own by 0.5%; half the metrics are rates.
    for (let r = 0; r < 14; r++) {
      const machine = 0.04 * normalDraw(rng);
      const metrics = Array.from({ length: 20 }, (_, i) => {
        const samples = Array.from({ length: 5 }, () => 10 * Math.exp(machine + 0.005 * normalDraw(rng)));
        return i % 2 === 0
          ? syntheticMetric(`mix/t${i}`, 'lower', samples)
          : syntheticMetric(
              `mix/r${i}`,
              'higher',
              samples.map((t) => 1000 / t),
            );
      });
      last = resultsAt(r, env, metrics);
      h = appendToHistory(h, last);
    }
    const units = new Map(allMetrics(last as ResultsDocument).map((m) => [m.id, m.unit]));
    const noise = historyNoise(h as HistoryDocument, units, 0.99, env);
    expect(noise.size).toBe(20);
    for (const [id, n] of noise) {
      // Times and rates alike: the machine's part carries the drift, each metric's own part stays small.
      expect(n.common?.drift, id).toBeGreaterThan(0.02);
      expect(n.drift, id).toBeLessThan(0.015);
    }
  });
});
