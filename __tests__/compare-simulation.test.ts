// The gate measured on synthetic runs with a known truth: false alarms when nothing changed (A/A) and
// detection of injected slowdowns. Seeds are fixed, so these are deterministic measurements.

import { describe, expect, it } from 'vitest';
import { compareMetrics } from '../src/compare/compare.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { type NoiseModel, simulateGate, syntheticMetric } from '../src/compare/simulate.ts';
import type { Metric } from '../src/model/results.ts';
import { median } from '../src/stats/quantile.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';

const options = DEFAULT_COMPARE_OPTIONS; // 99% confidence, 5% min-effect
const clean: NoiseModel = { sd: 0.03 };
// 3% lognormal noise, 10% of replicates are hiccups 1.2-2x worse, 30% land in a second mode 8% worse.
const messy: NoiseModel = { sd: 0.03, outlierRate: 0.1, bimodalRate: 0.3 };

describe('false alarms: the same code on both sides (A/A)', () => {
  for (const n of [5, 10]) {
    it(`20 metrics, ${n} vs ${n} replicates, noisy with outliers and two modes: at most 1% of runs flag anything`, () => {
      const m = simulateGate({ metrics: 20, replicates: n, noise: messy, runs: 1000, seed: 1000 + n, options });
      expect(m.falseRegressionRuns).toBeLessThanOrEqual(0.01);
      expect(m.improvedRuns).toBeLessThanOrEqual(0.01);
      // Not by calling everything unchanged: with this much noise most rows must stay inconclusive.
      expect(m.verdicts.unchanged).toBeLessThan(m.verdicts.inconclusive);
    });
  }

  it('with plain 3% noise: 5 vs 5 never flags, 10 vs 10 stays within 1% and calls almost everything unchanged', () => {
    const five = simulateGate({ metrics: 20, replicates: 5, noise: clean, runs: 500, seed: 21, options });
    const ten = simulateGate({ metrics: 20, replicates: 10, noise: clean, runs: 500, seed: 22, options });
    // Twenty metrics at 5 vs 5 can only be flagged together (2/252 × 20/16 < 1% needs 16 at the floor).
    expect(five.verdicts.regressed + five.verdicts.improved).toBe(0);
    expect(ten.falseRegressionRuns).toBeLessThanOrEqual(0.01);
    expect(ten.improvedRuns).toBeLessThanOrEqual(0.01);
    expect(ten.verdicts.unchanged / (20 * 500)).toBeGreaterThan(0.98);
    expect(five.verdicts.unchanged / (20 * 500)).toBeGreaterThan(0.5);
  });
});

describe('detection of injected slowdowns', () => {
  it('a 30% slowdown of all 20 metrics at 5 vs 5 and 3% noise is caught on every metric in ≥ 95% of runs', () => {
    const m = simulateGate({ metrics: 20, replicates: 5, noise: clean, slowdown: 1.3, runs: 500, seed: 31, options });
    expect(m.allDetectedRuns).toBeGreaterThanOrEqual(0.95);
    expect(m.verdicts.improved).toBe(0);
  });

  it('the same for a 4-metric suite: four p-values at the 5-vs-5 floor survive the correction', () => {
    const m = simulateGate({ metrics: 4, replicates: 5, noise: clean, slowdown: 1.3, runs: 500, seed: 32, options });
    expect(m.allDetectedRuns).toBeGreaterThanOrEqual(0.95);
  });

  it('one slowed metric among 20 needs 8 replicates per side; the 19 others never regress', () => {
    const at = (n: number, slowdown: number, seed: number) =>
      simulateGate({ metrics: 20, replicates: n, noise: clean, slowdown, shifted: 1, runs: 300, seed, options });
    // At 5 vs 5 the smallest possible p (2/252) times 20 exceeds 1%: no single metric can be flagged.
    const five = at(5, 1.3, 41);
    expect(five.detection).toBe(0);
    const eight = at(8, 1.3, 42);
    expect(eight.detection).toBeGreaterThanOrEqual(0.95);
    const tenSmaller = at(10, 1.1, 43);
    expect(tenSmaller.detection).toBeGreaterThanOrEqual(0.9);
    for (const m of [five, eight, tenSmaller]) expect(m.falseRegressionRuns).toBe(0);
  });

  it('a lone metric: 10% slower is caught at 6 vs 6 most of the time', () => {
    const m = simulateGate({ metrics: 1, replicates: 6, noise: clean, slowdown: 1.1, runs: 400, seed: 51, options });
    expect(m.detection).toBeGreaterThanOrEqual(0.85);
  });

  it('outliers cost power at 5 vs 5, and more replicates win it back', () => {
    const at = (n: number) =>
      simulateGate({ metrics: 20, replicates: n, noise: messy, slowdown: 1.3, runs: 200, seed: 60 + n, options });
    const five = at(5);
    const fifteen = at(15);
    expect(five.detection).toBeLessThan(0.5);
    expect(fifteen.detection).toBeGreaterThan(0.95);
    expect(fifteen.falseRegressionRuns).toBe(0);
  });
});

describe('replicates needed for inconclusive rows', () => {
  it('running with the suggested number of replicates usually decides the row', () => {
    const rng = makeRng(71);
    const make = (n: number, slowFirst: number): [Metric[], Metric[]] => {
      const base: Metric[] = [];
      const head: Metric[] = [];
      for (let i = 0; i < 20; i++) {
        const draw = (level: number) => Array.from({ length: n }, () => level * Math.exp(0.03 * normalDraw(rng)));
        base.push(syntheticMetric(`s/m${i}`, 'lower', draw(10)));
        head.push(syntheticMetric(`s/m${i}`, 'lower', draw(i === 0 ? 10 * slowFirst : 10)));
      }
      return [base, head];
    };
    const suggestions: number[] = [];
    for (let t = 0; t < 40; t++) {
      const [b, h] = make(5, 1.1);
      const out = compareMetrics(b, h, options);
      if (out.comparisons[0]?.verdict === 'inconclusive' && out.details['s/m0']?.needed) {
        suggestions.push(out.details['s/m0'].needed);
      }
    }
    expect(suggestions.length).toBeGreaterThan(30);
    const n = Math.round(median(suggestions));
    expect(n).toBeGreaterThan(5);
    let decided = 0;
    for (let t = 0; t < 200; t++) {
      const [b, h] = make(n, 1.1);
      if (compareMetrics(b, h, options).comparisons[0]?.verdict === 'regressed') decided++;
    }
    expect(decided / 200).toBeGreaterThanOrEqual(0.7);
  });
});
