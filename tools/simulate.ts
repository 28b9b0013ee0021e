// The gate lab: seeded synthetic runs with a known truth, judged exactly as the action judges real ones, so a
// false-alarm rate or a detection rate is a measurement that anyone can repeat from its seed.
//
// A world is one pull request: twenty metrics of one suite ("s/m0" .. "s/m19") at true levels spread over
// decades; H main runs of unchanged code saved one after the other with appendToHistory (the last of them is
// the baseline); and head runs of the pull request, some metrics shifted by a known factor. Every run draws
// fresh noise per replicate, and with drift one factor for the whole run (the machine having a slow or a fast
// day). simulateGate judges the first head run and adds runs while the gate would (compare/more.ts), as
// runner/decide-more.ts does. The same-runner mode interleaves base and head rounds that share each round's
// drift, and analyses them with ab/paired.ts's looks, as ab/run-ab.ts does.

import {
  analyzePairs,
  needsMoreRounds,
  type PairedAnalysis,
  type PairedSeries,
  plannedLooks,
} from '../src/ab/paired.ts';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { compareResults } from '../src/compare/compare.ts';
import { wantsAnotherRun } from '../src/compare/more.ts';
import type { CompareOptions } from '../src/compare/options.ts';
import {
  type Better,
  type Metric,
  RESULTS_SCHEMA,
  type ResultsDocument,
  type RunEnvironment,
} from '../src/model/results.ts';
import type { Comparison } from '../src/model/verdict.ts';
import { normalDraw, type Uniform } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { summarize } from '../src/stats/summary.ts';

/** How one replicate (one fresh process) varies around its run's level. */
export interface NoiseShape {
  /** Log noise: the sd of a normal, or with `tails: 't3'` the scale of a Student t with 3 degrees of freedom. */
  sd: number;
  tails?: 'normal' | 't3';
  /** Share of replicates hit by a hiccup, worse by U(1.2, 2) ('uniform') or by 1.2 · Pareto(α = 1.5) ('pareto'). */
  outliers?: { rate: number; factor: 'uniform' | 'pareto' };
  /** Metrics i with i % every === 1 are bimodal: `rate` of their replicates worse by `factor`. */
  bimodal?: { every: number; rate: number; factor: number };
  /** Each run (history, baseline, head) is slower by one factor U(lo, hi) for every metric. */
  drift?: readonly [number, number];
}

/** The usual noise of a shared runner: lognormal 3%, 10% hiccups, five of twenty metrics bimodal. */
export const MIXED_NOISE: NoiseShape = {
  sd: 0.03,
  outliers: { rate: 0.1, factor: 'uniform' },
  bimodal: { every: 4, rate: 0.3, factor: 1.08 },
};

/** Lognormal 3% and nothing else. */
export const LOGNORMAL_NOISE: NoiseShape = { sd: 0.03 };

/** Tails nobody designed for: Student-t log noise (scale 3%) and Pareto-sized hiccups. */
export const HEAVY_NOISE: NoiseShape = {
  sd: 0.03,
  tails: 't3',
  outliers: { rate: 0.1, factor: 'pareto' },
  bimodal: { every: 4, rate: 0.3, factor: 1.08 },
};

/** A machine that is up to 5% faster or 8% slower from one run to the next. */
export const MACHINE_DRIFT: readonly [number, number] = [0.95, 1.08];

export interface Scenario {
  /** Metrics in the suite (ids s/m0, s/m1, ...). */
  metrics: number;
  /** Replicates per run; 1 gives single-value metrics (alternately no samples array and one sample). */
  replicates: number;
  /** Main runs saved in the history, the baseline being the last; 0: no history, the baseline alone. */
  history: number;
  noise: NoiseShape;
  /** The injected change: 0.1 = 10% slower (durations × 1.1, rates / 1.1). */
  shift: number;
  /** How many metrics carry the change, chosen at random per world. */
  shifted: number;
  better: Better;
}

export const DEFAULT_SCENARIO: Scenario = {
  metrics: 20,
  replicates: 10,
  history: 5,
  noise: MIXED_NOISE,
  shift: 0,
  shifted: 0,
  better: 'lower',
};

