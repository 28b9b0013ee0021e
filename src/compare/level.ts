// Which level of a run each metric is compared by: its median replicate (compare.ts: rank tests on all
// replicates, widened by the history's drift) or its best replicate (the fastest process, the highest rate),
// judged against how far the best moved between earlier runs of the history.
//
// Why the best: on a shared runner a fresh process often lands in a slow mode (another core's cache, a
// memory layout, a busy neighbour) and stays there for all of its run. Contention only ever slows a process,
// so the best of n processes shows the speed the code reaches, while the median moves with how many of them
// happened to land slow. Measured on a busy 2-core runner (20 kernels, 10 processes per run, 15 runs): the
// median's run-to-run spread was 12.3% (median over metrics), the best's 2.6%. On a steady machine the
// median is the steadier one (for normal noise the best of 10 varies about 1.5 times as much), and so it is
// for the kernels that never land slow, so the history decides, per metric, and the best is used only
// where it is clearly steadier.

import { median } from '../stats/quantile.ts';
import type { RunNoise } from './noise.ts';

/** A metric is compared by its best replicate when its expected interval is below this share of the median's. */
export const BEST_MARGIN = 0.75;

/**
 * A metric has slow modes when its slow replicates (the 90th percentile of the history's replicates, each
 * against its run's best: noise.ts historySlowTail) sit more than this many times min-effect beyond the best:
 * then a run's median can flip between modes by more than any change worth flagging, however steady it
 * looked in a short history. Measured on the busy 2-core runner (20 kernels, 9 runs pooled): 6-13% for five
 * kernels (the tail of ordinary noise), 16-85% for the others.
 */
export const SLOW_TAIL_FACTOR = 3;

export interface LevelChoice {
  suite: string;
  /** Metrics of the suite compared by their best replicate. */
  metrics: string[];
  /** Metrics of the suite that had both levels in the history, to choose from. */
  candidates: number;
  /**
   * Median over the chosen metrics of the expected half-width (log scale) of each level's interval: how far
   * two runs of unchanged code may sit apart before a change counts.
   */
  medianAllowance: number;
  bestAllowance: number;
}

export interface LevelEvidence {
  medianNoise: ReadonlyMap<string, RunNoise>;
  bestNoise: ReadonlyMap<string, RunNoise>;
  /** Per metric, how far its slow replicates sit beyond their runs' best, log (noise.ts historySlowTail). */
  slowTail: ReadonlyMap<string, number>;
  /** Expected half-width of a metric's interval by each level (compare.ts). */
  width: (noise: RunNoise, level: 'median' | 'best') => number;
  minEffect: number;
}

/**
 * Per suite (metric ids by suite), the metrics to compare by their best replicate, from the history alone
 * (never the runs being compared). A metric whose best has a history qualifies when it has slow modes (its
 * slow tail beyond SLOW_TAIL_FACTOR × min-effect), or when its best's expected interval is below
 * BEST_MARGIN times its median's (the drift allowance, plus for the median its replicates' own interval).
 * Everything else keeps the median and the rank tests on all replicates.
 */
export function chooseBestLevels(
  suites: ReadonlyMap<string, readonly string[]>,
  evidence: LevelEvidence,
): LevelChoice[] {
  const { medianNoise, bestNoise, slowTail, width } = evidence;
  const tail = Math.log1p(SLOW_TAIL_FACTOR * evidence.minEffect);
  const out: LevelChoice[] = [];
  for (const [suite, ids] of suites) {
    const both = ids.filter((id) => medianNoise.has(id) && bestNoise.has(id));
    const widths = both.map((id) => ({
      id,
      median: width(medianNoise.get(id) as RunNoise, 'median'),
      best: width(bestNoise.get(id) as RunNoise, 'best'),
      modes: (slowTail.get(id) ?? 0) > tail,
    }));
    const chosen = widths.filter((w) => w.modes || w.best < BEST_MARGIN * w.median);
    if (chosen.length === 0) continue;
    out.push({
      suite,
      metrics: chosen.map((w) => w.id),
      candidates: both.length,
      medianAllowance: median(chosen.map((w) => w.median)),
      bestAllowance: median(chosen.map((w) => w.best)),
    });
  }
  return out;
}
