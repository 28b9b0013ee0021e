// Messages between the bench suite and its replicate processes (over Node's IPC channel, so that a
// benchmark's own console output can never corrupt them).

import type { ParamValue } from './define.ts';

export const BENCH_ROLE = 'bench-worker';
export const INPUT_ENV = 'PERF_ACTION_BENCH_INPUT';

export interface WorkerInput {
  file: string;
  time: number;
  warmup: number;
  iterations: number;
  filter?: string[];
  /** Shuffles the order of cases so slow drift does not always hit the same one. */
  seed: number;
  /** Also time the reference workload (reference.ts) once, at a shuffled place among the cases. */
  reference?: boolean;
  /** After each case's timed run, a pass that measures its allocations and GC pauses (memory.ts). */
  memory?: boolean;
}

/** One memory pass of a case: heap bytes allocated per call, and the garbage collections it caused. */
export interface MemoryPass {
  calls: number;
  bytesPerOp: number;
  gcCount: number;
  /** The longest GC pause, ms (0 when none ran). */
  gcMaxPauseMs: number;
}

export interface CaseInfo {
  key: string;
  bench: string;
  params: Record<string, ParamValue>;
}

export type WorkerMessage =
  | { type: 'cases'; cases: CaseInfo[] }
  | { type: 'case-start'; key: string }
  | {
      type: 'case';
      key: string;
      /** Median latency of this process, ms: the replicate's sample. */
      median: number;
      /** Number of timed iterations. */
      count: number;
      /** Evenly spaced quantiles of this process's latencies (ms), standing for `count` values. */
      sketch: number[];
      /** With `memory`: what the memory pass saw. */
      memory?: MemoryPass;
    }
  | { type: 'case-error'; key: string; message: string }
  /** Each part of the reference workload: its median latency in this process, ms. */
  | { type: 'reference'; parts: Record<string, number> }
  | { type: 'fatal'; setup: boolean; message: string }
  /** A lean replicate could not give the benchmark file an import from 'perf-action': run it in a full one. */
  | { type: 'needs-full-api'; message: string };
