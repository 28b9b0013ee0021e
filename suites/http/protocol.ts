// Messages between the suite (main thread) and its load-generating worker threads.

import type { EncodedRequest } from './recorder.ts';
import type { HttpConfig } from './schema.ts';
import type { Stage } from './shape.ts';

export const WORKER_ROLE = 'http-worker';

/** Everything a worker needs; plain data (it crosses threads by structured clone). */
export interface HttpPlan {
  model: 'closed' | 'open';
  /** Users (closed) or requests per second (open) over time, from the start of the run. */
  stages: Stage[];
  runMs: number;
  warmupMs: number;
  windowMs: number;
  windows: number;
  think?: { min: number; max: number };
  maxInFlight: number;
  /** Keep-alive connections of this worker's pool. */
  connections: number;
  sessions: number;
}

export interface WorkerSetup {
  index: number;
  workers: number;
  plan: HttpPlan;
  config: HttpConfig;
  env: Record<string, string>;
}

export interface GeneratorHealth {
  /** Event-loop utilisation of the worker over the run, 0..1. */
  elu: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

export interface WorkerResult {
  requests: EncodedRequest[];
  dropped: number[];
  late: number[];
  health: GeneratorHealth;
}

export type ToWorker = { type: 'start'; t0Epoch: number } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'tick'; done: number; errors: number }
  | { type: 'result'; result: WorkerResult }
  | { type: 'fatal'; message: string };
