// Which tier a test file runs in (vitest.config.ts sets PERF_ACTION_TIER for the lab project). A long
// simulation runs in full in the lab, on demand; the default tier runs the same check on a shorter fixed
// set of seeds, so a break in the property still fails `npm test`.

export const LAB = process.env.PERF_ACTION_TIER === 'lab';

/**
 * How many seeds a simulation runs: `full` in the lab, a quarter of it (the first seeds of the same
 * sequence) in the default tier. Checks whose allowance is computed from the count stay exact at either size.
 */
export function simulationSeeds(full: number): number {
  return LAB ? full : Math.ceil(full / 4);
}

/**
 * The one limit on how long anything in a test may take, for a test, a hook or a child process: a guard
 * against a real hang, never a speed check, so a busy machine (another heavy job beside the tests) cannot
 * fail a test by its clock. Speed is measured by `npm run bench:*`.
 */
export const HANG_GUARD_MS = 900_000;
