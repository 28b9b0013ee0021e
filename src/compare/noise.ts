// How much a metric moves between runs of unchanged code, from the baseline's history. Replicates inside a
// run only see the noise inside that run; a stored baseline was measured at another time (another machine
// state, another JIT layout), and that run-to-run drift is invisible to them. The history shows it.
//
// Per metric, on log values (so it is relative): the level of each past run is the median of its replicates;
// the spread between runs comes from the differences of consecutive levels (the mean square successive
// difference, σ² = Σ Δ² / 2(K − 1)): a slow trend barely moves it, and a genuine change landing on the branch
// counts once, making the metric look noisier (never quieter) until it leaves the window. The drift is the
// part of that spread the replicates' own noise does not explain: spread² = drift² + Var(median of n), and
// never less than half the spread.
// A spread estimated from ten runs is itself uncertain: `df` carries that, for a t quantile instead of z.
// Across the metrics of a suite, estimateSuiteNoise separates the machine-wide part from each metric's own.

import type { HistoryDocument, HistoryMetric } from '../baseline/history.ts';
import type { Better, RunEnvironment } from '../model/results.ts';
import { convert } from '../model/units.ts';
import { chiSquareCdf } from '../stats/chi-square.ts';
import { fitVariancePrior, moderateVariance } from '../stats/moderate.ts';
import { normalQuantile } from '../stats/normal.ts';
import { resampledMinVariance } from '../stats/order.ts';
import { median, quantile } from '../stats/quantile.ts';
import { sampleSd, scaledMad } from '../stats/spread.ts';

/** Fewer runs than this give no estimate: below three differences the spread is worth almost nothing. */
export const MIN_HISTORY_RUNS = 4;

/**
 * How far each metric's own drift borrows from the others (moderate.ts `trust`): a quarter of what the fit
 * says, as the allowance uses a far quantile (Bonferroni across metrics), where real drift is less tame than
 * the model.
 */
export const MODERATION_TRUST = 0.25;

/** Fewer metrics than this moving together give no reliable machine-wide step. */
export const MIN_COMMON_METRICS = 5;

/** Drift every metric of a run shares: the machine as a whole faster or slower than in another run. */
export interface CommonDrift {
  /** Standard deviation of the machine's log level between runs, beyond the metrics' own noise. */
  drift: number;
  /** Degrees of freedom of that estimate: those of a few runs, however many metrics share it. */
  df: number;
  /** Steps between consecutive runs it rests on. */
  steps: number;
  /**
   * The history's last run against the machine's usual level (machineAnchor), when the machine's level
   * looked steady over the history.
   */
  anchor?: MachineAnchor;
}

/**
 * How much slower than usual the machine ran in the history's last run: the log of its machine-wide level
 * (the median over metrics of each metric's difference to that run, oriented so that slower is positive)
 * against the mean of that level over the history's runs.
 */
export interface MachineAnchor {
  /** Log-scale offset of the last run from the mean level; positive: it ran slower than usual. */
  offset: number;
  /** Runs whose machine-wide level entered the mean. */
  runs: number;
  /**
   * Standard deviation of the runs' machine-wide levels (log) around their mean, and its degrees of freedom
   * (runs − 1): what a new run's level scatters by, for a prediction interval. Never below the machine's
   * drift from successive steps (CommonDrift): the steadiness check lets through the histories whose levels
   * scatter little against their steps, so the scatter alone runs low (in simulation, p < 0.01 in 1.2% of
   * unchanged metrics instead of 1.0%).
   */
  sd: number;
  df: number;
}

