// The gate calibrated on synthetic runs with fixed seeds, in stored-baseline mode: every run (history runs,
// baseline, head) drifts on its own, per metric and machine-wide, and replicates carry outliers and a second
// mode. The false-alarm rate must stay at or under the nominal 1% of runs across a 20-metric suite; the
// history must be what keeps it there when drift is machine-wide; slowdowns must still be caught.
// Also: the interval covers the true ratio at the nominal rate, and calibrate() counts real-run series.

import { describe, expect, it } from 'vitest';
import { calibrate } from '../src/compare/calibrate.ts';
import { compareMetrics } from '../src/compare/compare.ts';
import { estimateRunNoise } from '../src/compare/noise.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { type NoiseModel, simulateGate, syntheticMetric } from '../src/compare/simulate.ts';
import { RESULTS_SCHEMA, type ResultsDocument } from '../src/model/results.ts';
import { median } from '../src/stats/quantile.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';

const options = DEFAULT_COMPARE_OPTIONS; // 99% confidence: nominal false-alarm level 1%
const NOMINAL = 1 - options.confidence;

// 3% replicate noise, 10% hiccups 1.2-2x worse, 30% of replicates in a second mode 8% worse, runs drifting
// by 1% per metric and 2% machine-wide.
const messy: NoiseModel = { sd: 0.03, outlierRate: 0.1, bimodalRate: 0.3, drift: 0.01, sharedDrift: 0.02 };
// The whole machine moves by 3% from run to run; replicates are clean.
const sharedOnly: NoiseModel = { sd: 0.02, sharedDrift: 0.03 };
// A steadier machine: 1% per metric and 1% machine-wide.
const modest: NoiseModel = { sd: 0.02, drift: 0.01, sharedDrift: 0.01 };

describe('A/A: false alarms stay at or under the nominal level with the history', () => {
  for (const n of [5, 10]) {
    it(`20 metrics, ${n} vs ${n}, outliers, two modes and drift: at most 1% of runs flag anything`, () => {
      const m = simulateGate({
        metrics: 20,
        replicates: n,
        noise: messy,
        runs: 120,
        seed: 300 + n,
        options,
        history: 10,
      });
      expect(m.falseRegressionRuns).toBeLessThanOrEqual(NOMINAL);
      expect(m.improvedRuns).toBeLessThanOrEqual(NOMINAL);
    });
  }

  it('machine-wide drift: the baseline alone raises false alarms far above 1%, its history brings them back', () => {
    const scenario = { metrics: 20, replicates: 5, noise: sharedOnly, runs: 200, seed: 310, options };
    const alone = simulateGate(scenario);
    const aware = simulateGate({ ...scenario, history: 10 });
    expect(alone.falseRegressionRuns).toBeGreaterThan(0.05);
    expect(aware.falseRegressionRuns).toBeLessThanOrEqual(NOMINAL);
    expect(aware.improvedRuns).toBeLessThanOrEqual(NOMINAL);
  });

  it('per-metric drift at 10 vs 10: without history most runs flag something, with it none do', () => {
    const scenario = { metrics: 20, replicates: 10, noise: { sd: 0.02, drift: 0.03 }, runs: 60, seed: 320, options };
    expect(simulateGate(scenario).falseRegressionRuns).toBeGreaterThan(0.5);
    expect(simulateGate({ ...scenario, history: 10 }).falseRegressionRuns).toBeLessThanOrEqual(NOMINAL);
  });
});

describe('A/B: injected slowdowns on a steady machine are still caught with the history', () => {
  it('all 20 metrics 10% slower at 5 vs 5: the gate fails in at least 80% of runs; 20% slower: at least 95%', () => {
    const at = (slowdown: number, seed: number) =>
      simulateGate({ metrics: 20, replicates: 5, noise: modest, slowdown, runs: 100, seed, options, history: 10 });
    const ten = at(1.1, 330);
    const twenty = at(1.2, 331);
    expect(ten.anyDetectedRuns).toBeGreaterThanOrEqual(0.8);
    expect(twenty.anyDetectedRuns).toBeGreaterThanOrEqual(0.95);
    // A bigger slowdown is caught on more metrics.
    expect(twenty.detection).toBeGreaterThan(ten.detection);
    expect(ten.improvedRuns + twenty.improvedRuns).toBe(0);
  });

  it('one metric 20% slower among 20, at 10 vs 10: caught most of the time, the others rarely regress', () => {
    const m = simulateGate({
      metrics: 20,
      replicates: 10,
      noise: modest,
      slowdown: 1.2,
      shifted: 1,
      runs: 100,
      seed: 332,
      options,
      history: 10,
    });
    expect(m.detection).toBeGreaterThanOrEqual(0.7);
    // Once one change is real, Benjamini-Hochberg bounds the share of false discoveries, not their
    // occurrence: a rare extra regressed metric is allowed, a habit is not.
    expect(m.falseRegressionRuns).toBeLessThanOrEqual(2 * NOMINAL);
  });
});

