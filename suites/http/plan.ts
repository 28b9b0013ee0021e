// From the validated config to the plan every worker follows: the load shape as stages, the run length,
// the sample windows, and how users, connections and arrivals are shared between worker threads. The rules
// that involve several keys are checked here, with messages that say which key to change.

import { availableParallelism } from 'node:os';
import { convert, parseQuantity } from '../../src/model/units.ts';
import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import type { HttpPlan } from './protocol.ts';
import type { HttpConfig, LoadConfig } from './schema.ts';
import { closedStages, levelAt, type Stage, totalMs } from './shape.ts';

/** Sample windows per run at least: fewer replicates make the gate's tests powerless. */
const MIN_WINDOWS = 5;
const MIN_WINDOW_MS = 100;

function stageTarget(raw: number | string, model: 'closed' | 'open', i: number): number {
  if (typeof raw === 'number') return raw;
  const where = `load.stages[${i}].target`;
  try {
    const q = parseQuantity(raw);
    if (model === 'closed') {
      if (q.unit !== '' && q.unit !== 'count') throw new Error(`a user count is a plain number`);
      return q.value;
    }
    return q.unit === '' ? q.value : convert(q.value, q.unit, '/s');
  } catch (err) {
    throw new SuiteSetupError(
      `${where}: "${raw}" is not ${model === 'closed' ? 'a number of users (e.g. 50)' : 'a rate (e.g. 200/s)'}: ${(err as Error).message}`,
    );
  }
}

function misplaced(load: LoadConfig, keys: (keyof LoadConfig)[], model: string): void {
  const bad = keys.filter((k) => load[k] !== undefined);
  if (bad.length > 0) {
    const other = model === 'open' ? 'closed' : 'open';
    throw new SuiteSetupError(
      `load.${bad[0]} belongs to the ${other} model, but load.model is ${model}; remove it or set model: ${other}`,
    );
  }
}

export function shapeOf(load: LoadConfig): { stages: Stage[]; runMs: number } {
  const model = load.model;
  if (model === 'closed') misplaced(load, ['rate', 'max-in-flight'], 'closed');
  else misplaced(load, ['users', 'spawn-rate', 'think-time'], 'open');
  if (load.stages) {
    const level = model === 'closed' ? 'users' : 'rate';
    if (load[level] !== undefined || load.duration !== undefined) {
      throw new SuiteSetupError(
        `load: give either stages or ${level} with duration, not both (stages carry their own durations and targets)`,
      );
    }
    const stages = load.stages.map((s, i) => ({ durationMs: s.duration, target: stageTarget(s.target, model, i) }));
    const runMs = totalMs(stages);
    if (load.warmup >= runMs) {
      throw new SuiteSetupError(`load.warmup (${load.warmup} ms) must be shorter than the stages (${runMs} ms)`);
    }
    return { stages, runMs };
  }
  if (load.duration === undefined || load.duration <= 0) {
    throw new SuiteSetupError(`load.duration is required with ${model === 'closed' ? 'users' : 'rate'} (e.g. 30s)`);
  }
  const runMs = load.warmup + load.duration;
  if (model === 'closed') {
    if (load.users === undefined) throw new SuiteSetupError('load.users is required for the closed model (or stages)');
    return { stages: closedStages(load.users, load['spawn-rate'], runMs), runMs };
  }
  if (load.rate === undefined)
    throw new SuiteSetupError('load.rate is required for the open model (or stages), e.g. 200/s');
  return {
    stages: [
      { durationMs: 0, target: load.rate },
      { durationMs: runMs, target: load.rate },
    ],
    runMs,
  };
}

export function peakLevel(stages: readonly Stage[]): number {
  return Math.max(0, ...stages.map((s) => s.target), levelAt(stages, 0));
}

/**
 * Worker threads when the config sets none: one per core but one. The service under test usually shares the
 * machine (a CI runner), and so does this process's main thread; a thread on every core starves them. On a
 * 2-core machine against a loopback server (npm run bench:overhead), 1 thread reached 0.98x `wrk -t1` and 2
 * threads 0.77x.
 */
export function defaultWorkers(cores: number): number {
  return Math.max(1, cores - 1);
}

/**
 * `workers` is this runner's thread count; `first` and `total` place its threads among all threads of all
 * legs when the load is split (`part`): users and arrivals are dealt by global thread index, so n legs of w
 * threads run exactly the load of one run with n*w threads.
 */
export function makePlan(
  cfg: HttpConfig,
  cores = availableParallelism(),
  part?: { index: number; count: number },
): { plan: HttpPlan; workers: number; first: number; total: number } {
  const { stages, runMs } = shapeOf(cfg.load);
  const measured = runMs - cfg.load.warmup;
  let windows = Math.max(1, Math.round(measured / cfg.window));
  if (windows < MIN_WINDOWS) windows = Math.max(1, Math.min(MIN_WINDOWS, Math.floor(measured / MIN_WINDOW_MS)));
  const peak = peakLevel(stages);
  const closed = cfg.load.model === 'closed';
  // Never more threads than users: an idle thread still costs a core's worth of scheduling.
  const legs = part?.count ?? 1;
  const workers = Math.max(
    1,
    Math.min(cfg.workers ?? defaultWorkers(cores), closed ? Math.ceil(peak / legs) || 1 : Number.POSITIVE_INFINITY),
  );
  const total = workers * legs;
  const maxInFlight = cfg.load['max-in-flight'] ?? 10_000;
  // Closed model: a connection per user, as browsers and Locust users have. Open model: enough for the
  // in-flight cap, bounded so a high cap does not open thousands of idle sockets.
  const connections = cfg.connections ?? (closed ? Math.max(1, Math.ceil(peak)) : Math.min(maxInFlight, 256));
  return {
    workers,
    first: ((part?.index ?? 1) - 1) * workers,
    total,
    plan: {
      model: cfg.load.model,
      stages,
      runMs,
      warmupMs: cfg.load.warmup,
      windowMs: measured / windows,
      windows,
      ...(cfg.load['think-time'] ? { think: cfg.load['think-time'] } : {}),
      maxInFlight: Math.max(1, Math.ceil(maxInFlight / total)),
      connections: Math.max(1, Math.ceil(connections / total)),
      sessions: cfg.sessions,
    },
  };
}
