// Baseline against head, metric by metric: the shift estimate, its interval and test on the replicate
// samples, false-discovery control across the run, then the verdict of decide.ts.
//
// Per metric id present on both sides:
// - values are the replicate samples (one per process, window or run); without samples the summary median
//   stands in as a single value, which leaves the metric inconclusive;
// - the baseline is converted to the head's unit; a unit of another dimension is a warning, not a comparison;
// - when every value is positive the analysis runs on log values: the Hodges-Lehmann shift of the logs,
//   exponentiated, is the ratio head/base, and the rank-based (Moses) interval gives its confidence interval.
//   Otherwise (zero counts, error rates of 0%) it runs on the raw values and the shift is expressed relative to
//   the baseline median;
// - the Mann-Whitney two-sided p-value is adjusted with Benjamini-Hochberg across all tested metrics; the
//   adjusted value is what `p` reports and what the decision uses;
// - with the baseline's history (noise.ts), a metric that drifts between runs of unchanged code gets that
//   drift added to its interval (base and head each have their own run's drift), with a t quantile for a
//   drift estimated from few runs (driftAllowance): the machine-wide part once for the run, each metric's own
//   part with Bonferroni across the compared metrics; the rank test's correction cannot absorb either. A regression
//   needs that widened interval entirely worse, so drift alone does not fail the gate; a metric whose
//   run-to-run band is wider than min-effect is flagged unreliable;
// - when the baseline is the history's newest run, its machine-wide level is placed against the history's
//   (noise.ts machineAnchor) and its values moved to the usual level: the machine's drift then counts once
//   for the head, plus the uncertainty of the history's mean, instead of once for each side (anchoredDrift);
// - where the history shows a metric landing in slow modes, or its best replicate far steadier than its
//   median (level.ts), it is compared by best(head)/best(base) instead: Student's t against the history's
//   drift of that best gives its p-value, which joins the same Benjamini-Hochberg family, and its interval
//   is set at the level that control leaves (analyseBest, bestIntervals).

import type { HistoryDocument } from '../baseline/history.ts';
import { matchesGlob } from '../model/glob.ts';
import { allMetrics, type Better, type Metric, type ResultsDocument } from '../model/results.ts';
import { convert } from '../model/units.ts';
import type { Comparison } from '../model/verdict.ts';
import { benjaminiHochberg } from '../stats/fdr.ts';
import { hodgesLehmannShift } from '../stats/hodges-lehmann.ts';
import { mannWhitney, type TestMethod } from '../stats/mann-whitney.ts';
import { normalQuantile } from '../stats/normal.ts';
import { replicatesToBound, replicatesToDetect } from '../stats/power.ts';
import { median } from '../stats/quantile.ts';
import { sampleSd, scaledMad } from '../stats/spread.ts';
import { studentQuantile, studentSf } from '../stats/student.ts';
import { type Decision, decide, thresholds, towardsWorse } from './decide.ts';
import { environmentWarnings } from './environment.ts';
import { chooseBestLevels, type LevelChoice } from './level.ts';
import {
  type BestShape,
  bestOf,
  historyBestNoise,
  historyNoise,
  historySlowTail,
  type MachineAnchor,
  type RunNoise,
  sameMachine,
} from './noise.ts';
import type { CompareOptions } from './options.ts';
import type { RecheckDetail } from './recheck.ts';
import {
  headFactor,
  planReferences,
  REFERENCE_VIEWS,
  type ReferenceView,
  type SuiteScaling,
  scaledHead,
  scaledHistory,
  suiteOf,
} from './reference.ts';

export { environmentWarnings } from './environment.ts';

/** Evidence behind one comparison row, beyond what the verdict document carries. */
export interface ComparisonDetail {
  /** Replicates on each side (0 for the absent side of a new or missing metric). */
  nBase: number;
  nHead: number;
  /** For inconclusive rows: replicates per side predicted to decide it (80% power for an apparent change). */
  needed?: number;
  /** Relative spread of one replicate (robust), e.g. 0.03 for about ±3%. */
  noise?: number;
  /** p-value before the Benjamini-Hochberg adjustment. */
  pRaw?: number;
  /** Mann-Whitney's (exact or normal), or Student's t against the history's drift of the best replicate. */
  method?: TestMethod | 'history-t';
  /** Scale of the analysis: log values, or raw values when some are zero or negative. */
  scale?: 'log' | 'linear';
  /** Coverage the reported interval actually has (at least the configured confidence). */
  ciConfidence?: number;
  /** Why the verdict is what it is, in a few words. */
  reason: string;
  /** Run-to-run noise from the baseline's history, when it had enough runs of this metric. */
  history?: { runs: number; band: number; drift: number };
  /** The run-to-run band is wider than min-effect: a change of min-effect cannot be told from drift. */
  unreliable?: boolean;
  /**
   * Which level of each run was compared: the median replicate (rank tests on all replicates, the default)
   * or the best one, judged against the history (level.ts).
   */
  level?: 'median' | 'best';
  /**
   * The baseline run's machine-wide speed against the history's usual (noise.ts machineAnchor): 1.04 when it
   * ran 4% slow. Its values were moved to the usual level before comparing (`base` is the moved value).
   */
  anchor?: number;
  /**
   * The head's suite ran the reference workload this much slower than the baseline's (reference.ts; 1.05:
   * 5% slower, in the view of `level`): its values were scaled to the baseline's machine speed (`head` is the
   * scaled value).
   */
  reference?: number;
  /**
   * In the baseline run this metric sat off its usual level, beyond the machine (noise.ts LastRunOffset;
   * 1.15: 15% slower than usual): its interval spans the comparison with that run and with the usual level,
   * and its p-value is the larger of the two, so a change has to show against both (offUsual).
   */
  usual?: number;
  /** A regression checked by running its suite again (recheck.ts): what that second run said. */
  recheck?: RecheckDetail;
}

