// Is the load generator, not the server, the bottleneck? A worker thread whose event loop is busy nearly
// all the time, or whose timers fire late, starts requests late and measures its own queueing as latency.

import { wholePercent } from '../../src/model/percent.ts';
import type { GeneratorHealth } from './protocol.ts';

export const SATURATED_ELU = 0.9;
export const LAG_P99_LIMIT_MS = 50;

export interface GeneratorVerdict {
  saturated: boolean;
  /** One line for the user, set when saturated. */
  message?: string;
}

/**
 * `cpuShare` is the process CPU time over the run divided by (wall time x worker threads): near 1 means the
 * threads had no spare core time. It includes the main thread, so it only supports the per-thread signals.
 */
export function judgeGenerator(health: GeneratorHealth[], cpuShare: number): GeneratorVerdict {
  if (health.length === 0) return { saturated: false };
  const elu = Math.max(...health.map((h) => h.elu));
  const lag = Math.max(...health.map((h) => h.lagP99Ms));
  const saturated = elu >= SATURATED_ELU || lag >= LAG_P99_LIMIT_MS;
  if (!saturated) return { saturated };
  return {
    saturated,
    message:
      `the load generator was saturated (busiest worker thread's event loop ${wholePercent(elu)} busy, timer lag p99 ` +
      `${lag.toFixed(1)} ms, CPU ${wholePercent(cpuShare)} of ${health.length} thread(s)): throughput and latency are ` +
      'bounded by the generator, not the server; add workers or cores, lower the load, or run the server elsewhere',
  };
}
