// The verdict in the gate lab (tools/simulate.ts): false-alarm and detection rates on fixed seeds, each checked
// against its target with a binomial allowance for the seed count, and properties that must hold exactly.
// The rates run on a quarter of the seeds in `npm test` and on all of them in `npm run test:lab`.
// The full table, with the peers' rules beside it, is `npm run bench:verdict` (docs/verdict-measurements.md).

import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { compareResults } from '../src/compare/compare.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { type Metric, RESULTS_SCHEMA, type ResultsDocument } from '../src/model/results.ts';
import type { ComparisonVerdict } from '../src/model/verdict.ts';
import { logGamma } from '../src/stats/student.ts';
import { summarize } from '../src/stats/summary.ts';
import {
  DEFAULT_SCENARIO,
  HEAVY_NOISE,
  LOGNORMAL_NOISE,
  MACHINE_DRIFT,
  MIXED_NOISE,
  makeWorld,
  measureGate,
  measureSameRunner,
  type Rates,
  type Scenario,
} from '../tools/simulate.ts';
import { simulationSeeds } from './helpers/tier.ts';

const options = DEFAULT_COMPARE_OPTIONS;
const AB_PLAN = { first: 10, max: 30 };
const seeds = (n: number, first = 1): number[] => Array.from({ length: n }, (_, i) => first + i);

/**
 * Chance that a check of a rate exactly at its target fails on these seeds: the allowance for the seed
 * count, not for the model. A model 1 point worse than the target passes often at 100 seeds; the bench
 * (200 seeds per row) reports the rate itself.
 */
const DELTA = 0.01;