/** What the comparison knows beyond the two runs. */
export interface CompareContext {
  /** Run-to-run noise per metric id, from the baseline's history (noise.ts historyNoise). */
  noise?: ReadonlyMap<string, RunNoise>;
  /**
   * Metrics compared by their best replicate, with the run-to-run noise of that best in the history
   * (level.ts chooseBestLevels, noise.ts historyBestNoise).
   */
  best?: ReadonlyMap<string, RunNoise>;
  /** The baseline is the history's last run: its machine-wide level may be moved to the usual (anchoredDrift). */
  anchorBase?: boolean;
  /**
   * The head's metrics as a best-replicate comparison sees them, when they differ from the median's (scaled
   * by the reference's fastest replicate instead of its median: reference.ts).
   */
  bestHeads?: ReadonlyMap<string, Metric>;
}

export interface CompareOutcome {
  comparisons: Comparison[];
  warnings: string[];
  /** Keyed by metric id. */
  details: Record<string, ComparisonDetail>;
}

interface Row {
  comparison: Comparison;
  detail: ComparisonDetail;
  /** Log-ratio evidence, when both sides had values to compare. */
  shift?: { estimate: number; lower: number; upper: number };
  /** Spread of one replicate in log-ratio units, when it could be estimated. */
  sigma?: number;
  /**
   * Compared by the best replicate (analyseBest): the scale of the t statistic (√2 times the history's drift
   * of the best) and its degrees of freedom, for the interval once the run's discoveries are known.
   */
  best?: { scale: number; df: number };
  /**
   * The baseline run sat off this metric's usual level (offUsual): the log-ratio's move from comparing with
   * the usual level instead of the run, whose interval joins the row's.
   */
  usual?: number;
}

/**
 * Significance at which a metric counts as off its usual level in the baseline run (offUsual). Generous on
 * purpose: a metric flagged without cause only has its interval extended towards what its history says,
 * which costs power on that metric alone; one left unflagged can fail the gate.
 */
export const USUAL_LEVEL_CHECK = 0.05;

/**
 * For a baseline that is its history's last run: when the metric sat off its usual level in it (beyond the
 * machine for a baseline `moved` to the machine's usual level, as measured otherwise) by more than the
 * history's earlier runs scatter (two-sided t at USUAL_LEVEL_CHECK), the move of log(head/base) from
 * comparing with the usual level instead (positive: the head looks worse against the usual). A single run cannot tell whether such a level is the run's accident or a change that landed on the
 * branch; a regression (or an improvement) must then show against both (intersection-union: the larger
 * p-value, the union of the intervals), which is right in either case.
 */
export function offUsual(noise: RunNoise | undefined, better: Better, moved: boolean): number | undefined {
  // A baseline moved to the machine's usual level is off by the metric's own offset; one as measured by all.
  const last = moved ? noise?.last : noise?.last?.raw;
  if (!last || !(last.sd > 0) || !Number.isFinite(last.offset)) return undefined;
  if (Math.abs(last.offset) <= studentQuantile(1 - USUAL_LEVEL_CHECK / 2, last.df) * last.sd) return undefined;
  return better === 'lower' ? last.offset : -last.offset;
}

/** The detail's `usual` for a row's move: how much slower than usual the baseline ran (1.15: 15% slower). */
function usualFactor(move: number, better: Better): number {
  return Math.exp(better === 'lower' ? move : -move);
}

/**
 * A change called against the union of both comparisons (offUsual) must also exceed min-effect against the
 * usual level, not only against the baseline run whose level was off.
 */
function againstUsual(decision: Decision, row: Row, options: CompareOptions): Decision {
  if ((decision.verdict !== 'regressed' && decision.verdict !== 'improved') || !row.shift || row.usual === undefined) {
    return decision;
  }
  const e = thresholds(options.minEffect).effect;
  const moved = row.shift.estimate + row.usual;
  const { est } = towardsWorse(row.comparison.better as Better, moved, moved, moved);
  if (decision.verdict === 'regressed' ? est > e : est < -e) return decision;
  return {
    verdict: 'inconclusive',
    reason: "beyond min-effect against the baseline run, not against the metric's usual level",
  };
}

/** The union of an interval and the same moved by `move` (the comparison with the usual level). */
function joinUsual<T extends { lower: number; upper: number }>(interval: T, move: number): T {
  return {
    ...interval,
    lower: Math.min(interval.lower, interval.lower + move),
    upper: Math.max(interval.upper, interval.upper + move),
  };
}

/** The metric is left out of the comparison by `compare.ignore`. */
function isIgnored(options: CompareOptions, id: string): boolean {
  return options.ignore.some((glob) => matchesGlob(glob, id));
}

function checkOptions(options: CompareOptions): void {
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw new RangeError(`compare confidence must lie strictly between 0 and 1 (got ${options.confidence})`);
  }
  if (!(options.minEffect >= 0 && Number.isFinite(options.minEffect))) {
    throw new RangeError(`compare min-effect must be a non-negative number (got ${options.minEffect})`);
  }
}

function replicates(metric: Metric): number[] {
  return metric.samples && metric.samples.length > 0 ? [...metric.samples] : [metric.stats.median];
}

function byId(metrics: readonly Metric[], side: string, warnings: string[]): Map<string, Metric> {
  const out = new Map<string, Metric>();
  for (const m of metrics) {
    if (out.has(m.id))
      warnings.push(`metric ${JSON.stringify(m.id)} appears twice in the ${side}; the first is compared`);
    else out.set(m.id, m);
  }
  return out;
}

/** Pooled robust standard deviation of the samples (each of at least two values); undefined if none. */
function pooledSpread(groups: readonly number[][]): number | undefined {
  let num = 0;
  let den = 0;
  for (const g of groups) {
    if (g.length < 2) continue;
    let sd = scaledMad(g);
    // Quantised values can make the MAD zero while the values still vary.
    if (!(sd > 0)) sd = sampleSd(g);
    num += (g.length - 1) * sd * sd;
    den += g.length - 1;
  }
  return den > 0 ? Math.sqrt(num / den) : undefined;
}