export interface RunNoise {
  /** Runs the estimate rests on. */
  runs: number;
  /** Standard deviation of a run's log level between runs (replicate noise included). */
  spread: number;
  /**
   * Standard deviation of the log level between runs beyond the replicates' own noise: the metric's own drift
   * when `common` is set, all of it otherwise.
   */
  drift: number;
  /** Degrees of freedom of `drift` (successiveDf: successive differences are worth about 2/3 of a value each). */
  df: number;
  /** Two runs of unchanged code differ by up to this fraction at the given confidence (0.08 = ±8%). */
  band: number;
  /** The machine-wide part, when the suite had enough metrics to tell it apart (estimateSuiteNoise). */
  common?: CommonDrift;
  /** With `common`: all of the metric's drift from its own runs alone, as estimateRunNoise gives it. */
  alone?: { drift: number; df: number };
  /** Standard deviation of a run's level from its own replicates alone (log), when runs kept samples. */
  replicateSd?: number;
  /** The history's last run against this metric's usual own level (lastRunOffsets). */
  last?: LastRunOffset;
  /**
   * For a run's best replicate (historyBestNoise): the standard deviation of that best from its own run's
   * replicates drawn again (order.ts; the median over the history's runs), and whether `drift` was raised to
   * it (withSamplingFloor).
   */
  sampling?: { sd: number; raised: boolean };
}

/**
 * Where one metric sat in the history's last run against its usual level, beyond the machine: in each run
 * the metric's level less the machine-wide level (the median over metrics), the last run's against the mean
 * of the earlier runs'. A single process set or JIT layout can put one metric 15% off while the rest of the
 * run is ordinary; a baseline run carrying that would pass it on to every comparison with it.
 */
export interface LastRunOffset extends RunOffset {
  /** The same with the machine left in: the last run's level as measured against the earlier runs' mean. */
  raw: RunOffset;
}

export interface RunOffset {
  /** Log offset of the last run from the usual level; positive: slower (or less throughput) than usual. */
  offset: number;
  /**
   * Standard deviation of that offset for a run like the earlier ones: their scatter around their mean,
   * moderated across the suite's metrics, times √(1 + 1/runs) (a prediction).
   */
  sd: number;
  df: number;
  /** Earlier runs the usual level rests on. */
  runs: number;
}

/** One past run of one metric: its level and, when kept, its replicates (same unit as the level). */
export interface RunLevel {
  level: number;
  n: number;
  samples?: readonly number[];
}

/** Variance of one run's median from its replicates alone (log scale): π/2 · σ²/n for normal values. */
function replicateVariance(runs: readonly RunLevel[]): number {
  let within = 0;
  let counted = 0;
  for (const r of runs) {
    const s = r.samples;
    if (!s || s.length < 2 || s.some((v) => !(v > 0))) continue;
    const l = s.map(Math.log);
    let sd = scaledMad(l);
    if (!(sd > 0)) sd = sampleSd(l);
    within += ((Math.PI / 2) * sd * sd) / s.length;
    counted++;
  }
  return counted > 0 ? within / counted : 0;
}

/**
 * The part of a run-to-run variance the replicates' noise does not explain, never less than half the spread:
 * the replicates' share is estimated from a few values each, and bimodal replicates overstate it (their MAD
 * is wide while their median barely moves), which would otherwise explain real drift away.
 */
function driftBeyond(variance: number, replicateVar: number): number {
  return Math.sqrt(Math.max(variance / 4, variance - replicateVar));
}

/**
 * Degrees of freedom of a mean square successive difference over `steps` differences (Satterthwaite: the
 * squared trace over the trace of the square of the path's difference form, 2S² / (3S − 1)): 1 for one
 * difference, 2.25 for three, about 2/3 of a value each in the long run.
 */
export function successiveDf(steps: number): number {
  return steps >= 1 ? (2 * steps * steps) / (3 * steps - 1) : 1;
}

function bandOf(spread: number, confidence: number): number {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return Math.expm1(z * Math.SQRT2 * spread);
}

/** Run-to-run noise of one metric from its past runs alone (oldest first); undefined with too few runs. */
export function estimateRunNoise(runs: readonly RunLevel[], confidence: number): RunNoise | undefined {
  // A suite of one metric: too few to tell the machine apart, so exactly the metric's own estimate.
  return estimateSuiteNoise(new Map([['', runs]]), confidence).get('');
}

/** One metric's past runs, aligned with the history's runs (oldest first); undefined where it was not measured. */
export type LevelSeries = ReadonlyArray<RunLevel | undefined>;

