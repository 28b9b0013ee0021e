// Measuring the gate itself: run compareMetrics on synthetic baselines and heads with a known truth, and count
// false alarms (A/A: the same code on both sides) and detections (an injected slowdown). Seeded throughout,
// so a measurement is reproducible and can run in tests.

import type { Better, Metric } from '../model/results.ts';
import type { ComparisonVerdict } from '../model/verdict.ts';
import { normalDraw, type Uniform } from '../stats/random.ts';
import { makeRng } from '../stats/rng.ts';
import { summarize } from '../stats/summary.ts';
import { compareMetrics } from './compare.ts';
import type { CompareOptions } from './options.ts';

/** How one replicate varies around the metric's true level. */
export interface NoiseModel {
  /** Standard deviation of the log value (0.03 ≈ ±3%). */
  sd: number;
  /** Chance that a replicate is an outlier (a hiccup: slower, or less throughput). */
  outlierRate?: number;
  /** Outliers are worse by a factor drawn uniformly from this range (default [1.2, 2]). */
  outlierFactor?: [number, number];
  /** Chance that a replicate lands in a second mode (e.g. a different CPU frequency or memory layout). */
  bimodalRate?: number;
  /** Factor of the second mode (default 1.08). */
  bimodalFactor?: number;
}

export interface GateScenario {
  metrics: number;
  /** Replicates per side, or [base, head]. */
  replicates: number | [number, number];
  noise: NoiseModel;
  /** Factor by which the shifted metrics get worse (1.3 = 30% slower, or throughput / 1.3). Default 1. */
  slowdown?: number;
  /** How many metrics (the first ones) get the slowdown; default all when slowdown is set. */
  shifted?: number;
  /** Every k-th metric is a "higher is better" rate instead of a duration (default 4; 0 for none). */
  higherEvery?: number;
  runs: number;
  seed: number;
  options: CompareOptions;
}

export interface GateMeasurement {
  runs: number;
  /** Share of runs with at least one regressed metric among the metrics that did not change. */
  falseRegressionRuns: number;
  /** Share of runs with at least one improved metric (none truly improves). */
  improvedRuns: number;
  /** Share of shifted metrics (over all runs) judged regressed. */
  detection: number;
  /** Share of runs in which every shifted metric was judged regressed. */
  allDetectedRuns: number;
  /** Verdicts over all metrics and runs. */
  verdicts: Record<ComparisonVerdict, number>;
}

function draw(rng: Uniform, level: number, better: Better, noise: NoiseModel): number {
  let log = Math.log(level) + noise.sd * normalDraw(rng);
  // Hiccups and second modes make things worse: slower for durations, less for rates.
  const worse = better === 'lower' ? 1 : -1;
  if (noise.bimodalRate && rng() < noise.bimodalRate) log += worse * Math.log(noise.bimodalFactor ?? 1.08);
  if (noise.outlierRate && rng() < noise.outlierRate) {
    const [a, b] = noise.outlierFactor ?? [1.2, 2];
    log += worse * Math.log(a + (b - a) * rng());
  }
  return Math.exp(log);
}

export function syntheticMetric(id: string, better: Better, samples: number[]): Metric {
  const [suite = id, ...rest] = id.split('/');
  return {
    id,
    suite,
    name: rest.join('/') || id,
    unit: better === 'lower' ? 'ms' : 'req/s',
    better,
    samples,
    stats: summarize(samples),
  };
}

export function simulateGate(s: GateScenario): GateMeasurement {
  const rng = makeRng(s.seed);
  const [nBase, nHead] = typeof s.replicates === 'number' ? [s.replicates, s.replicates] : s.replicates;
  const slowdown = s.slowdown ?? 1;
  const shifted = slowdown === 1 ? 0 : Math.min(s.metrics, s.shifted ?? s.metrics);
  const every = s.higherEvery ?? 4;
  const verdicts: Record<ComparisonVerdict, number> = {
    regressed: 0,
    improved: 0,
    unchanged: 0,
    inconclusive: 0,
    new: 0,
    missing: 0,
  };
  let falseRuns = 0;
  let improvedRuns = 0;
  let detected = 0;
  let allDetected = 0;
  for (let run = 0; run < s.runs; run++) {
    const base: Metric[] = [];
    const head: Metric[] = [];
    for (let i = 0; i < s.metrics; i++) {
      const better: Better = every > 0 && i % every === every - 1 ? 'higher' : 'lower';
      // Levels spread over decades, as real suites mix microseconds and seconds.
      const level = Math.exp(Math.log(0.01) + rng() * Math.log(1e5));
      const id = `sim/metric${i}`;
      const headLevel = i < shifted ? (better === 'lower' ? level * slowdown : level / slowdown) : level;
      base.push(
        syntheticMetric(
          id,
          better,
          Array.from({ length: nBase }, () => draw(rng, level, better, s.noise)),
        ),
      );
      head.push(
        syntheticMetric(
          id,
          better,
          Array.from({ length: nHead }, () => draw(rng, headLevel, better, s.noise)),
        ),
      );
    }
    const { comparisons } = compareMetrics(base, head, s.options);
    let falseHere = false;
    let detectedHere = 0;
    comparisons.forEach((c, i) => {
      verdicts[c.verdict] += 1;
      if (i < shifted && c.verdict === 'regressed') detectedHere++;
      if (i >= shifted && c.verdict === 'regressed') falseHere = true;
    });
    if (falseHere) falseRuns++;
    if (comparisons.some((c) => c.verdict === 'improved')) improvedRuns++;
    detected += detectedHere;
    if (shifted > 0 && detectedHere === shifted) allDetected++;
  }
  return {
    runs: s.runs,
    falseRegressionRuns: falseRuns / s.runs,
    improvedRuns: improvedRuns / s.runs,
    detection: shifted > 0 ? detected / (shifted * s.runs) : 0,
    allDetectedRuns: shifted > 0 ? allDetected / s.runs : 0,
    verdicts,
  };
}