/**
 * How far two runs of unchanged code can sit apart by drift alone (log scale), for every one of `family`
 * compared metrics at once at `confidence`, and the coverage that leaves each metric's own interval.
 *
 * Base and head each have their own run's drift (√2); with `anchor` (the baseline moved to the machine's
 * usual level) the machine's part is instead a new run against the history's mean (anchoredDrift). Drift
 * estimated from few runs gets Student's t with the estimate's degrees of freedom. Without a machine-wide part (a suite too small to tell it apart) all
 * drift is the metric's own, with Bonferroni across the family. With one (noise.common), three bounds hold
 * for the whole family; each gets a third of the error budget α = 1 − confidence, so the narrowest may be
 * used (the union bound covers all three):
 * - split: the machine's move is one event for the run, however many metrics move with it (half the share,
 *   once), each metric's own move one event per metric (the other half, Bonferroni), and the two add.
 *   Narrow when the machine dominates, as its quantile is not multiplied by the family;
 * - pooled: both variances summed, with Satterthwaite's degrees of freedom, Bonferroni across the family
 *   (valid whatever the metrics share). Narrow when each metric's own drift dominates;
 * - alone: the metric's own history only, Bonferroni. Narrow when the metric is steadier than the machine's
 *   estimate suggests for it (a quiet metric among loud ones).
 */
export function driftAllowance(
  noise: RunNoise,
  confidence: number,
  family: number,
  anchor?: MachineAnchor,
): { allowance: number; coverage: number } {
  const alpha = 1 - confidence;
  const m = Math.max(1, family);
  /** The upper quantile leaving `tail` beyond it, times the sd; 0 for no drift. */
  const bound = (tail: number, df: number, sd: number) => (sd > 0 ? studentQuantile(1 - tail, df) * sd : 0);
  const { common, alone } = noise;
  if (!common)
    return { allowance: Math.SQRT2 * bound(alpha / (2 * m), noise.df, noise.drift), coverage: 1 - alpha / m };

  // With the baseline moved to the machine's usual level, the machine's part counts once plus the mean's
  // uncertainty (anchoredDrift) instead of twice; the metric's own part still twice.
  const share = alpha / 3;
  const machine = anchor
    ? Math.sqrt(1 + 1 / anchor.runs) * bound(share / 4, anchor.df, anchor.sd)
    : Math.SQRT2 * bound(share / 4, common.df, common.drift);
  const split = machine + Math.SQRT2 * bound(share / (4 * m), noise.df, noise.drift);
  const both = anchor ? anchoredDrift(noise, anchor) : pooledDrift(noise);
  const pooled = (anchor ? 1 : Math.SQRT2) * bound(share / (2 * m), both.df, both.sd);
  // The metric's own history alone bounds its raw level's moves; against a baseline moved by the machine's
  // offset it says nothing (a metric that does not follow the machine is moved by all of it).
  const useAlone = alone !== undefined && anchor === undefined;
  const own = useAlone ? Math.SQRT2 * bound(share / (2 * m), alone.df, alone.drift) : Number.POSITIVE_INFINITY;
  // Each metric alone misses with at most the split's two parts plus the pooled and alone shares.
  const miss = share / 2 + share / (2 * m) + share / m + (useAlone ? share / m : 0);
  return { allowance: Math.min(split, pooled, own), coverage: 1 - miss };
}

/**
 * The drift allowance of a median comparison, and whether its baseline is moved to the machine's usual level:
 * moved when `anchor` is given and that allowance is no wider than the one for the baseline as measured
 * (which may rest on the metric's own history alone). A metric that barely follows the machine-wide level
 * (a pure arithmetic kernel among memory-bound ones with slow modes) is steadier as measured than moved: the
 * history decides, before the head is seen.
 */
export function medianAllowance(
  noise: RunNoise,
  confidence: number,
  family: number,
  anchor?: MachineAnchor,
): { allowance: number; coverage: number; anchored: boolean } {
  const raw = driftAllowance(noise, confidence, family);
  if (!anchor) return { ...raw, anchored: false };
  const moved = driftAllowance(noise, confidence, family, anchor);
  return moved.allowance <= raw.allowance ? { ...moved, anchored: true } : { ...raw, anchored: false };
}

/**
 * A level's drift between runs, the machine-wide and the metric's own parts together: the standard deviation
 * and its degrees of freedom (Satterthwaite: each part's estimate rests on its own few runs).
 */
export function pooledDrift(noise: RunNoise): { sd: number; df: number } {
  const { common } = noise;
  if (!common) return { sd: noise.drift, df: noise.df };
  const variance = common.drift ** 2 + noise.drift ** 2;
  const df = variance > 0 ? variance ** 2 / (common.drift ** 4 / common.df + noise.drift ** 4 / noise.df) : 1;
  return { sd: Math.sqrt(variance), df };
}

/**
 * The drift between the head's run and the baseline's run moved to the history's usual machine level
 * (noise.ts machineAnchor). The machine-wide part is a new run's level against the mean of the history's K:
 * the levels' scatter times √(1 + 1/K), a prediction interval with K − 1 degrees of freedom (instead of two
 * runs' drift, √2, from successive differences worth about 2/3 of a run each); each metric's own part counts
 * twice as before. Degrees of freedom by Satterthwaite.
 */
export function anchoredDrift(noise: RunNoise, anchor: MachineAnchor): { sd: number; df: number } {
  if (!noise.common) return { sd: Math.SQRT2 * noise.drift, df: noise.df };
  const machine = anchor.sd ** 2 * (1 + 1 / anchor.runs);
  const own = 2 * noise.drift ** 2;
  const variance = machine + own;
  const df = variance > 0 ? variance ** 2 / (machine ** 2 / anchor.df + own ** 2 / noise.df) : 1;
  return { sd: Math.sqrt(variance), df };
}

/** Widens the shift's interval by the drift allowance, in quadrature with each half-width. */
function addDrift(
  shift: { estimate: number; lower: number; upper: number },
  allowance: number,
): { lower: number; upper: number } {
  const widen = (h: number) => Math.sqrt(h * h + allowance * allowance);
  return {
    lower: shift.estimate - widen(shift.estimate - shift.lower),
    upper: shift.estimate + widen(shift.upper - shift.estimate),
  };
}

