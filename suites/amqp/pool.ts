// The worker threads of one suite run: starting them (from sources through tsx, from the bundles through
// perf-action's helper role), routing their messages, and stopping them - also when a run is aborted.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ROLE_ENV } from '../../src/runner/self-command.ts';
import { type AgentSpec, type FromWorker, type ToWorker, WORKER_ROLE, type WorkerSetup } from './protocol.ts';

export interface Host {
  worker: Worker;
  agents: AgentSpec[];
  /** Set once the suite asked it to exit: its exit is then no failure. */
  closing: boolean;
  exited: Promise<void>;
}

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
    return new Worker(boot, { eval: true, workerData: setup });
  }
  // Bundled: this code is inside dist/cli.js or dist/index.js, and both serve perf-action's helper roles.
  return new Worker(here, { workerData: setup, env: { ...process.env, [ROLE_ENV]: WORKER_ROLE } });
}

export class WorkerPool {
  readonly hosts: Host[] = [];
  /** The first unexpected failure of any thread. */
  failure: Error | undefined;
  private listener: ((m: FromWorker, host: Host) => void) | undefined;
  private wakeUp: (() => void) | undefined;

  /** Receives every message until replaced. */
  listen(fn: (m: FromWorker, host: Host) => void): void {
    this.listener = fn;
  }

  /** Resolves on the next message or failure (or after `ms`): lets a loop wait without polling hard. */
  activity(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = done;
    });
  }

  /** Spawn threads and wait until every one is listening. */
  async start(setups: WorkerSetup[], signal: AbortSignal, timeoutMs = 60_000): Promise<void> {
    const ready = new Set<Host>();
    this.listen((m, host) => {
      if (m.type === 'ready') ready.add(host);
    });
    for (const s of setups) this.spawn(s);
    const deadline = Date.now() + timeoutMs;
    while (ready.size < this.hosts.length) {
      if (this.failure) throw this.failure;
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      if (Date.now() > deadline) throw new Error(`worker threads did not start within ${timeoutMs} ms`);
      await this.activity(50);
    }
  }

  send(host: Host, m: ToWorker): void {
    if (!host.closing) host.worker.postMessage(m);
  }

  broadcast(m: ToWorker): void {
    for (const h of this.hosts) this.send(h, m);
  }

  /** Ask every thread to close its connections and exit; terminate those that do not within two seconds. */
  async close(): Promise<void> {
    const hosts = this.hosts.splice(0);
    for (const h of hosts) {
      h.closing = true;
      h.worker.postMessage({ type: 'exit' } satisfies ToWorker);
    }
    await Promise.all(
      hosts.map(async (h) => {
        const timer = setTimeout(() => void h.worker.terminate(), 2000);
        await h.exited;
        clearTimeout(timer);
      }),
    );
  }

  private spawn(setup: WorkerSetup): Host {
    const worker = startThread(setup);
    const host: Host = { worker, agents: setup.agents, closing: false, exited: Promise.resolve() };
    host.exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        if (!host.closing) this.fail(new Error(`a worker thread exited with code ${code}`));
        resolve();
      });
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'fatal') this.fail(new Error(m.message));
      else this.listener?.(m, host);
      this.wake();
    });
    this.hosts.push(host);
    return host;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }
}
