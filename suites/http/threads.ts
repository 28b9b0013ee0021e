// The worker threads of one http suite run: started from sources through tsx (tests, development) or from
// the bundles through perf-action's helper role; their messages routed; all stopped on abort, and the
// survivors also when one dies mid-run.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ROLE_ENV } from '../../src/runner/self-command.ts';
import { type FromWorker, type ToWorker, WORKER_ROLE, type WorkerResult, type WorkerSetup } from './protocol.ts';

/** Every request allocates a little; a roomier young generation means fewer scavenges under load. */
const resourceLimits = { maxYoungGenerationSizeMb: 64 };

function startThread(setup: WorkerSetup): Worker {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    // Worker threads ignore --import, so the thread registers tsx itself before loading its entry.
    const tsx = pathToFileURL(
      createRequire(import.meta.url)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const entry = pathToFileURL(path.resolve(path.dirname(here), 'thread.ts')).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData: setup, resourceLimits });
  }
  return new Worker(here, { workerData: setup, env: { ...process.env, [ROLE_ENV]: WORKER_ROLE }, resourceLimits });
}

/** A thread that died after the start: its measurements are lost with it. */
export interface ThreadFailure {
  /** 0-based thread index. */
  thread: number;
  error: Error;
}

export interface ThreadsOutcome {
  /** Results of the threads that finished or were stopped: all of them unless some died. */
  results: WorkerResult[];
  failures: ThreadFailure[];
}

export interface ThreadsRun {
  /**
   * Resolves when every thread has reported or died. A death after the start stops the other threads, which
   * report what they measured until then; rejects (with the first error) only when no thread is left.
   */
  results: Promise<ThreadsOutcome>;
  /** Sum of the latest progress ticks of all workers. */
  progress(): { done: number; errors: number };
  stop(): void;
  close(): Promise<void>;
  /** The shared start (epoch ms) of every thread's clock. */
  t0Epoch: number;
}

/**
 * Starts the workers and, once all are ready, starts their clocks together: `leadMs` from now, or at
 * `startEpoch` (epoch ms) when legs on several runners must share one clock.
 */
export async function runThreads(
  setups: WorkerSetup[],
  signal: AbortSignal,
  leadMs = 50,
  startEpoch?: number,
): Promise<ThreadsRun> {
  const workers = setups.map(startThread);
  const ticks = setups.map(() => ({ done: 0, errors: 0 }));
  const results: (WorkerResult | undefined)[] = setups.map(() => undefined);
  const failures: (Error | undefined)[] = setups.map(() => undefined);
  let firstFailure: Error | undefined;
  let started = false;
  let onChange: () => void = () => undefined;
  const readySet = new Set<number>();
  const settled = (i: number) => results[i] !== undefined || failures[i] !== undefined;
  const stop = () => {
    for (const [i, w] of workers.entries()) if (!settled(i)) w.postMessage({ type: 'stop' } satisfies ToWorker);
  };
  const fail = (i: number, err: Error) => {
    if (settled(i)) return;
    failures[i] = err;
    firstFailure ??= err;
    if (started) {
      // A 'fatal' thread is still alive but idle: end it. The others stop now, so the suite ends promptly
      // with what they measured instead of losing it with the dead thread.
      void workers[i]?.terminate();
      stop();
    }
  };
  const exited = workers.map(
    (w, i) =>
      new Promise<void>((resolve) => {
        w.on('message', (m: FromWorker) => {
          if (m.type === 'ready') readySet.add(i);
          else if (m.type === 'tick') ticks[i] = { done: m.done, errors: m.errors };
          else if (m.type === 'result') results[i] = m.result;
          else if (m.type === 'fatal') fail(i, new Error(m.message));
          onChange();
        });
        w.on('error', (err) => {
          fail(i, err);
          onChange();
        });
        w.once('exit', (code) => {
          // Exiting without a result is a death too, whatever the code: waiting for it would hang the suite.
          if (results[i] === undefined) {
            fail(
              i,
              new Error(
                code !== 0
                  ? `an http worker thread exited with code ${code}`
                  : 'an http worker thread exited without reporting what it measured',
              ),
            );
          }
          onChange();
          resolve();
        });
      }),
  );
  const until = (cond: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        // Before the start any failure ends the run; after it, only the condition decides.
        if (!started && firstFailure) reject(firstFailure);
        else if (cond()) resolve();
      };
      onChange = check;
      check();
    });
  const close = async () => {
    await Promise.all(
      workers.map(async (w, i) => {
        const timer = setTimeout(() => void w.terminate(), 2000);
        await exited[i];
        clearTimeout(timer);
      }),
    );
  };
  try {
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason ?? new Error('aborted'));
      signal.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), { once: true });
    });
    aborted.catch(() => undefined);
    await Promise.race([until(() => readySet.size === workers.length), aborted]);
  } catch (err) {
    for (const w of workers) void w.terminate();
    throw err;
  }
  const t0Epoch = startEpoch ?? performance.timeOrigin + performance.now() + leadMs;
  for (const w of workers) w.postMessage({ type: 'start', t0Epoch } satisfies ToWorker);
  started = true;
  return {
    results: until(() => workers.every((_, i) => settled(i))).then(() => {
      const done = results.filter((r) => r !== undefined);
      if (done.length === 0) throw firstFailure;
      return {
        results: done,
        failures: failures.flatMap((error, thread) => (error ? [{ thread, error }] : [])),
      };
    }),
    progress: () =>
      ticks.reduce((a, t) => ({ done: a.done + t.done, errors: a.errors + t.errors }), { done: 0, errors: 0 }),
    stop,
    close,
    t0Epoch,
  };
}
