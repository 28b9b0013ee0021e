// The worker threads of one http suite run: started from sources through tsx (tests, development) or from
// the bundles through perf-action's helper role; their messages routed; all stopped on abort.

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

export interface ThreadsRun {
  /** Resolves with every worker's result; rejects on the first thread failure. */
  results: Promise<WorkerResult[]>;
  /** Sum of the latest progress ticks of all workers. */
  progress(): { done: number; errors: number };
  stop(): void;
  close(): Promise<void>;
}

/** Start the threads, wait until each is ready (prepared), then start them together at one shared instant. */
export async function runThreads(setups: WorkerSetup[], signal: AbortSignal, leadMs = 50): Promise<ThreadsRun> {
  const workers = setups.map(startThread);
  const ticks = setups.map(() => ({ done: 0, errors: 0 }));
  const results: (WorkerResult | undefined)[] = setups.map(() => undefined);
  let failure: Error | undefined;
  let onChange: () => void = () => undefined;
  const readySet = new Set<number>();
  const exited = workers.map(
    (w, i) =>
      new Promise<void>((resolve) => {
        w.on('message', (m: FromWorker) => {
          if (m.type === 'ready') readySet.add(i);
          else if (m.type === 'tick') ticks[i] = { done: m.done, errors: m.errors };
          else if (m.type === 'result') results[i] = m.result;
          else if (m.type === 'fatal') failure ??= new Error(m.message);
          onChange();
        });
        w.on('error', (err) => {
          failure ??= err;
          onChange();
        });
        w.once('exit', (code) => {
          if (code !== 0 && !results[i]) failure ??= new Error(`an http worker thread exited with code ${code}`);
          onChange();
          resolve();
        });
      }),
  );
  const until = (cond: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (failure) reject(failure);
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
  const stop = () => {
    for (const w of workers) w.postMessage({ type: 'stop' } satisfies ToWorker);
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
  const t0Epoch = performance.timeOrigin + performance.now() + leadMs;
  for (const w of workers) w.postMessage({ type: 'start', t0Epoch } satisfies ToWorker);
  return {
    results: until(() => results.every((r) => r !== undefined)).then(() => results as WorkerResult[]),
    progress: () =>
      ticks.reduce((a, t) => ({ done: a.done + t.done, errors: a.errors + t.errors }), { done: 0, errors: 0 }),
    stop,
    close,
  };
}