function analyse(
  base: Metric,
  head: Metric,
  options: CompareOptions,
  warnings: string[],
  noise: RunNoise | undefined,
  family: number,
  anchorBase: boolean,
): Row {
  const id = head.id;
  const headValues = replicates(head);
  const row: Row = {
    comparison: { id, unit: head.unit, better: head.better, head: median(headValues), verdict: 'inconclusive' },
    detail: { nBase: 0, nHead: headValues.length, reason: '' },
  };
  let baseValues: number[];
  try {
    baseValues = replicates(base).map((v) => convert(v, base.unit, head.unit));
  } catch (err) {
    warnings.push(
      `metric ${JSON.stringify(id)}: the baseline's unit ${JSON.stringify(base.unit)} cannot be converted to ` +
        `${JSON.stringify(head.unit)} (${(err as Error).message}); not compared`,
    );
    row.detail.reason = 'units of the baseline and head are not comparable';
    return row;
  }
  if (base.better !== head.better) {
    warnings.push(
      `metric ${JSON.stringify(id)}: "better" changed from ${base.better} to ${head.better}; judged as ${head.better}`,
    );
  }
  const positive = baseValues.every((v) => v > 0) && headValues.every((v) => v > 0);
  // The baseline's replicates as the machine usually runs, when its run's machine-wide level is known and
  // the metric follows it (medianAllowance).
  const drifting =
    noise && positive
      ? medianAllowance(noise, options.confidence, family, anchorBase ? noise.common?.anchor : undefined)
      : undefined;
  const anchor = drifting?.anchored ? noise?.common?.anchor : undefined;
  if (anchor) {
    const move = Math.exp(head.better === 'lower' ? -anchor.offset : anchor.offset);
    baseValues = baseValues.map((v) => v * move);
    row.detail.anchor = Math.exp(anchor.offset);
  }
  row.comparison.base = median(baseValues);
  row.detail.nBase = baseValues.length;

  row.detail.scale = positive ? 'log' : 'linear';
  const xs = positive ? baseValues.map(Math.log) : baseValues;
  const ys = positive ? headValues.map(Math.log) : headValues;
  const shift = hodgesLehmannShift(xs, ys, options.confidence);
  // On raw values the shift is expressed against the baseline median, then put on the log-ratio scale.
  const scale = Math.abs(row.comparison.base);
  const toLogRatio = (d: number): number => {
    if (positive) return d;
    if (scale > 0) return 1 + d / scale > 0 ? Math.log1p(d / scale) : Number.NEGATIVE_INFINITY;
    return d > 0 ? Number.POSITIVE_INFINITY : d < 0 ? Number.NEGATIVE_INFINITY : 0;
  };
  row.shift = { estimate: toLogRatio(shift.estimate), lower: toLogRatio(shift.lower), upper: toLogRatio(shift.upper) };
  let widenedBy: number | undefined;
  if (noise && drifting) {
    const drift = Math.hypot(noise.drift, noise.common?.drift ?? 0);
    row.detail.history = { runs: noise.runs, band: noise.band, drift };
    if (noise.band > options.minEffect) row.detail.unreliable = true;
    const { allowance, coverage } = drifting;
    if (allowance > 0 && Number.isFinite(shift.lower) && Number.isFinite(shift.upper)) {
      widenedBy = coverage;
      const widened = addDrift(shift, allowance);
      shift.lower = widened.lower;
      shift.upper = widened.upper;
      row.shift.lower = widened.lower;
      row.shift.upper = widened.upper;
    }
  }
  // Against the metric's usual level as well, when the baseline run sat off it (log values only: the usual
  // level is a ratio away).
  const usual = anchorBase && positive ? offUsual(noise, head.better, anchor !== undefined) : undefined;
  if (usual !== undefined && Number.isFinite(shift.lower) && Number.isFinite(shift.upper)) {
    const joined = joinUsual(shift, usual);
    shift.lower = joined.lower;
    shift.upper = joined.upper;
    row.shift = joinUsual(row.shift, usual);
    row.usual = usual;
    row.detail.usual = usualFactor(usual, head.better);
  }
  const toRatio = (d: number): number | undefined => {
    if (positive) return Math.exp(d);
    return scale > 0 ? 1 + d / scale : undefined;
  };
  const ratio = toRatio(shift.estimate);
  if (ratio !== undefined && Number.isFinite(ratio)) row.comparison.ratio = ratio;
  const lo = toRatio(shift.lower);
  const hi = toRatio(shift.upper);
  if (lo !== undefined && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi)) {
    row.comparison.ci = [lo, hi];
    // Widened by drift, the intervals hold at the configured level for all compared metrics at once; each
    // one alone holds at least at `coverage`.
    row.detail.ciConfidence = widenedBy === undefined ? shift.confidence : Math.min(shift.confidence, widenedBy);
  }

  const sigma = pooledSpread([xs, ys]);
  if (sigma !== undefined) {
    if (positive) {
      row.sigma = sigma;
      row.detail.noise = Math.expm1(sigma);
    } else if (scale > 0) {
      row.sigma = sigma / scale;
      row.detail.noise = sigma / scale;
    }
  }

  if (xs.length >= 2 && ys.length >= 2) {
    const test = mannWhitney(xs, ys);
    // The baseline's replicates at the usual level: log(head/base) grows by `usual` when the base drops by it.
    const atUsual =
      row.usual === undefined
        ? undefined
        : mannWhitney(
            xs.map((x) => x - (row.usual as number)),
            ys,
          );
    row.detail.pRaw = Math.max(test.p, atUsual?.p ?? 0);
    row.detail.method = test.method;
  }
  return row;
}

/**
 * The best replicate of each side against the history's run-to-run noise of that best: the change is the log
 * ratio of the two bests, tested with Student's t against the history's drift of the best (pooledDrift,
 * base and head each with their own run's drift). The p-value joins the run's false-discovery control; the
 * interval is set once that is known (bestIntervals). Undefined when the sides cannot be compared this way
 * (no samples, another count of replicates than the history's, a value that is not positive, units that do
 * not convert): the median comparison then decides, and says why.
 */
