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

import type { HistoryDocument } from '../baseline/history.ts';
import type { RunEnvironment } from '../model/results.ts';
import { convert } from '../model/units.ts';
import { normalQuantile } from '../stats/normal.ts';
import { sampleSd, scaledMad } from '../stats/spread.ts';

/** Fewer runs than this give no estimate: below three differences the spread is worth almost nothing. */
export const MIN_HISTORY_RUNS = 4;

export interface RunNoise {
  /** Runs the estimate rests on. */
  runs: number;
  /** Standard deviation of a run's log level between runs (replicate noise included). */
  spread: number;
  /** Standard deviation of the log level between runs beyond the replicates' own noise (≥ spread / 2). */
  drift: number;
  /** Degrees of freedom of the spread estimate (successive differences are worth about 2/3 of a value each). */
  df: number;
  /** Two runs of unchanged code differ by up to this fraction at the given confidence (0.08 = ±8%). */
  band: number;
}

/** One past run of one metric: its level and, when kept, its replicates (same unit as the level). */
export interface RunLevel {
  level: number;
  n: number;
  samples?: readonly number[];
}

/** Run-to-run noise from past runs (oldest first); undefined with too few runs or non-positive values. */
export function estimateRunNoise(runs: readonly RunLevel[], confidence: number): RunNoise | undefined {
  if (runs.length < MIN_HISTORY_RUNS || runs.some((r) => !(r.level > 0))) return undefined;
  const logs = runs.map((r) => Math.log(r.level));
  let squares = 0;
  for (let i = 1; i < logs.length; i++) squares += ((logs[i] as number) - (logs[i - 1] as number)) ** 2;
  const spread = Math.sqrt(squares / (2 * (logs.length - 1)));

  // Variance of one run's median from its replicates alone: π/2 · σ²/n for normal values.
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
  const replicateVar = counted > 0 ? within / counted : 0;
  // At least half the spread counts as drift: the replicates' share is estimated from a few values each, and
  // bimodal replicates overstate it (their MAD is wide while their median barely moves), which would
  // otherwise explain real drift away.
  const drift = Math.sqrt(Math.max((spread * spread) / 4, spread * spread - replicateVar));
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const df = Math.max(1, (2 / 3) * (runs.length - 1));
  return { runs: runs.length, spread, drift, df, band: Math.expm1(z * Math.SQRT2 * spread) };
}

/** Same machine, as far as timing goes: a run elsewhere says nothing about this machine's noise. */
function sameMachine(a: RunEnvironment, b: RunEnvironment): boolean {
  return a.os === b.os && a.arch === b.arch && a.cpu.trim() === b.cpu.trim() && a.cores === b.cores;
}

/**
 * Run-to-run noise of every metric the history knows, in the units given (the head's), from the runs made on
 * `machine` (the baseline's environment) when given. Metrics whose unit cannot be converted are left out.
 */
export function historyNoise(
  history: HistoryDocument,
  units: ReadonlyMap<string, string>,
  confidence: number,
  machine?: RunEnvironment,
): Map<string, RunNoise> {
  const runs = machine ? history.runs.filter((r) => sameMachine(r.env, machine)) : history.runs;
  const out = new Map<string, RunNoise>();
  for (const [id, unit] of units) {
    const levels: RunLevel[] = [];
    for (const run of runs) {
      const m = Object.hasOwn(run.metrics, id) ? run.metrics[id] : undefined;
      if (!m) continue;
      try {
        const to = (v: number) => convert(v, m.unit, unit);
        levels.push({ level: to(m.median), n: m.n, ...(m.samples ? { samples: m.samples.map(to) } : {}) });
      } catch {
        // A unit of another dimension: that run measured something else under this name.
      }
    }
    const noise = estimateRunNoise(levels, confidence);
    if (noise) out.set(id, noise);
  }
  return out;
}
