// Differences between the machines that produced the baseline and the head results: a comparison across
// CPUs, core counts, Node versions or platforms measures the machine as much as the change - and so does
// one machine on a slow day, which the speed probe (runner/speed-probe.ts) sees.

import { wholePercent } from '../model/percent.ts';
import type { RunEnvironment } from '../model/results.ts';

const SUFFIX = 'differences may reflect the machine rather than the change';

/**
 * How far the two runs' speed probes may differ before the report says so. Measured by npm run bench:gate
 * on a shared 2-core runner: between unchanged runs the probe moved by 7% (median), 11.5% at most, while
 * the slow spells that moved the whole suite cost it 15-25%.
 */
export const SPEED_TOLERANCE = 0.15;

/** Fewer earlier runs than this do not show the machine's usual range of speeds. */
const MIN_SPEED_HISTORY = 4;

/** head speed / base speed, when both runs probed it. */
export function speedRatio(base: RunEnvironment, head: RunEnvironment): number | undefined {
  return base.speed && head.speed ? head.speed / base.speed : undefined;
}

/** Whether the probes differ by more than SPEED_TOLERANCE. */
export function speedDiffers(base: RunEnvironment, head: RunEnvironment): boolean {
  const r = speedRatio(base, head);
  return r !== undefined && Math.abs(Math.log(r)) > Math.log1p(SPEED_TOLERANCE);
}

/**
 * One line when this run's machine was clearly faster or slower than the baseline's, unless the earlier
 * runs (the history's machines, same as the baseline's) show that speeds like this one are usual there -
 * run-to-run drift is then already part of every interval.
 */
export function speedWarning(
  base: RunEnvironment,
  head: RunEnvironment,
  earlier: readonly RunEnvironment[] = [],
): string | undefined {
  const r = speedRatio(base, head);
  if (r === undefined || !speedDiffers(base, head)) return undefined;
  const seen = earlier.map((e) => e.speed).filter((s): s is number => s !== undefined && s > 0);
  const speed = head.speed as number;
  if (seen.length >= MIN_SPEED_HISTORY && speed >= Math.min(...seen) && speed <= Math.max(...seen)) return undefined;
  const beyond = seen.length >= MIN_SPEED_HISTORY ? `, outside the range of the last ${seen.length} baseline runs` : '';
  return (
    `this run's machine was ${wholePercent(Math.abs(r - 1))} ${r < 1 ? 'slower' : 'faster'} than the baseline's ` +
    `(speed probe: ${speed} vs ${base.speed} units/s${beyond}); changes near that size may be the machine's, ` +
    'not the code’s: re-run, or compare on one runner (compare-to: base)'
  );
}

export function environmentWarnings(
  base: RunEnvironment,
  head: RunEnvironment,
  earlier: readonly RunEnvironment[] = [],
): string[] {
  const out: string[] = [];
  const differs = (what: string, a: string, b: string) => {
    if (a !== b) out.push(`the baseline ran on a different ${what} (baseline: ${a}; this run: ${b}); ${SUFFIX}`);
  };
  differs('platform', `${base.os}/${base.arch}`, `${head.os}/${head.arch}`);
  differs('CPU', base.cpu.trim(), head.cpu.trim());
  differs('number of CPU cores', String(base.cores), String(head.cores));
  differs('Node.js version', base.node, head.node);
  // Speeds of different CPUs are expected to differ: that is already said above.
  if (out.length === 0) {
    const slow = speedWarning(base, head, earlier);
    if (slow) out.push(slow);
  }
  return out;
}