function analyseBest(
  base: Metric,
  head: Metric,
  options: CompareOptions,
  noise: RunNoise,
  anchorBase: boolean,
): Row | undefined {
  const h = head.samples;
  if (!h || !base.samples || h.length < 2 || base.samples.length !== h.length) return undefined;
  let b: number[];
  try {
    b = base.samples.map((v) => convert(v, base.unit, head.unit));
  } catch {
    return undefined;
  }
  if (!b.every((v) => v > 0) || !h.every((v) => v > 0) || base.better !== head.better) return undefined;
  const better = head.better;
  const [bBest, hBest] = [bestOf(b, better), bestOf(h, better)];
  // The baseline's best as the machine usually runs (oriented: a slow run's time comes down, its rate up).
  const anchor = anchorBase ? noise.common?.anchor : undefined;
  const moved = anchor ? bBest * Math.exp(better === 'lower' ? -anchor.offset : anchor.offset) : bBest;
  const estimate = Math.log(hBest / moved);
  const drift = anchor ? anchoredDrift(noise, anchor) : pooledDrift(noise);
  const scale = anchor ? drift.sd : Math.SQRT2 * drift.sd;
  // No drift at all in the history: any change at all is beyond it.
  const pOf = (e: number) => (scale > 0 ? Math.min(1, 2 * studentSf(Math.abs(e) / scale, drift.df)) : e === 0 ? 1 : 0);
  const usual = anchorBase ? offUsual(noise, better, anchor !== undefined) : undefined;
  const p = Math.max(pOf(estimate), usual === undefined ? 0 : pOf(estimate + usual));
  const sigma = pooledSpread([b.map(Math.log), h.map(Math.log)]);
  return {
    comparison: {
      id: head.id,
      unit: head.unit,
      better,
      base: moved,
      head: hBest,
      ratio: Math.exp(estimate),
      verdict: 'inconclusive',
    },
    detail: {
      nBase: b.length,
      nHead: h.length,
      reason: '',
      scale: 'log',
      level: 'best',
      pRaw: p,
      method: 'history-t',
      ...(sigma !== undefined ? { noise: Math.expm1(sigma) } : {}),
      history: { runs: noise.runs, band: noise.band, drift: Math.hypot(noise.drift, noise.common?.drift ?? 0) },
      ...(noise.band > options.minEffect ? { unreliable: true } : {}),
      ...(anchor ? { anchor: Math.exp(anchor.offset) } : {}),
      ...(usual !== undefined ? { usual: usualFactor(usual, better) } : {}),
    },
    shift: { estimate, lower: estimate, upper: estimate },
    best: { scale, df: drift.df },
    ...(usual !== undefined ? { usual } : {}),
  };
}

/**
 * The intervals of the rows compared by their best replicate, once the false-discovery control has flagged
 * `discoveries` of them among `family` tested metrics: each at confidence 1 − max(1, discoveries)·α/family
 * (Benjamini-Yekutieli's false-coverage adjustment), so that a flagged row's interval excludes no change
 * exactly when its adjusted p-value is below α, and with nothing flagged each holds for all metrics at once.
 */
function bestIntervals(rows: readonly Row[], alpha: number, discoveries: number, family: number): void {
  const tail = (Math.max(1, discoveries) * alpha) / Math.max(1, family);
  for (const row of rows) {
    if (!row.best || !row.shift) continue;
    const half = row.best.scale > 0 ? row.best.scale * studentQuantile(1 - tail / 2, row.best.df) : 0;
    const { estimate } = row.shift;
    const own = { estimate, lower: estimate - half, upper: estimate + half };
    row.shift = row.usual === undefined ? own : joinUsual(own, row.usual);
    row.comparison.ci = [Math.exp(row.shift.lower), Math.exp(row.shift.upper)];
    row.detail.ciConfidence = 1 - tail;
  }
}

/**
 * Replicates per side predicted to decide an inconclusive row: enough to detect the apparent change (when it
 * exceeds min-effect, at the significance level one metric alone must reach after the correction), or enough
 * to narrow the interval to rule out changes of twice min-effect.
 */
function neededReplicates(row: Row, options: CompareOptions, family: number): number | undefined {
  // Drift between runs does not shrink with more replicates: no count would decide an unreliable row, nor
  // one judged against the history alone (whose best of n is comparable only with a best of as many).
  if (!row.shift || row.detail.unreliable || row.best) return undefined;
  const { effect: e, wide: e2 } = thresholds(options.minEffect);
  const est = Math.abs(row.shift.estimate);
  const sigma = row.sigma ?? 0;
  const current = Math.min(row.detail.nBase, row.detail.nHead);
  let n: number | undefined;
  if (!Number.isFinite(est)) return undefined;
  if (est > e) {
    const alpha = (1 - options.confidence) / Math.max(1, family);
    n = replicatesToDetect({ sigma, effect: est, confidence: 1 - alpha });
  } else {
    n = replicatesToBound({ sigma, halfWidth: e2 - est, confidence: options.confidence });
  }
  return n === undefined ? undefined : Math.max(n, current + 1);
}