/**
 * Run-to-run noise of every metric of a suite's history, split into what the machine does to all of them at
 * once and what each does on its own.
 *
 * Drift is mostly machine-wide (a busier host, another CPU frequency, a noisy neighbour): between two runs
 * every metric moves together. Estimated per metric, that shared move is counted twenty times for twenty
 * metrics, and each estimate rests on a handful of runs. Here, for every step between consecutive runs, the
 * median move of all metrics is the machine's step; the machine-wide drift is the mean square of those
 * steps. What remains of each metric's step is its own; those own variances are independent across metrics,
 * so each borrows strength from the others (moderate.ts) and is known with many more degrees of freedom than
 * its few runs give. The shared part's uncertainty stays that of a few runs: it is one series however many
 * metrics move with it. With fewer than MIN_COMMON_METRICS metrics per step, each metric is estimated alone.
 */
export function estimateSuiteNoise(
  series: ReadonlyMap<string, LevelSeries>,
  confidence: number,
): Map<string, RunNoise> {
  // Metrics with enough positive runs; logs aligned by run.
  const logs = new Map<string, Array<number | undefined>>();
  const measured = new Map<string, RunLevel[]>();
  for (const [id, runs] of series) {
    const present = runs.filter((r): r is RunLevel => r !== undefined);
    if (present.length < MIN_HISTORY_RUNS || present.some((r) => !(r.level > 0))) continue;
    measured.set(id, present);
    logs.set(
      id,
      runs.map((r) => (r ? Math.log(r.level) : undefined)),
    );
  }
  const length = Math.max(0, ...[...logs.values()].map((l) => l.length));
  // Each metric's step between consecutive runs, where it was measured in both.
  const steps = new Map<string, Array<number | undefined>>();
  for (const [id, l] of logs) {
    steps.set(
      id,
      Array.from({ length: Math.max(0, length - 1) }, (_, k) => {
        const a = l[k];
        const b = l[k + 1];
        return a === undefined || b === undefined ? undefined : b - a;
      }),
    );
  }
  // The machine's step: the median step of all metrics, where enough of them stepped together.
  const machine: Array<{ step: number; metrics: number } | undefined> = [];
  for (let k = 0; k < length - 1; k++) {
    const here = [...steps.values()].map((s) => s[k]).filter((d): d is number => d !== undefined);
    machine.push(here.length >= MIN_COMMON_METRICS ? { step: median(here), metrics: here.length } : undefined);
  }
  const machineSteps = machine.filter((m) => m !== undefined);
  const split = machineSteps.length >= MIN_HISTORY_RUNS - 1;

  interface Own {
    id: string;
    runs: number;
    /** Variance of the metric's own steps, the machine's taken out when split. */
    variance: number;
    replicateVar: number;
    /** Run-to-run spread of the metric's level, machine included, and the steps it rests on. */
    spread: number;
    steps: number;
  }
  const own: Own[] = [];
  for (const [id, s] of steps) {
    let squares = 0;
    let count = 0;
    let rawSquares = 0;
    s.forEach((d, k) => {
      if (d === undefined) return;
      rawSquares += d * d;
      const m = split ? machine[k] : undefined;
      // The median is fitted to these very steps, which shrinks what remains by about (m − 1)/m.
      const r = m ? (d - m.step) * Math.sqrt(m.metrics / (m.metrics - 1)) : d;
      squares += r * r;
      count++;
    });
    if (count < MIN_HISTORY_RUNS - 1) continue;
    const present = measured.get(id) ?? [];
    own.push({
      id,
      runs: present.length,
      variance: squares / (2 * count),
      replicateVar: replicateVariance(present),
      spread: Math.sqrt(rawSquares / (2 * count)),
      steps: count,
    });
  }

  const replicateSd = (o: Own) => (o.replicateVar > 0 ? { replicateSd: Math.sqrt(o.replicateVar) } : {});
  /** All of a metric's drift from its own runs (without the split, `variance` is its spread squared). */
  const alone = (o: Own) => ({ drift: driftBeyond(o.spread ** 2, o.replicateVar), df: successiveDf(o.steps) });
  const offsets = lastRunOffsets(logs, length);
  const last = (o: Own) => {
    const found = offsets.get(o.id);
    return found ? { last: found } : {};
  };
  const out = new Map<string, RunNoise>();
  if (!split) {
    for (const o of own)
      out.set(o.id, {
        runs: o.runs,
        spread: o.spread,
        ...alone(o),
        band: bandOf(o.spread, confidence),
        ...replicateSd(o),
        ...last(o),
      });
    return out;
  }

  // The machine-wide drift; its steps also carry the median of the metrics' own steps, about π/2 of their
  // mean variance over the number of metrics, which is taken out (down to half, as for the replicates).
  let squares = 0;
  let ownShare = 0;
  const meanOwn = own.length > 0 ? own.reduce((a, o) => a + o.variance, 0) / own.length : 0;
  for (const m of machineSteps) {
    squares += m.step * m.step;
    ownShare += ((Math.PI / 2) * meanOwn) / m.metrics;
  }
  const rawCommon = squares / (2 * machineSteps.length);
  const anchor = machineAnchor(logs, length);
  const drift = driftBeyond(rawCommon, ownShare / machineSteps.length);
  const common: CommonDrift = {
    drift,
    df: successiveDf(machineSteps.length),
    steps: machineSteps.length,
    ...(anchor ? { anchor: { ...anchor, sd: Math.max(anchor.sd, drift) } } : {}),
  };
  const prior = fitVariancePrior(
    own.map((o) => o.variance),
    own.map((o) => successiveDf(o.steps)),
    MODERATION_TRUST,
  );
  for (const o of own) {
    const moderated = moderateVariance(o.variance, successiveDf(o.steps), prior);
    const spread = Math.sqrt(common.drift ** 2 + moderated.variance);
    out.set(o.id, {
      runs: o.runs,
      spread,
      drift: driftBeyond(moderated.variance, o.replicateVar),
      df: moderated.df,
      band: bandOf(spread, confidence),
      common,
      alone: alone(o),
      ...replicateSd(o),
      ...last(o),
    });
  }
  return out;
}

