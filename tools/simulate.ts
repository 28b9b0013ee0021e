// Measuring the gate itself: run compareMetrics on synthetic baselines and heads with a known truth, and count
// false alarms (A/A: the same code on both sides) and detections (an injected slowdown). Seeded throughout,
// so a measurement is reproducible and can run in tests.
//
// Stored-baseline mode is modelled with drift: every run (each history run, the baseline, the head) sits at
// its own level around the truth, per metric and machine-wide, which replicates inside one run cannot see.
// With `history`, the baseline comes with that many earlier runs (itself the last) and the comparison uses
// their run-to-run noise, as compareResults does with a stored history.

import type { Better, Metric } from '../model/results.ts';
import type { ComparisonVerdict } from '../model/verdict.ts';
import { median } from '../stats/quantile.ts';
import { normalDraw, type Uniform } from '../stats/random.ts';
import { makeRng } from '../stats/rng.ts';
import { summarize } from '../stats/summary.ts';
import { compareMetrics } from './compare.ts';
import { estimateRunNoise, estimateSuiteNoise, type LevelSeries, type RunNoise } from './noise.ts';
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
  /** Standard deviation of a run's log level around the truth, per metric (drift between runs). */
  drift?: number;
  /** The same, shared by every metric of a run (the whole machine faster or slower). */
  sharedDrift?: number;
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
  /** Runs of unchanged code in the baseline's history, the baseline itself being the last; none by default. */
  history?: number;
  /**
   * How the history's noise is estimated: across the suite, machine-wide part apart (the gate's way, default),
   * or each metric alone (for comparison).
   */
  noiseEstimate?: 'suite' | 'per-metric';
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
  /** Share of runs in which at least one shifted metric was judged regressed: the gate caught the change. */
  anyDetectedRuns: number;
  /** Verdicts over all metrics and runs. */
  verdicts: Record<ComparisonVerdict, number>;
}

/** A run's own level: the truth moved by per-metric drift and the run's shared drift (log scale). */
function runLevel(rng: Uniform, level: number, noise: NoiseModel, shared: number): number {
  // No draw without drift, so scenarios without it keep the random stream they always had.
  const own = noise.drift ? noise.drift * normalDraw(rng) : 0;
  return level * Math.exp(own + shared);
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

function estimateNoise(series: ReadonlyMap<string, LevelSeries>, s: GateScenario): Map<string, RunNoise> {
  if (s.noiseEstimate !== 'per-metric') return estimateSuiteNoise(series, s.options.confidence);
  const out = new Map<string, RunNoise>();
  for (const [id, levels] of series) {
    const noise = estimateRunNoise(
      levels.filter((l) => l !== undefined),
      s.options.confidence,
    );
    if (noise) out.set(id, noise);
  }
  return out;
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
  let anyDetected = 0;
  const historyRuns = Math.max(1, s.history ?? 1);
  for (let run = 0; run < s.runs; run++) {
    const base: Metric[] = [];
    const head: Metric[] = [];
    const series = new Map<string, LevelSeries>();
    const shared = Array.from({ length: historyRuns + 1 }, () =>
      s.noise.sharedDrift ? s.noise.sharedDrift * normalDraw(rng) : 0,
    );
    for (let i = 0; i < s.metrics; i++) {
      const better: Better = every > 0 && i % every === every - 1 ? 'higher' : 'lower';
      // Levels spread over decades, as real suites mix microseconds and seconds.
      const level = Math.exp(Math.log(0.01) + rng() * Math.log(1e5));
      const id = `sim/metric${i}`;
      const headLevel = i < shifted ? (better === 'lower' ? level * slowdown : level / slowdown) : level;
      // The baseline is the last of the history runs; only it is compared, the others inform the noise.
      const past: number[][] = [];
      for (let h = 0; h < historyRuns; h++) {
        const at = runLevel(rng, level, s.noise, shared[h] as number);
        past.push(Array.from({ length: nBase }, () => draw(rng, at, better, s.noise)));
      }
      base.push(syntheticMetric(id, better, past[past.length - 1] as number[]));
      const headAt = runLevel(rng, headLevel, s.noise, shared[historyRuns] as number);
      head.push(
        syntheticMetric(
          id,
          better,
          Array.from({ length: nHead }, () => draw(rng, headAt, better, s.noise)),
        ),
      );
      if (s.history !== undefined) {
        series.set(
          id,
          past.map((v) => ({ level: median(v), n: v.length, samples: v })),
        );
      }
    }
    const noise = s.history === undefined ? undefined : estimateNoise(series, s);
    const { comparisons } = compareMetrics(base, head, s.options, noise ? { noise } : {});
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
    if (detectedHere > 0) anyDetected++;
  }
  return {
    runs: s.runs,
    falseRegressionRuns: falseRuns / s.runs,
    improvedRuns: improvedRuns / s.runs,
    detection: shifted > 0 ? detected / (shifted * s.runs) : 0,
    allDetectedRuns: shifted > 0 ? allDetected / s.runs : 0,
    anyDetectedRuns: shifted > 0 ? anyDetected / s.runs : 0,
    verdicts,
  };
}