export function compareMetrics(
  base: Metric[] | undefined,
  head: Metric[],
  options: CompareOptions,
  context: CompareContext = {},
): CompareOutcome {
  checkOptions(options);
  const warnings: string[] = [];
  const ignored = (id: string) => isIgnored(options, id);
  const heads = byId(head, 'head results', warnings);
  const bases = base ? byId(base, 'baseline', warnings) : undefined;
  const rows: Row[] = [];
  // Metrics compared in this run: the family the drift allowance is shared across.
  let family = 0;
  for (const id of heads.keys()) if (!ignored(id) && bases?.has(id)) family++;

  for (const [id, h] of heads) {
    if (ignored(id)) continue;
    const b = bases?.get(id);
    if (b) {
      const best = context.best?.get(id);
      rows.push(
        (best && analyseBest(b, context.bestHeads?.get(id) ?? h, options, best, context.anchorBase === true)) ??
          analyse(b, h, options, warnings, context.noise?.get(id), family, context.anchorBase === true),
      );
      continue;
    }
    const values = replicates(h);
    rows.push({
      comparison: { id, unit: h.unit, better: h.better, head: median(values), verdict: 'new' },
      detail: { nBase: 0, nHead: values.length, reason: bases ? 'not in the baseline' : 'no baseline' },
    });
  }
  for (const [id, b] of bases ?? []) {
    if (ignored(id) || heads.has(id)) continue;
    const values = replicates(b);
    rows.push({
      comparison: { id, unit: b.unit, better: b.better, base: median(values), verdict: 'missing' },
      detail: { nBase: values.length, nHead: 0, reason: 'in the baseline, not measured in this run' },
    });
  }

  // One family for the false-discovery control: every metric that was tested in this run.
  const tested = rows.filter((r) => r.detail.pRaw !== undefined);
  const adjusted = benjaminiHochberg(tested.map((r) => r.detail.pRaw as number));
  // The rank tests' p-values see only the replicates, not the drift between runs (their intervals take it
  // in instead), so a drifting median can look significant: the best replicates' adjustment counts them as
  // p = 1, which keeps the family's size and lets no drift lower the bar for a best replicate.
  const bestAdjusted = benjaminiHochberg(tested.map((r) => (r.best ? (r.detail.pRaw as number) : 1)));
  tested.forEach((r, i) => {
    r.comparison.p = (r.best ? bestAdjusted[i] : adjusted[i]) as number;
  });
  const alpha = 1 - options.confidence;
  const discoveries = tested.filter((r) => r.best && (r.comparison.p as number) < alpha).length;
  bestIntervals(rows, alpha, discoveries, tested.length);

  for (const row of rows) {
    if (!row.shift) continue;
    const decision = decide(
      {
        ...row.shift,
        ...(row.detail.pRaw !== undefined ? { p: row.detail.pRaw } : {}),
        ...(row.comparison.p !== undefined ? { q: row.comparison.p } : {}),
        better: row.comparison.better as Better,
        nBase: row.detail.nBase,
        nHead: row.detail.nHead,
      },
      options,
    );
    const judged = againstUsual(decision, row, options);
    row.comparison.verdict = judged.verdict;
    row.detail.reason = judged.reason;
    if (judged.verdict === 'inconclusive') {
      const needed = neededReplicates(row, options, tested.length);
      if (needed !== undefined) row.detail.needed = needed;
    }
  }

  return {
    comparisons: rows.map((r) => r.comparison),
    warnings,
    // fromEntries defines own properties, so an id such as "__proto__" cannot reach the prototype.
    details: Object.fromEntries(rows.map((r) => [r.comparison.id, r.detail])),
  };
}

const UNRELIABLE_LISTED = 8;

/** One warning naming the metrics whose run-to-run band exceeds min-effect, widest first. */
export function unreliableWarning(outcome: CompareOutcome, minEffect: number): string | undefined {
  const flagged = Object.entries(outcome.details)
    .filter(([, d]) => d.unreliable && d.history)
    .map(([id, d]) => ({ id, band: d.history?.band ?? 0 }))
    .sort((a, b) => b.band - a.band || (a.id < b.id ? -1 : 1));
  if (flagged.length === 0) return undefined;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const named = flagged.slice(0, UNRELIABLE_LISTED).map((f) => `${JSON.stringify(f.id)} (±${pct(f.band)})`);
  const more = flagged.length > UNRELIABLE_LISTED ? ` and ${flagged.length - UNRELIABLE_LISTED} more` : '';
  const n = flagged.length;
  return (
    `${n} metric${n === 1 ? '' : 's'} unreliable: between earlier runs of the baseline branch ` +
    `${n === 1 ? 'it' : 'they'} moved by more than min-effect (${pct(minEffect)}), so only larger changes ` +
    `are flagged: ${named.join(', ')}${more}. Raise min-effect for ${n === 1 ? 'it' : 'them'}, ` +
    'or steady the machine (a dedicated runner, fewer background jobs)'
  );
}

/**
 * compareMetrics over whole documents, with warnings about differing machines and suites that did not run.
 * With the baseline's history, each metric's run-to-run noise (measured on the baseline's machine) informs
 * its comparison.
 *
 * `focus` compares only those metrics (a recheck's), as their own false-discovery family, while their noise,
 * levels and the baseline's machine-wide level are still estimated from all of the head's metrics, exactly
 * as in a full comparison: the machine's part needs a suite's metrics together.
 */
export function compareResults(
  base: ResultsDocument | undefined,
  head: ResultsDocument,
  options: CompareOptions,
  history?: HistoryDocument,
  focus?: ReadonlySet<string>,
): CompareOutcome {
  // The machine's speed taken out where a suite timed the reference workload (reference.ts): the head and
  // the history at the baseline's reference speed, in the view each comparison uses.
  const plans = base ? planReferences(base, head, history) : [];
  const heads = base ? scaledHead(head, base, plans, 'median') : allMetrics(head);
  const medianHistory = base && history ? scaledHistory(history, base, plans, 'median') : history;
  const bestHistory = base && history ? scaledHistory(history, base, plans, 'best') : history;
  const noise =
    base && medianHistory
      ? widenByScaling(
          historyNoise(medianHistory, new Map(heads.map((m) => [m.id, m.unit])), options.confidence, base.env),
          plans,
          'median',
        )
      : undefined;
  const anchorBase = base !== undefined && history !== undefined && isLastRun(history, base);
  const choices = base && bestHistory && noise ? bestLevels(base, head, bestHistory, noise, options, anchorBase) : [];
  const best = widenByScaling(new Map(choices.flatMap((c) => [...c.noise])), plans, 'best');
  const bestHeads = plans.some((p) => p.head.best !== undefined)
    ? new Map(scaledHead(head, base as ResultsDocument, plans, 'best').map((m) => [m.id, m]))
    : undefined;
  const context: CompareContext = {
    ...(noise ? { noise } : {}),
    ...(best.size > 0 ? { best } : {}),
    ...(best.size > 0 && bestHeads ? { bestHeads } : {}),
    ...(anchorBase ? { anchorBase } : {}),
  };
  const inFocus = (m: Metric) => focus === undefined || focus.has(m.id);
  const outcome = compareMetrics(
    base ? allMetrics(base).filter(inFocus) : undefined,
    heads.filter(inFocus),
    options,
    context,
  );
  if (!base) return outcome;
  markScaled(outcome, plans);
  const earlier = history ? history.runs.map((r) => r.env).filter((e) => sameMachine(e, base.env)) : [];
  const early = environmentWarnings(base.env, head.env, earlier);
  const ran = new Set(head.suites.map((s) => s.name));
  for (const suite of base.suites) {
    if (ran.has(suite.name)) continue;
    const count = suite.metrics.filter((m) => !isIgnored(options, m.id)).length;
    if (count > 0) {
      early.push(
        `suite ${JSON.stringify(suite.name)} is in the baseline but did not run; its ${count} metric${count === 1 ? ' is' : 's are'} reported as missing`,
      );
    }
  }
  for (const c of choices) {
    early.push(bestLevelNote(c));
    const lone = loneBestNote(c);
    if (lone) early.push(lone);
  }
  early.push(...referenceNotes(plans, outcome));
  const moved = anchorNote(outcome.details);
  if (moved) early.push(moved);
  const off = usualNote(outcome);
  if (off) early.push(off);
  const unreliable = unreliableWarning(outcome, options.minEffect);
  return { ...outcome, warnings: [...early, ...outcome.warnings, ...(unreliable ? [unreliable] : [])] };
}