/**
 * The last run's machine-wide level against the history's mean (MachineAnchor), or undefined when fewer than
 * MIN_HISTORY_RUNS runs have a level (MIN_COMMON_METRICS metrics shared with the last run), or when the
 * levels do not look steady: the von Neumann ratio (mean square successive difference over variance, about
 * 2 for levels that scatter around one value) below its lower 10% point says the level trended or stepped,
 * as when a change slowing every metric landed on the branch, and the mean would then be biased.
 */
export function machineAnchor(
  logs: ReadonlyMap<string, ReadonlyArray<number | undefined>>,
  length: number,
): MachineAnchor | undefined {
  const levels = machineLevels(logs, length).filter((l) => l !== undefined);
  const k = levels.length;
  if (k < MIN_HISTORY_RUNS) return undefined;
  const mean = levels.reduce((a, b) => a + b, 0) / k;
  let successive = 0;
  let spread = 0;
  for (let i = 0; i < k; i++) {
    spread += ((levels[i] as number) - mean) ** 2;
    if (i > 0) successive += ((levels[i] as number) - (levels[i - 1] as number)) ** 2;
  }
  if (spread > 0) {
    const ratio = successive / spread;
    const sd = Math.sqrt((4 * (k - 2)) / (k * k - 1));
    if (ratio < 2 + normalQuantile(0.1) * sd) return undefined;
  }
  return { offset: -mean, runs: k, sd: Math.sqrt(spread / (k - 1)), df: k - 1 };
}

/**
 * Each run's machine-wide level against the last run's (log, aligned with the runs, 0 for the last): the
 * median over metrics of each metric's difference to the last run. Undefined for runs sharing fewer than
 * MIN_COMMON_METRICS metrics with the last, and for all when the last has fewer.
 */
function machineLevels(
  logs: ReadonlyMap<string, ReadonlyArray<number | undefined>>,
  length: number,
): Array<number | undefined> {
  const last = length - 1;
  const inLast = [...logs.values()].filter((l) => l[last] !== undefined).length;
  if (last < 1 || inLast < MIN_COMMON_METRICS) return Array.from({ length }, () => undefined);
  return Array.from({ length }, (_, r) => {
    const diffs: number[] = [];
    for (const l of logs.values()) {
      const a = l[r];
      const b = l[last];
      if (a !== undefined && b !== undefined) diffs.push(a - b);
    }
    return diffs.length >= MIN_COMMON_METRICS ? median(diffs) : undefined;
  });
}