/** A seed for one independent stream of a world (mulberry32 seeds must be mixed, or streams overlap). */
export function streamSeed(seed: number, stream: number): number {
  let h = Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

function studentT3(rng: Uniform): number {
  let chi = 0;
  for (let i = 0; i < 3; i++) chi += normalDraw(rng) ** 2;
  return normalDraw(rng) / Math.sqrt(chi / 3);
}

function hiccup(rng: Uniform, kind: 'uniform' | 'pareto'): number {
  if (kind === 'uniform') return 1.2 + 0.8 * rng();
  return 1.2 * (1 - rng()) ** (-1 / 1.5);
}

/**
 * One replicate around `level` (the run's true level: a duration, or a rate), as a log slowdown: hiccups and
 * second modes only ever make it worse, so a rate is divided by what a duration is multiplied by.
 */
export function drawReplicate(
  rng: Uniform,
  level: number,
  better: Better,
  noise: NoiseShape,
  bimodal: boolean,
): number {
  const z = noise.tails === 't3' ? studentT3(rng) : normalDraw(rng);
  let worse = noise.sd * z;
  if (bimodal && noise.bimodal && rng() < noise.bimodal.rate) worse += Math.log(noise.bimodal.factor);
  if (noise.outliers && rng() < noise.outliers.rate) worse += Math.log(hiccup(rng, noise.outliers.factor));
  return level * Math.exp(better === 'lower' ? worse : -worse);
}

/** A run's slowness factor: one draw of the drift for the whole machine, or 1. */
function driftDraw(rng: Uniform, noise: NoiseShape): number {
  if (!noise.drift) return 1;
  const [lo, hi] = noise.drift;
  return lo + (hi - lo) * rng();
}

/** Durations get slower by multiplying, rates by dividing. */
const slower = (level: number, factor: number, better: Better): number =>
  better === 'lower' ? level * factor : level / factor;

const ENV: RunEnvironment = { os: 'linux', arch: 'x64', cpu: 'simulated', cores: 2, node: 'v20.0.0' };
const START = Date.UTC(2026, 0, 1);

export const metricId = (i: number): string => `s/m${i}`;

const isBimodal = (noise: NoiseShape, i: number): boolean => !!noise.bimodal && i % noise.bimodal.every === 1;

function metricOf(i: number, better: Better, values: number[]): Metric {
  const base = { id: metricId(i), suite: 's', name: `m${i}`, unit: better === 'lower' ? 'ms' : 'ops/s', better };
  const v = values[0] as number;
  // Single values come both ways an adapter writes them: no samples at all, or one sample.
  if (values.length === 1 && i % 2 === 0) return { ...base, stats: { n: 1, mean: v, median: v, min: v, max: v } };
  return { ...base, samples: values, stats: summarize(values) };
}

/** One run: a drift draw for the machine, then each metric's replicates around its (drifted) level. */
function simulateRun(rng: Uniform, s: Scenario, levels: readonly number[], sha: string, at: number): ResultsDocument {
  const drift = driftDraw(rng, s.noise);
  const metrics = levels.map((level, i) => {
    const runLevel = slower(level, drift, s.better);
    const values = Array.from({ length: s.replicates }, () =>
      drawReplicate(rng, runLevel, s.better, s.noise, isBimodal(s.noise, i)),
    );
    return metricOf(i, s.better, values);
  });
  return {
    schema: RESULTS_SCHEMA,
    createdAt: new Date(START + at * 3_600_000).toISOString(),
    git: { sha },
    env: ENV,
    suites: [{ name: 's', kind: 'bench', ok: true, durationMs: 1000, metrics }],
  };
}

function pickShifted(rng: Uniform, metrics: number, count: number): Set<string> {
  const order = Array.from({ length: metrics }, (_, i) => i);
  const n = Math.min(count, metrics);
  for (let i = 0; i < n; i++) {
    const j = i + Math.min(metrics - i - 1, Math.floor(rng() * (metrics - i)));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return new Set(order.slice(0, n).map(metricId));
}

function trueLevels(rng: Uniform, metrics: number): number[] {
  // Microseconds to seconds (or their rates): the verdict must not care about a metric's size.
  return Array.from({ length: metrics }, () => Math.exp(Math.log(0.01) + rng() * Math.log(1e5)));
}

export interface World {
  scenario: Scenario;
  seed: number;
  /** Every main run, oldest first; the last is the baseline. */
  mains: ResultsDocument[];
  base: ResultsDocument;
  /** The mains saved one by one with appendToHistory; absent without history. */
  history?: HistoryDocument;
  /** Metric ids that carry the change. */
  shifted: ReadonlySet<string>;
  /** The k-th head run (0: the first): fresh noise and drift, the same truth; the same for every caller. */
  head(k: number): ResultsDocument;
}

export function makeWorld(scenario: Scenario, seed: number): World {
  const rng = makeRng(streamSeed(seed, 0));
  const levels = trueLevels(rng, scenario.metrics);
  const shifted = pickShifted(rng, scenario.metrics, scenario.shift === 0 ? 0 : scenario.shifted);
  const headLevels = levels.map((l, i) =>
    shifted.has(metricId(i)) ? slower(l, 1 + scenario.shift, scenario.better) : l,
  );
  const mains: ResultsDocument[] = [];
  for (let r = 0; r < Math.max(1, scenario.history); r++) {
    mains.push(simulateRun(rng, scenario, levels, `main${r}`, r));
  }
  let history: HistoryDocument | undefined;
  if (scenario.history > 0) for (const run of mains) history = appendToHistory(history, run);
  const heads: ResultsDocument[] = [];
  return {
    scenario,
    seed,
    mains,
    base: mains[mains.length - 1] as ResultsDocument,
    ...(history ? { history } : {}),
    shifted,
    head(k: number): ResultsDocument {
      for (let i = heads.length; i <= k; i++) {
        // Each head run has a stream of its own: asking for a third run never changes the first.
        heads.push(simulateRun(makeRng(streamSeed(seed, 1 + i)), scenario, headLevels, 'head', 1000 + i));
      }
      return heads[k] as ResultsDocument;
    },
  };
}

export interface GateOutcome {
  comparisons: Comparison[];
  /** Head runs the gate took (the first and any it added). */
  headRuns: number;
}

/**
 * The pipeline's decision: judge the first head run; while some metric wants another run (compare/more.ts)
 * and the gate may take more, add a head run and judge all of them pooled. The time budget is not modelled.
 */
export function simulateGate(world: World, options: CompareOptions): GateOutcome {
  const heads = [world.head(0)];
  const judge = (): Comparison[] =>
    compareResults({
      base: world.base,
      heads,
      ...(world.history ? { history: world.history } : {}),
      options,
    }).comparisons;
  let comparisons = judge();
  while (heads.length < options.runs && comparisons.some((c) => wantsAnotherRun(c, options))) {
    heads.push(world.head(heads.length));
    comparisons = judge();
  }
  return { comparisons, headRuns: heads.length };
}

/** What one judged world shows: a false alarm (any unchanged metric flagged), detections, a failed gate. */
export interface Tally {
  falseAlarm: boolean;
  caught: number;
  failed: boolean;
}

export function tally(flagged: Iterable<string>, shifted: ReadonlySet<string>): Tally {
  let falseAlarm = false;
  let caught = 0;
  let failed = false;
  for (const id of flagged) {
    failed = true;
    if (shifted.has(id)) caught++;
    else falseAlarm = true;
  }
  return { falseAlarm, caught, failed };
}

export const regressedIds = (comparisons: readonly Comparison[]): string[] =>
  comparisons.filter((c) => c.verdict === 'regressed').map((c) => c.id);

/** Same-runner A/B: each metric's interleaved rounds, both sides of a round slowed by the same drift draw. */
export interface PairedWorld {
  scenario: Scenario;
  series: PairedSeries[];
  shifted: ReadonlySet<string>;
}

export function makePairedWorld(scenario: Scenario, seed: number, rounds: number): PairedWorld {
  const rng = makeRng(streamSeed(seed, 0));
  const levels = trueLevels(rng, scenario.metrics);
  const shifted = pickShifted(rng, scenario.metrics, scenario.shift === 0 ? 0 : scenario.shifted);
  const series: PairedSeries[] = levels.map((_, i) => ({
    id: metricId(i),
    unit: scenario.better === 'lower' ? 'ms' : 'ops/s',
    better: scenario.better,
    base: [],
    head: [],
  }));
  for (let r = 0; r < rounds; r++) {
    const drift = driftDraw(rng, scenario.noise);
    levels.forEach((level, i) => {
      const s = series[i] as PairedSeries;
      const bimodal = isBimodal(scenario.noise, i);
      const base = slower(level, drift, scenario.better);
      const head = shifted.has(s.id) ? slower(base, 1 + scenario.shift, scenario.better) : base;
      // One fresh process per side and round, as ab/run-ab.ts runs them (one replicate per round).
      s.base.push(drawReplicate(rng, base, scenario.better, scenario.noise, bimodal));
      s.head.push(drawReplicate(rng, head, scenario.better, scenario.noise, bimodal));
    });
  }
  return { scenario, series, shifted };
}

export interface SameRunnerOutcome {
  analyses: PairedAnalysis[];
  /** Pairs used when the run stopped. */
  pairs: number;
}

/**
 * ab/run-ab.ts's loop without the processes: looks planned for this many metrics, each analysed with
 * analyzePairs at the look's confidence, stopping at the first look that leaves nothing inconclusive.
 */
export function simulateSameRunner(
  world: PairedWorld,
  plan: { first: number; max: number },
  options: Pick<CompareOptions, 'confidence' | 'minEffect'>,
): SameRunnerOutcome {
  const { looks, confidence } = plannedLooks(plan, options.confidence, world.series.length);
  let analyses: PairedAnalysis[] = [];
  let pairs = 0;
  for (const n of looks) {
    pairs = n;
    const cut = world.series.map((s) => ({ ...s, base: s.base.slice(0, n), head: s.head.slice(0, n) }));
    analyses = analyzePairs(cut, { confidence, minEffect: options.minEffect });
    if (!needsMoreRounds(analyses)) break;
  }
  return { analyses, pairs };
}

/** Counts over many worlds: runs with a false alarm, shifted metrics caught (of `shifted`), failed gates. */
export interface Rates {
  runs: number;
  falseAlarmRuns: number;
  caught: number;
  shifted: number;
  failedRuns: number;
  /** Head runs (stored-baseline mode) or pairs (same-runner mode), summed. */
  effort: number;
}

export const emptyRates = (): Rates => ({
  runs: 0,
  falseAlarmRuns: 0,
  caught: 0,
  shifted: 0,
  failedRuns: 0,
  effort: 0,
});

export function count(rates: Rates, t: Tally, shifted: number, effort: number): void {
  rates.runs++;
  if (t.falseAlarm) rates.falseAlarmRuns++;
  if (t.failed) rates.failedRuns++;
  rates.caught += t.caught;
  rates.shifted += shifted;
  rates.effort += effort;
}

/** perf-action's gate over one world per seed. */
export function measureGate(scenario: Scenario, seeds: readonly number[], options: CompareOptions): Rates {
  const rates = emptyRates();
  for (const seed of seeds) {
    const world = makeWorld(scenario, seed);
    const gate = simulateGate(world, options);
    count(rates, tally(regressedIds(gate.comparisons), world.shifted), world.shifted.size, gate.headRuns);
  }
  return rates;
}

/** perf-action's same-runner A/B over one world per seed. */
export function measureSameRunner(
  scenario: Scenario,
  seeds: readonly number[],
  plan: { first: number; max: number },
  options: Pick<CompareOptions, 'confidence' | 'minEffect'>,
): Rates {
  const rates = emptyRates();
  for (const seed of seeds) {
    const world = makePairedWorld(scenario, seed, plan.max);
    const run = simulateSameRunner(world, plan, options);
    const flagged = run.analyses.filter((a) => a.decision.verdict === 'regressed').map((a) => a.id);
    count(rates, tally(flagged, world.shifted), world.shifted.size, run.pairs);
  }
  return rates;
}