/**
 * The head's scaling rests on elasticities estimated from the history: each metric's error moves it by
 * se · |log reference| (reference.ts headFactor). Added to each metric's own drift, which counts twice
 * (base and head) and is Bonferroni-corrected, so the error is over-covered rather than missed; a mature
 * history makes it small.
 */
function widenByScaling(
  noise: Map<string, RunNoise>,
  plans: readonly SuiteScaling[],
  view: ReferenceView,
): Map<string, RunNoise> {
  const bySuite = new Map(plans.filter((p) => p.head[view] !== undefined).map((p) => [p.suite, p]));
  if (bySuite.size === 0) return noise;
  return new Map(
    [...noise].map(([id, n]) => {
      const plan = bySuite.get(suiteOf(id));
      const u = plan ? headFactor(plan, view, id)?.uncertainty : undefined;
      if (!u) return [id, n];
      return [
        id,
        {
          ...n,
          drift: Math.hypot(n.drift, u),
          ...(n.alone ? { alone: { ...n.alone, drift: Math.hypot(n.alone.drift, u) } } : {}),
        },
      ];
    }),
  );
}

/** Each compared row of a scaled suite says by how much its head was scaled, in the view it was compared in. */
function markScaled(outcome: CompareOutcome, plans: readonly SuiteScaling[]): void {
  if (plans.length === 0) return;
  const bySuite = new Map(plans.map((p) => [p.suite, p]));
  for (const c of outcome.comparisons) {
    const detail = outcome.details[c.id];
    const plan = bySuite.get(suiteOf(c.id));
    if (!detail || !plan || c.base === undefined || c.head === undefined) continue;
    const found = headFactor(plan, detail.level === 'best' ? 'best' : 'median', c.id);
    if (found !== undefined) detail.reference = found.factor;
  }
}

/**
 * Per scaled suite, once: how much slower or faster the reference ran in this run than in the baseline's,
 * and that the head's values were scaled by it; per suite not scaled in a view, why not.
 */
function referenceNotes(plans: readonly SuiteScaling[], outcome: CompareOutcome): string[] {
  // A view's reason for not scaling matters only where some row of the suite was compared in that view.
  const compared = new Set<string>();
  for (const c of outcome.comparisons) {
    if (c.base === undefined || c.head === undefined) continue;
    compared.add(`${suiteOf(c.id)}\n${outcome.details[c.id]?.level ?? 'median'}`);
  }
  const pct = slowerOrFaster;
  const label: Record<ReferenceView, string> = { median: 'median', best: 'fastest replicate' };
  return plans.flatMap((p) => {
    const used = REFERENCE_VIEWS.filter((v) => p.head[v] !== undefined);
    const notes: string[] = [];
    if (used.length > 0) {
      // Short enough for the report's 300-character cap on a warning.
      const said = used
        .map((v) => {
          const power = p.power[v] as number;
          const follows = Math.abs(power - 1) > 0.005 ? `, suite ×${power.toFixed(2)}` : '';
          return `${pct(p.reference[v] as number)} by its ${label[v]}${follows}`;
        })
        .join('; ');
      notes.push(
        `suite ${JSON.stringify(p.suite)}: the reference workload ran ${said} than in the baseline's run (the ` +
          'machine, not the code): the head\'s values were scaled to the baseline\'s speed ("head scaled")',
      );
    }
    for (const v of REFERENCE_VIEWS) {
      const why = p.skipped[v];
      if (why && compared.has(`${p.suite}\n${v}`))
        notes.push(`suite ${JSON.stringify(p.suite)}: not scaled by its reference (${label[v]}): ${why}`);
    }
    return notes;
  });
}

/**
 * Once per comparison: how much slower or faster than its history's usual level the baseline run was,
 * machine-wide, by the level its metrics were compared at (best replicates, medians), when it was moved.
 */
function anchorNote(details: Readonly<Record<string, ComparisonDetail>>): string | undefined {
  const byLevel = new Map<string, number>();
  let runs = 0;
  for (const d of Object.values(details)) {
    if (d.anchor === undefined) continue;
    byLevel.set(d.level === 'best' ? 'best replicates' : 'medians', d.anchor);
    runs = Math.max(runs, d.history?.runs ?? 0);
  }
  if (byLevel.size === 0) return undefined;
  const said = [...byLevel].map(([level, a]) => {
    const pct = (Math.abs(a >= 1 ? a - 1 : 1 / a - 1) * 100).toFixed(1);
    return `${pct}% ${a >= 1 ? 'slower' : 'faster'} by its ${level}`;
  });
  return (
    `the baseline run was ${said.join(', ')} than the usual level of its history's ${runs} runs, on every ` +
    'metric at once (the machine, not the code): its values were moved to that level before comparing ' +
    '("base moved" in the evidence)'
  );
}

const USUAL_LISTED = 4;

/** A speed factor in words: 1.05 is "5.0% slower", 0.8 is "25.0% faster". */
function slowerOrFaster(r: number): string {
  return `${(Math.abs(r >= 1 ? r - 1 : 1 / r - 1) * 100).toFixed(1)}% ${r >= 1 ? 'slower' : 'faster'}`;
}