/**
 * Per metric measured in the last run, where it sat against its usual level (LastRunOffset): with the
 * machine-wide levels where at least MIN_HISTORY_RUNS − 1 earlier runs have one, with the raw levels (the
 * machine included) in a suite too small to tell the machine apart. Metrics with fewer than
 * MIN_HISTORY_RUNS − 1 earlier runs are left out. The earlier runs' scatter borrows strength across metrics
 * (moderate.ts, fully trusted: a scatter pulled too low only flags a metric more readily, which costs power
 * on that metric alone, never a false alarm).
 */
export function lastRunOffsets(
  logs: ReadonlyMap<string, ReadonlyArray<number | undefined>>,
  length: number,
): Map<string, LastRunOffset> {
  const machine = machineLevels(logs, length);
  const withMachine = machine.slice(0, Math.max(0, length - 1)).filter((l) => l !== undefined).length;
  const raw = runOffsets(logs, length, undefined);
  const beyond = withMachine >= MIN_HISTORY_RUNS - 1 ? runOffsets(logs, length, machine) : raw;
  const out = new Map<string, LastRunOffset>();
  for (const [id, o] of beyond) {
    const r = raw.get(id);
    if (r) out.set(id, { ...o, raw: r });
  }
  return out;
}

/** lastRunOffsets with each run's level less the machine's (`machine`, against the last run) or as measured. */
function runOffsets(
  logs: ReadonlyMap<string, ReadonlyArray<number | undefined>>,
  length: number,
  machine: ReadonlyArray<number | undefined> | undefined,
): Map<string, RunOffset> {
  const last = length - 1;
  const found: Array<{ id: string; offset: number; variance: number; runs: number }> = [];
  for (const [id, l] of logs) {
    const at = l[last];
    if (at === undefined) continue;
    // The metric's own level in each earlier run against its own level in the last.
    const d: number[] = [];
    for (let r = 0; r < last; r++) {
      const v = l[r];
      const m = machine ? machine[r] : 0;
      if (v !== undefined && m !== undefined) d.push(v - at - m);
    }
    const k = d.length;
    if (k < MIN_HISTORY_RUNS - 1) continue;
    const mean = d.reduce((a, b) => a + b, 0) / k;
    const variance = d.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1);
    found.push({ id, offset: -mean, variance, runs: k });
  }
  const prior = fitVariancePrior(
    found.map((f) => f.variance),
    found.map((f) => f.runs - 1),
  );
  const out = new Map<string, RunOffset>();
  for (const f of found) {
    const moderated = moderateVariance(f.variance, f.runs - 1, prior);
    out.set(f.id, {
      offset: f.offset,
      sd: Math.sqrt(moderated.variance * (1 + 1 / f.runs)),
      df: moderated.df,
      runs: f.runs,
    });
  }
  return out;
}

/**
 * Same platform, CPU model and core count: runs whose speeds and noise are comparable (a run elsewhere says
 * nothing about this machine's noise).
 */
export function sameMachine(a: RunEnvironment, b: RunEnvironment): boolean {
  return a.os === b.os && a.arch === b.arch && a.cpu.trim() === b.cpu.trim() && a.cores === b.cores;
}

/**
 * Run-to-run noise of every metric the history knows, in the units given (the head's), from the runs made on
 * `machine` (the baseline's environment) when given. Metrics whose unit cannot be converted are left out of
 * the runs where it cannot.
 */
export function historyNoise(
  history: HistoryDocument,
  units: ReadonlyMap<string, string>,
  confidence: number,
  machine?: RunEnvironment,
): Map<string, RunNoise> {
  return estimateSuiteNoise(
    historySeries(history, units, machine, (m, to) => {
      const slower = towardsSlower(m.better, to);
      return { level: slower(m.median), n: m.n, ...(m.samples ? { samples: m.samples.map(slower) } : {}) };
    }),
    confidence,
  );
}