describe('a young history: the machine-wide drift told apart from each metric own', () => {
  for (const history of [4, 5, 6]) {
    it(`${history} runs of history: machine-wide drift and messy replicates flag at most 1% of runs`, () => {
      for (const [noise, seed] of [
        [sharedOnly, 350],
        [messy, 360],
      ] as const) {
        const m = simulateGate({
          metrics: 20,
          replicates: 5,
          noise,
          runs: 300,
          seed: seed + history,
          options,
          history,
        });
        expect(m.falseRegressionRuns).toBeLessThanOrEqual(NOMINAL);
        expect(m.improvedRuns).toBeLessThanOrEqual(NOMINAL);
      }
    });
  }

  it('6 runs of history on a steady machine: 20% slower fails the gate in at least 95% of runs, 10% in 75%', () => {
    const at = (slowdown: number, seed: number) =>
      simulateGate({ metrics: 20, replicates: 5, noise: modest, slowdown, runs: 100, seed, options, history: 6 });
    expect(at(1.2, 370).anyDetectedRuns).toBeGreaterThanOrEqual(0.95);
    expect(at(1.1, 371).anyDetectedRuns).toBeGreaterThanOrEqual(0.75);
  });

  it('with 4 runs of history, the suite estimate finds more slowed metrics than each metric estimated alone', () => {
    const scenario = {
      metrics: 20,
      replicates: 5,
      noise: modest,
      slowdown: 1.2,
      runs: 100,
      seed: 380,
      options,
      history: 4,
    };
    const suite = simulateGate(scenario);
    const alone = simulateGate({ ...scenario, noiseEstimate: 'per-metric' });
    expect(suite.detection).toBeGreaterThan(alone.detection * 1.5);
    expect(suite.falseRegressionRuns).toBe(0);
  });
});

describe('intervals cover the true ratio at the nominal rate', () => {
  /** Share of trials whose interval for head/base holds the true ratio. */
  function coverage(trials: number, seed: number, n: number, drift: number, withHistory: boolean): number {
    const rng = makeRng(seed);
    const truth = 1.07;
    let covered = 0;
    const run = (level: number) => {
      const at = level * Math.exp(drift * normalDraw(rng));
      return Array.from({ length: n }, () => at * Math.exp(0.03 * normalDraw(rng)));
    };
    for (let t = 0; t < trials; t++) {
      const past = Array.from({ length: 10 }, () => run(5));
      const base = syntheticMetric('s/x', 'lower', past[9] as number[]);
      const head = syntheticMetric('s/x', 'lower', run(5 * truth));
      const noise = estimateRunNoise(
        past.map((v) => ({ level: median(v), n, samples: v })),
        options.confidence,
      );
      const context = withHistory && noise ? { noise: new Map([['s/x', noise]]) } : {};
      const ci = compareMetrics([base], [head], options, context).comparisons[0]?.ci;
      if (ci && ci[0] <= truth && truth <= ci[1]) covered++;
    }
    return covered / trials;
  }

  it('without drift: the rank interval holds the true ratio in at least 99% of trials (within sampling error)', () => {
    // 1000 trials at 99%: the standard error is 0.31%, so 98.2% is 2.5 standard errors below.
    expect(coverage(1000, 340, 8, 0, false)).toBeGreaterThanOrEqual(0.982);
  });

  it('with drift between runs: the baseline alone under-covers badly; widened by the history it holds', () => {
    expect(coverage(400, 341, 8, 0.04, false)).toBeLessThan(0.8);
    expect(coverage(1000, 342, 8, 0.04, true)).toBeGreaterThanOrEqual(0.982);
  });
});

describe('calibrate(): counting a series of real runs', () => {
  function doc(i: number, factor: number, seed: number): ResultsDocument {
    const rng = makeRng(seed);
    return {
      schema: RESULTS_SCHEMA,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      env: { os: 'linux', arch: 'x64', cpu: 'cpu', cores: 2, node: 'v20' },
      suites: [
        {
          name: 'g',
          kind: 'bench',
          ok: true,
          durationMs: 1,
          metrics: Array.from({ length: 20 }, (_, m) =>
            syntheticMetric(
              `g/k${m}`,
              'lower',
              Array.from({ length: 5 }, () => (1 + m) * factor * Math.exp(0.005 * normalDraw(rng))),
            ),
          ),
        },
      ],
    };
  }

  it('pairs every head with every earlier unchanged run that has enough history, per factor', () => {
    // Six unchanged runs, then a 1.2× run and one more unchanged run.
    const factors = [1, 1, 1, 1, 1, 1, 1.2, 1];
    const runs = factors.map((factor, i) => ({ factor, results: doc(i, factor, 500 + i) }));
    const report = calibrate(runs, { options, history: true });
    const aa = report.rows.find((r) => r.factor === 1);
    const slow = report.rows.find((r) => r.factor === 1.2);
    // Baselines with ≥ 4 runs of history: runs 3, 4, 5 and 7. A/A heads after them: 4, 5, 7 (1 + 2 + 3 pairs);
    // the 1.2× head (run 6) meets baselines 3, 4 and 5.
    expect(aa?.comparisons).toBe(6);
    expect(slow?.comparisons).toBe(3);
    expect(aa?.anyRegressed).toBe(0);
    expect(slow?.gateFailed).toBe(1);
    expect(slow?.metricDetectedAtLeastHalf).toBe(1);
    expect(slow?.medianRatio).toBeGreaterThan(1.18);
    expect(slow?.medianRatio).toBeLessThan(1.22);
    // The same pairs without history: the counts agree, and nothing is flagged unreliable.
    const plain = calibrate(runs, { options, history: false });
    expect(plain.rows.map((r) => r.comparisons)).toEqual(report.rows.map((r) => r.comparisons));
    expect(plain.rows.every((r) => r.unreliable === 0)).toBe(true);
  });
});
