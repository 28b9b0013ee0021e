// Measuring the gate on real runs (npm run bench:gate): a time-ordered series of runs of one suite, some
// unchanged (factor 1, the "main" runs that form the baseline's history) and some with an injected slowdown.
// Every head is compared with every earlier unchanged run as its baseline, that baseline carrying the
// unchanged runs up to it as history, exactly as a pull request meets a stored baseline. Pure: the script
// measures, this counts.

import { appendToHistory, type HistoryDocument, type HistoryLimits } from '../baseline/history.ts';
import type { ResultsDocument } from '../model/results.ts';
import { median } from '../stats/quantile.ts';
import { compareResults } from './compare.ts';
import { MIN_HISTORY_RUNS } from './noise.ts';
import type { CompareOptions } from './options.ts';
import { recheckOf, recheckOptions } from './recheck.ts';

export interface CalibrationRun {
  /** Injected slowdown: 1 for unchanged code, 1.1 for 10% more work. */
  factor: number;
  results: ResultsDocument;
}

export interface CalibrationOptions {
  options: CompareOptions;
  /** Use the baseline's history (noise-aware) or the baseline alone. */
  history: boolean;
  historyLimits?: HistoryLimits;
  /**
   * Confirm each pair's regressions as the gate does before failing (recheck.ts), with the next run of the
   * same code as the second run; a head with no later run of its code keeps its regressions.
   */
  recheck?: boolean;
  /** Only pairs whose baseline's history holds this many runs (inclusive bounds): young against mature. */
  historyRuns?: [number, number];
}

export interface CalibrationRow {
  factor: number;
  /** Head/baseline pairs compared. */
  comparisons: number;
  /** Share of pairs with any metric called regressed (for factor 1: false alarms). */
  anyRegressed: number;
  /** Share of pairs whose gate failed (any regression; the suite has no criteria). */
  gateFailed: number;
  /** Share of pairs with any metric called improved (nothing improves in these runs). */
  anyImproved: number;
  /** Share of all metric comparisons called regressed. */
  metricRegressed: number;
  /** Share of pairs with at least half of the metrics called regressed. */
  metricDetectedAtLeastHalf: number;
  /** Median over metrics and pairs of the measured ratio head/base. */
  medianRatio?: number;
  /** Share of metric comparisons flagged unreliable (run-to-run band wider than min-effect). */
  unreliable: number;
  /** Share of metric comparisons made by each run's best replicate (level.ts) instead of the median. */
  bestLevel: number;
  /** Share of metric comparisons whose baseline run sat off the metric's usual level (compare.ts offUsual). */
  offUsual: number;
  /** Median over metrics and pairs of the replicates' relative noise (0.03: ±3%). */
  medianNoise?: number;
  /** Median over metrics and pairs of the run-to-run band from the history (with history only). */
  medianBand?: number;
}

export interface CalibrationReport {
  rows: CalibrationRow[];
}

/**
 * Every head (any factor) against every earlier unchanged run whose history holds at least MIN_HISTORY_RUNS
 * runs, so that both modes (with and without history) are measured on the same pairs.
 */
export function calibrate(runs: readonly CalibrationRun[], opts: CalibrationOptions): CalibrationReport {
  // History as saved with each unchanged run: the unchanged runs before it and itself, trimmed.
  const histories = new Map<number, HistoryDocument>();
  let history: HistoryDocument | undefined;
  runs.forEach((r, i) => {
    if (r.factor !== 1) return;
    history = appendToHistory(history, r.results, opts.historyLimits);
    histories.set(i, history);
  });

  interface Acc {
    pairs: number;
    regressed: number;
    improved: number;
    half: number;
    metrics: number;
    metricRegressed: number;
    unreliable: number;
    best: number;
    usual: number;
    ratios: number[];
    noises: number[];
    bands: number[];
  }
  const acc = new Map<number, Acc>();
  runs.forEach((head, h) => {
    for (let b = 0; b < h; b++) {
      const hist = histories.get(b);
      if (!hist || hist.runs.length < MIN_HISTORY_RUNS) continue;
      const [least, most] = opts.historyRuns ?? [0, Number.POSITIVE_INFINITY];
      if (hist.runs.length < least || hist.runs.length > most) continue;
      const base = runs[b] as CalibrationRun;
      const outcome = compareResults(base.results, head.results, opts.options, opts.history ? hist : undefined);
      let a = acc.get(head.factor);
      if (!a) {
        a = {
          pairs: 0,
          regressed: 0,
          improved: 0,
          half: 0,
          metrics: 0,
          metricRegressed: 0,
          unreliable: 0,
          best: 0,
          usual: 0,
          ratios: [],
          noises: [],
          bands: [],
        };
        acc.set(head.factor, a);
      }
      let regressedIds = outcome.comparisons.filter((c) => c.verdict === 'regressed').map((c) => c.id);
      if (opts.recheck && regressedIds.length > 0) {
        // The recheck's second run: the next run of the same code, measured minutes later.
        const again = runs.find((r, k) => k > h && r.factor === head.factor);
        if (again) {
          const focus = new Set(regressedIds);
          const second = compareResults(base.results, again.results, recheckOptions(opts.options), hist, focus);
          const seen = new Map(second.comparisons.map((c) => [c.id, c]));
          regressedIds = regressedIds.filter((id) => recheckOf(id, seen).confirmed);
        }
      }
      const regressed = regressedIds.length;
      a.pairs++;
      if (regressed > 0) a.regressed++;
      if (outcome.comparisons.some((c) => c.verdict === 'improved')) a.improved++;
      if (outcome.comparisons.length > 0 && regressed * 2 >= outcome.comparisons.length) a.half++;
      a.metrics += outcome.comparisons.length;
      a.metricRegressed += regressed;
      for (const d of Object.values(outcome.details)) {
        if (d.unreliable) a.unreliable++;
        if (d.level === 'best') a.best++;
        if (d.usual !== undefined) a.usual++;
        if (d.noise !== undefined && Number.isFinite(d.noise)) a.noises.push(d.noise);
        if (d.history) a.bands.push(d.history.band);
      }
      for (const c of outcome.comparisons) if (c.ratio !== undefined) a.ratios.push(c.ratio);
    }
  });

  const rows = [...acc.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([factor, a]): CalibrationRow => {
      const share = (k: number, of: number) => (of > 0 ? k / of : 0);
      return {
        factor,
        comparisons: a.pairs,
        anyRegressed: share(a.regressed, a.pairs),
        gateFailed: share(a.regressed, a.pairs),
        anyImproved: share(a.improved, a.pairs),
        metricRegressed: share(a.metricRegressed, a.metrics),
        metricDetectedAtLeastHalf: share(a.half, a.pairs),
        ...(a.ratios.length > 0 ? { medianRatio: median(a.ratios) } : {}),
        unreliable: share(a.unreliable, a.metrics),
        bestLevel: share(a.best, a.metrics),
        offUsual: share(a.usual, a.metrics),
        ...(a.noises.length > 0 ? { medianNoise: median(a.noises) } : {}),
        ...(a.bands.length > 0 ? { medianBand: median(a.bands) } : {}),
      };
    });
  return { rows };
}