/**
 * A value converted and oriented so that a slower machine makes it larger (a rate inverted): the suite's
 * machine-wide step is the median step of all its metrics, and a slow spell moves times up and rates down.
 * Spreads are the same either way, on the log scale.
 */
function towardsSlower(better: Better, to: (v: number) => number): (v: number) => number {
  return better === 'higher' ? (v) => 1 / to(v) : to;
}

/** What the head measured of one metric, for the best-replicate series of the history. */
export interface BestShape {
  unit: string;
  better: Better;
  /** The head's replicates: a run's best of n is comparable only with a best of as many. */
  n: number;
}

/** The best of a run's replicates: the fastest for `lower`, the highest rate for `higher`. */
export function bestOf(values: readonly number[], better: Better): number {
  return better === 'lower' ? Math.min(...values) : Math.max(...values);
}

/** A past run's samples of a metric, when it kept as many as the head has, all positive. */
function sameShape(
  m: HistoryMetric,
  shape: BestShape | undefined,
): { samples: number[]; shape: BestShape } | undefined {
  if (!shape || !m.samples || m.samples.length !== shape.n || m.samples.some((v) => !(v > 0))) return undefined;
  return { samples: m.samples, shape };
}

/**
 * Run-to-run noise of each run's best replicate (level.ts): the history's runs that kept `n` samples of the
 * metric, as many as the head has, in the head's unit. The best of a run moves with its own sampling, which
 * is part of its run-to-run spread here (no replicates are given, so none is taken out as theirs).
 *
 * That sampling (each run's replicates resampled, those beyond the run's lower quartile counted as at it:
 * SAMPLING_CAP) is also a floor under the metric's own drift (withSamplingFloor): a best that is typically
 * one lone process in a fast mode, well below the rest, is missed by a run whose processes all land in the
 * usual mode, a third of the time or more, even when a short history happened to catch it every run.
 * Measured on the busy 2-core runner: one kernel's fastest process sat 12% below the others in 14 of 17
 * runs; five-run histories with it every time let heads without it fail the gate.
 */
export function historyBestNoise(
  history: HistoryDocument,
  shapes: ReadonlyMap<string, BestShape>,
  confidence: number,
  machine?: RunEnvironment,
): Map<string, RunNoise> {
  const units = new Map([...shapes].map(([id, s]) => [id, s.unit]));
  const sampling = new Map<string, number[]>();
  const noise = estimateSuiteNoise(
    historySeries(history, units, machine, (m, to, id) => {
      const found = sameShape(m, shapes.get(id));
      if (!found) return undefined;
      const slower = towardsSlower(found.shape.better, to);
      const logs = found.samples.map((v) => Math.log(slower(v)));
      const variances = sampling.get(id) ?? [];
      const cap = quantile(logs, SAMPLING_CAP);
      variances.push(resampledMinVariance(logs.map((l) => Math.min(l, cap))));
      sampling.set(id, variances);
      return { level: slower(bestOf(found.samples, found.shape.better)), n: m.n };
    }),
    confidence,
  );
  for (const [id, n] of noise) {
    const variances = sampling.get(id);
    if (variances && variances.length > 0)
      noise.set(id, withSamplingFloor(n, Math.sqrt(median(variances)), confidence));
  }
  return noise;
}

/**
 * Significance at which a best's drift counts as too low for its own runs' sampling (withSamplingFloor).
 */
export const SAMPLING_FLOOR_CHECK = 0.05;

/**
 * Replicates beyond this quantile of their run count as at it when a run's best is resampled
 * (historyBestNoise): the floor is for a best resting on the fastest quarter of the processes. A fresh run
 * misses every fast process of a run with chance (slow share)^n, tiny, while resampling a run that happened
 * to land mostly slow puts it at the run's own share to the n, many times larger: uncapped, the floor bound
 * in a third of the metrics of a simulated machine whose processes land slow 40% of the time, and the
 * best's p-values ran conservative (p < 0.05 in 3.5% of unchanged metrics instead of 4.3%); capped, in none.
 */