/** Once per comparison: the metrics whose baseline sat off their usual level, furthest first (offUsual). */
function usualNote(outcome: CompareOutcome): string | undefined {
  const off = outcome.comparisons
    .flatMap((c) => {
      const u = outcome.details[c.id]?.usual;
      return u !== undefined && c.base !== undefined && c.head !== undefined ? [{ c, u }] : [];
    })
    .sort((a, b) => Math.abs(Math.log(b.u)) - Math.abs(Math.log(a.u)) || (a.c.id < b.c.id ? -1 : 1));
  if (off.length === 0) return undefined;
  const named = off.slice(0, USUAL_LISTED).map(({ c, u }) => `${JSON.stringify(c.id)} (${slowerOrFaster(u)})`);
  const more = off.length > USUAL_LISTED ? ` and ${off.length - USUAL_LISTED} more` : '';
  // Short enough for the report's 300-character cap on a warning.
  return (
    `in the baseline run ${off.length === 1 ? 'one metric' : `${off.length} metrics`} ran off the usual level ` +
    `of the history, beyond the machine: ${named.join(', ')}${more}; a change there must show against both`
  );
}

/**
 * The baseline is the history's newest run (as saved together by the action and the CLI), so the history's
 * machine-wide levels place it (noise.ts machineAnchor).
 */
function isLastRun(history: HistoryDocument, base: ResultsDocument): boolean {
  const last = history.runs.at(-1);
  return last !== undefined && last.createdAt === base.createdAt && last.git?.sha === base.git?.sha;
}

/**
 * Per suite, the metrics to compare by their best replicate (level.ts: slow modes, or a clearly narrower
 * interval in the history), among those both sides measured with as many replicates, with the best's noise.
 */
function bestLevels(
  base: ResultsDocument,
  head: ResultsDocument,
  history: HistoryDocument,
  medianNoise: ReadonlyMap<string, RunNoise>,
  options: CompareOptions,
  anchorBase: boolean,
): Array<LevelChoice & { noise: Map<string, RunNoise> }> {
  const bases = new Map(allMetrics(base).map((m) => [m.id, m]));
  const shapes = new Map<string, BestShape>();
  const suites = new Map<string, string[]>();
  for (const suite of head.suites) {
    const ids: string[] = [];
    for (const m of suite.metrics) {
      const b = bases.get(m.id);
      const n = m.samples?.length ?? 0;
      if (!b || n < 2 || b.samples?.length !== n || shapes.has(m.id)) continue;
      if (isIgnored(options, m.id)) continue;
      shapes.set(m.id, { unit: m.unit, better: m.better, n });
      ids.push(m.id);
    }
    suites.set(suite.name, ids);
  }
  if (shapes.size === 0) return [];
  const bestNoise = historyBestNoise(history, shapes, options.confidence, base.env);
  // The family compareMetrics shares the allowance across: every metric measured on both sides.
  const family = allMetrics(head).filter((m) => bases.has(m.id) && !isIgnored(options, m.id)).length;
  // The median's interval is its replicates' own (the rank interval, about z·√2 times the sd of a run's
  // median) widened in quadrature by the drift allowance; the best's is its t interval (bestIntervals) where
  // one metric alone is flagged, the case that needs the widest.
  const alpha = 1 - options.confidence;
  const z = normalQuantile(1 - alpha / 2);
  const width = (n: RunNoise, level: 'median' | 'best') => {
    const anchor = anchorBase ? n.common?.anchor : undefined;
    if (level === 'best') {
      const { sd, df } = anchor ? anchoredDrift(n, anchor) : pooledDrift(n);
      const scale = anchor ? sd : Math.SQRT2 * sd;
      return scale > 0 ? scale * studentQuantile(1 - alpha / (2 * Math.max(1, family)), df) : 0;
    }
    const allowance = medianAllowance(n, options.confidence, family, anchor).allowance;
    return Math.hypot(allowance, z * Math.SQRT2 * (n.replicateSd ?? 0));
  };
  const slowTail = historySlowTail(history, shapes, base.env);
  const evidence = { medianNoise, bestNoise, slowTail, width, minEffect: options.minEffect };
  return chooseBestLevels(suites, evidence).map((c) => ({
    ...c,
    noise: new Map(c.metrics.map((id) => [id, bestNoise.get(id) as RunNoise])),
  }));
}

const LONE_LISTED = 3;

/**
 * One note per suite naming the metrics compared by their best whose drift was raised to their runs' own
 * sampling (noise.ts withSamplingFloor): a best that rests on one or two fast processes.
 */
function loneBestNote(c: LevelChoice & { noise: ReadonlyMap<string, RunNoise> }): string | undefined {
  const raised = c.metrics
    .map((id) => ({ id, sd: c.noise.get(id)?.sampling }))
    .filter((r): r is { id: string; sd: { sd: number; raised: boolean } } => r.sd?.raised === true)
    .sort((a, b) => b.sd.sd - a.sd.sd || (a.id < b.id ? -1 : 1));
  if (raised.length === 0) return undefined;
  const listed = raised
    .slice(0, LONE_LISTED)
    .map((r) => `${JSON.stringify(r.id)} (±${(Math.expm1(r.sd.sd) * 100).toFixed(1)}%)`)
    .join(', ');
  const more = raised.length > LONE_LISTED ? ` and ${raised.length - LONE_LISTED} more` : '';
  const [noun, verb, their] = raised.length === 1 ? ['replicate', 'rests', 'its'] : ['replicates', 'rest', 'their'];
  return (
    `suite ${JSON.stringify(c.suite)}: the best ${noun} of ${listed}${more} often ${verb} on one or two fast ` +
    `processes that a run can miss; ${their} drift is taken as at least what ${their} runs' own replicates show`
  );
}

function bestLevelNote(c: LevelChoice): string {
  const pct = (x: number) => `±${Math.round(Math.expm1(x) * 100)}%`;
  // Short enough for the report's 300-character cap on a warning.
  return (
    `suite ${JSON.stringify(c.suite)}: ${c.metrics.length} of ${c.candidates} metrics compared by each run's ` +
    `best replicate (fastest process, highest rate), for which drift between earlier runs allows ` +
    `${pct(c.bestAllowance)} against ${pct(c.medianAllowance)} for the median: processes on this runner often ` +
    'land in a slow mode'
  );
}
