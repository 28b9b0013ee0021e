// Options that steer the comparison of head against baseline (the `compare:` block of perf.yml, normalised).

export interface CompareOptions {
  /** Relative changes smaller than this (0.05 = 5%) are "unchanged" even when significant. */
  minEffect: number;
  /** Confidence of the run's decisions: α = 1 − confidence bounds the chance of any false regression. */
  confidence: number;
  /** What fails the gate: failed/missing criteria, regressed metrics, or nothing ([]). */
  failOn: Array<'criteria' | 'regression'>;
  /** Globs over metric ids left out of the comparison. */
  ignore: string[];
  /** Seed for anything random, so the same inputs always give the same verdict. */
  seed: number;
  /**
   * Most head runs the gate may take (1: the first run decides). Undecided metrics and regressions seen in
   * one run get another run of their suites while `budget` allows; each look is tested at α / runs.
   */
  runs: number;
  /** Milliseconds the gate may spend on added runs. */
  budget: number;
  /** One value per run and no history yet: a change beyond this ratio (0.25 = 25%) regresses. */
  threshold: number;
  /** A PR's accept label waives failed criteria too (the action's accept-label; default false). */
  acceptCriteria?: boolean;
}

export const DEFAULT_COMPARE_OPTIONS: CompareOptions = {
  minEffect: 0.05,
  confidence: 0.99,
  failOn: ['criteria', 'regression'],
  ignore: [],
  seed: 1,
  runs: 3,
  budget: 600_000,
  threshold: 0.25,
};