export const SAMPLING_CAP = 0.25;

/**
 * A best's noise with its own drift raised to `sampling` (the sd of a run's best from its replicates alone)
 * where the history's drift is implausibly low for it: df · drift² / sampling² below chi-square's
 * SAMPLING_FLOOR_CHECK point. Resampling a run's own replicates understates the best's run-to-run variance
 * for ordinary noise (about a third of it for normal values), so an honest drift estimate is rarely caught,
 * and a drift that merely came out low by chance is already paid for by the t quantile's few degrees of
 * freedom; a lone fast process the history always happened to catch is caught (its sampling is the whole
 * mode's gap times √(p(1 − p))). The spread and band grow by what the floor adds; the degrees of freedom
 * stay those of the history's few runs, so the t quantile errs wide.
 */
export function withSamplingFloor(noise: RunNoise, sampling: number, confidence: number): RunNoise {
  if (!(sampling > 0)) return noise;
  if (chiSquareCdf((noise.df * noise.drift ** 2) / sampling ** 2, noise.df) >= SAMPLING_FLOOR_CHECK) {
    return { ...noise, sampling: { sd: sampling, raised: false } };
  }
  const spread = Math.sqrt(noise.spread ** 2 + sampling ** 2 - noise.drift ** 2);
  return {
    ...noise,
    sampling: { sd: sampling, raised: true },
    drift: sampling,
    spread,
    band: bandOf(spread, confidence),
    ...(noise.alone ? { alone: { ...noise.alone, drift: Math.max(noise.alone.drift, sampling) } } : {}),
  };
}

/**
 * How far each metric's slow replicates typically sit beyond its best (level.ts): per run that kept `n`
 * samples, each replicate's log ratio to the run's best (oriented: slower or less throughput is positive),
 * pooled over the runs, and the 90th percentile of that. Pooled, a slow mode that a tenth or more of all
 * processes landed in shows, however the runs shared it out: taken per run (the median over runs of each
 * run's 90th percentile), a mode reached by 30-40% of processes in two runs of five and by one process in
 * the others looked absent, the median was compared, and a head with six slow processes of ten flipped it.
 * Metrics with fewer than two such runs are left out.
 */
export function historySlowTail(
  history: HistoryDocument,
  shapes: ReadonlyMap<string, BestShape>,
  machine?: RunEnvironment,
): Map<string, number> {
  const units = new Map([...shapes].map(([id, s]) => [id, s.unit]));
  const gaps = new Map<string, number[][]>();
  historySeries(history, units, machine, (m, _to, id) => {
    const found = sameShape(m, shapes.get(id));
    if (!found) return undefined;
    // Units cancel in a ratio.
    const logs = found.samples.map((v) => (found.shape.better === 'lower' ? Math.log(v) : -Math.log(v)));
    const best = Math.min(...logs);
    const runs = gaps.get(id) ?? [];
    runs.push(logs.map((l) => l - best));
    gaps.set(id, runs);
    return undefined;
  });
  const out = new Map<string, number>();
  for (const [id, runs] of gaps) if (runs.length >= 2) out.set(id, quantile(runs.flat(), 0.9));
  return out;
}

/** Each metric's series over the history's runs (on `machine` when given), in the units given. */
function historySeries(
  history: HistoryDocument,
  units: ReadonlyMap<string, string>,
  machine: RunEnvironment | undefined,
  level: (m: HistoryMetric, to: (v: number) => number, id: string) => RunLevel | undefined,
): Map<string, LevelSeries> {
  const runs = machine ? history.runs.filter((r) => sameMachine(r.env, machine)) : history.runs;
  const series = new Map<string, LevelSeries>();
  for (const [id, unit] of units) {
    const levels = runs.map((run): RunLevel | undefined => {
      const m = Object.hasOwn(run.metrics, id) ? run.metrics[id] : undefined;
      if (!m) return undefined;
      try {
        return level(m, (v: number) => convert(v, m.unit, unit), id);
      } catch {
        // A unit of another dimension: that run measured something else under this name.
        return undefined;
      }
    });
    series.set(id, levels);
  }
  return series;
}
