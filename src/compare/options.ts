// Options that steer the comparison of head against baseline (the `compare:` block of perf.yml, normalised).

export interface CompareOptions {
  /** Relative changes smaller than this (0.05 = 5%) are "unchanged" even when significant. */
  minEffect: number;
  /** Confidence level of intervals and tests (0.99 = 99%). */
  confidence: number;
  /** What fails the gate: failed/missing criteria, regressed metrics, or nothing ([]). */
  failOn: Array<'criteria' | 'regression'>;
  /** Globs over metric ids left out of the comparison. */
  ignore: string[];
  /** Seed for resampling, so the same inputs always give the same verdict. */
  seed: number;
  /**
   * Before a regression against the stored baseline fails the gate, run its suite again and keep it only if
   * the second run shows it too (recheck.ts).
   */
  recheck: boolean;
}

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = {
  minEffect: 0.05,
  confidence: 0.99,
  failOn: ['criteria', 'regression'],
  ignore: [],
  seed: 1,
  recheck: true,
};