function binomialPmf(n: number, k: number, p: number): number {
  const logChoose = logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
  return Math.exp(logChoose + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** The most events of n consistent with a true rate p: the smallest c with P(X > c) ≤ δ. */
function mostConsistent(n: number, p: number, delta = DELTA): number {
  let cdf = 0;
  for (let c = 0; c <= n; c++) {
    cdf += binomialPmf(n, c, p);
    if (1 - cdf <= delta) return c;
  }
  return n;
}

/** The fewest events of n consistent with a true rate p: the largest c with P(X < c) ≤ δ. */
function fewestConsistent(n: number, p: number, delta = DELTA): number {
  let below = 0;
  let c = 0;
  while (c < n && below + binomialPmf(n, c, p) <= delta) {
    below += binomialPmf(n, c, p);
    c++;
  }
  return c;
}

const scenario = (s: Partial<Scenario>): Scenario => ({ ...DEFAULT_SCENARIO, ...s });
const one = (shift: number) => ({ shift, shifted: 1 });
const drift = { ...MIXED_NOISE, drift: MACHINE_DRIFT };

function expectAtMostRate(r: Rates, rate: number): void {
  expect(r.falseAlarmRuns).toBeLessThanOrEqual(mostConsistent(r.runs, rate));
}

function expectCaught(r: Rates, rate: number): void {
  expect(r.caught).toBeGreaterThanOrEqual(fewestConsistent(r.shifted, rate));
}

describe('binomial allowances', () => {
  it('match known quantiles', () => {
    // Binomial(100, 0.01): P(X > 4) = 0.0034, P(X > 3) = 0.018.
    expect(mostConsistent(100, 0.01)).toBe(4);
    // Binomial(100, 0.8): P(X < 70) = 0.0061, P(X < 71) = 0.0112.
    expect(fewestConsistent(100, 0.8)).toBe(70);
  });
});

// Scenarios where the model misses the 1% target are left out here and reported by the bench: machine drift
// with a 5-run history (about 2.5%) or no history (about 15%: replicates of two runs cannot see the machine's
// day), and one value per run with hiccups in it (about 6% with a 10-run history).
describe('A/A: at most 1% of runs with any of 20 unchanged metrics regressed', () => {
  const cases: Array<[string, Partial<Scenario>]> = [
    ['mixed noise, 5-run history', { history: 5 }],
    ['mixed noise, 10-run history', { history: 10 }],
    ['mixed noise, no history', { history: 0 }],
    ['heavy tails, 5-run history', { history: 5, noise: HEAVY_NOISE }],
    ['heavy tails, no history', { history: 0, noise: HEAVY_NOISE }],
    ['throughput, 5-run history', { history: 5, better: 'higher' }],
    ['5 replicates, no history', { history: 0, replicates: 5 }],
    ['one clean value per run, 10-run history', { history: 10, replicates: 1, noise: LOGNORMAL_NOISE }],
    ['machine drift, 10-run history', { history: 10, noise: drift }],
  ];
  it.each(cases)('%s', (_, s) => {
    expectAtMostRate(measureGate(scenario(s), seeds(simulationSeeds(100)), options), 0.01);
  });

  it('same runner under machine drift', () => {
    const r = measureSameRunner(scenario({ history: 0, noise: drift }), seeds(simulationSeeds(100)), AB_PLAN, options);
    expectAtMostRate(r, 0.01);
  });
});

describe('detection', () => {
  it('5-run history: +10% on one of 20 metrics caught in at least 80% of runs', () => {
    expectCaught(measureGate(scenario({ history: 5, ...one(0.1) }), seeds(simulationSeeds(100)), options), 0.8);
  });

  it('10-run history: +10% on one of 20 metrics caught in at least 80% of runs', () => {
    expectCaught(measureGate(scenario({ history: 10, ...one(0.1) }), seeds(simulationSeeds(60)), options), 0.8);
  });

  it('5-run history: +20% on one of 20 metrics caught in at least 95% of runs', () => {
    expectCaught(measureGate(scenario({ history: 5, ...one(0.2) }), seeds(simulationSeeds(100)), options), 0.95);
  });

  it('no history, 5 replicates: 2x on one of 4 metrics caught in at least 95% of runs', () => {
    const s = scenario({ history: 0, metrics: 4, replicates: 5, ...one(1) });
    expectCaught(measureGate(s, seeds(simulationSeeds(200)), options), 0.95);
  });

  // One value per run with hiccups in it (mixed noise) misses this target: a hiccup in the history inflates
  // its spread (bench: 57% caught). The model holds it for one clean value per run.
  it('one clean value per run, 10-run history: +50% on one of 20 caught in at least 95% of runs', () => {
    const s = scenario({ history: 10, replicates: 1, noise: LOGNORMAL_NOISE, ...one(0.5) });
    expectCaught(measureGate(s, seeds(simulationSeeds(100)), options), 0.95);
  });

  // The +5% target of same-runner mode is missed (bench: about 27% caught): a change equal to min-effect is
  // beyond it in about half the runs at best, and hiccups on either side widen the signed-rank interval at
  // the level the looks and 20 metrics leave. What the model holds is a large change.
  it('same runner under machine drift: +50% on one of 20 caught in at least 95% of runs', () => {
    const s = scenario({ history: 0, noise: drift, ...one(0.5) });
    expectCaught(measureSameRunner(s, seeds(simulationSeeds(100)), AB_PLAN, options), 0.95);
  });
});

function transform(doc: ResultsDocument, f: (v: number) => number, flip: boolean): ResultsDocument {
  const metric = (m: Metric): Metric => {
    const better = flip ? (m.better === 'lower' ? 'higher' : 'lower') : m.better;
    const unit = flip ? (m.unit === 'ms' ? 'ops/s' : 'ms') : m.unit;
    if (m.samples) {
      const samples = m.samples.map(f);
      return { ...m, better, unit, samples, stats: summarize(samples) };
    }
    const v = f(m.stats.median);
    return { ...m, better, unit, stats: { n: 1, mean: v, median: v, min: v, max: v } };
  };
  return { ...doc, suites: doc.suites.map((s) => ({ ...s, metrics: s.metrics.map(metric) })) };
}

/** Verdicts of a world's baseline, history and first two head runs, every document passed through `map`. */
function verdictsOf(s: Scenario, seed: number, map: (d: ResultsDocument) => ResultsDocument): ComparisonVerdict[] {
  const world = makeWorld(s, seed);
  let history: HistoryDocument | undefined;
  if (s.history > 0) for (const run of world.mains) history = appendToHistory(history, map(run));
  return compareResults({
    base: map(world.base),
    heads: [world.head(0), world.head(1)].map(map),
    ...(history ? { history } : {}),
    options,
  }).comparisons.map((c) => c.verdict);
}

describe('properties', () => {
  const worlds: Array<[string, Scenario]> = [
    ['5 replicates, history', scenario({ replicates: 5, history: 5, ...one(0.1), shifted: 4 })],
    ['10 replicates, no history', scenario({ replicates: 10, history: 0, ...one(0.2), shifted: 4 })],
    ['one value, history', scenario({ replicates: 1, history: 10, ...one(0.5), shifted: 4 })],
  ];

  it.each(worlds)('inverting every value and flipping better mirrors the verdicts (%s)', (_, s) => {
    for (const seed of seeds(6)) {
      const plain = verdictsOf(s, seed, (d) => d);
      expect(plain.some((v) => v !== 'unchanged')).toBe(true);
      expect(verdictsOf(s, seed, (d) => transform(d, (v) => 1 / v, true))).toEqual(plain);
    }
  });

  it.each(worlds)('scaling every value by a constant changes no verdict (%s)', (_, s) => {
    for (const seed of seeds(6)) {
      const plain = verdictsOf(s, seed, (d) => d);
      expect(verdictsOf(s, seed, (d) => transform(d, (v) => v * 1000, false))).toEqual(plain);
      expect(verdictsOf(s, seed, (d) => transform(d, (v) => v / 7, false))).toEqual(plain);
    }
  });

  const countDoc = (sha: string, values: number[] | number): ResultsDocument => {
    const base = { id: 's/errors', suite: 's', name: 'errors', unit: 'count', better: 'lower' as const };
    const metric: Metric = Array.isArray(values)
      ? { ...base, samples: values, stats: summarize(values) }
      : { ...base, stats: { n: 1, mean: values, median: values, min: values, max: values } };
    return {
      schema: RESULTS_SCHEMA,
      createdAt: '2026-01-01T00:00:00.000Z',
      git: { sha },
      env: { os: 'linux', arch: 'x64', cpu: 'simulated', cores: 2, node: 'v20.0.0' },
      suites: [{ name: 's', kind: 'bench', ok: true, durationMs: 1, metrics: [metric] }],
    };
  };
  const countVerdict = (base: number[] | number, head: number[] | number) =>
    compareResults({ base: countDoc('base', base), heads: [countDoc('head', head)], options }).comparisons[0];

  it('exactly equal samples: 0 -> 0 is unchanged', () => {
    expect(countVerdict([0, 0, 0, 0, 0], [0, 0, 0, 0, 0])?.verdict).toBe('unchanged');
    expect(countVerdict(0, 0)?.verdict).toBe('unchanged');
  });

  it('exactly equal samples: 0 -> 5 on a count (better lower) is regressed', () => {
    const c = countVerdict([0, 0, 0, 0, 0], [5, 5, 5, 5, 5]);
    expect(c?.verdict).toBe('regressed');
    expect(c?.evidence?.test).toBe('exact');
    expect(countVerdict(0, 5)?.verdict).toBe('regressed');
  });
});
