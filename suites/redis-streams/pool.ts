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
  /** Set when the suite terminated it on purpose (the crash victim). */
  killed: boolean;
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

  spawn(setup: WorkerSetup): Host {
    const worker = startThread(setup);
    const host: Host = { worker, agents: setup.agents, killed: false, exited: Promise.resolve() };
    host.exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        if (!host.killed && code !== 0) this.fail(new Error(`a worker thread exited with code ${code}`));
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

  /** Spawn threads and wait until every one has connected. */
  async start(setups: WorkerSetup[], signal: AbortSignal, timeoutMs = 60_000): Promise<Host[]> {
    const hosts = setups.map((s) => this.spawn(s));
    const ready = new Set<Host>();
    this.listen((m, host) => {
      if (m.type === 'ready') ready.add(host);
    });
    const deadline = Date.now() + timeoutMs;
    while (ready.size < hosts.length) {
      if (this.failure) throw this.failure;
      if (signal.aborted) throw signal.reason ?? new Error('aborted');
      if (Date.now() > deadline) throw new Error(`worker threads did not start within ${timeoutMs} ms`);
      await this.activity(50);
    }
    return hosts;
  }

  send(host: Host, m: ToWorker): void {
    if (!host.killed) host.worker.postMessage(m);
  }

  broadcast(m: ToWorker): void {
    for (const h of this.hosts) this.send(h, m);
  }

  /** Kill a thread on purpose: its sockets close as they would when a process dies. */
  async kill(host: Host): Promise<void> {
    host.killed = true;
    await host.worker.terminate();
    this.hosts.splice(this.hosts.indexOf(host), 1);
  }

  /** Ask every thread to disconnect and exit; terminate those that do not within a second. */
  async close(): Promise<void> {
    const hosts = this.hosts.splice(0);
    for (const h of hosts) {
      h.killed = true;
      h.worker.postMessage({ type: 'exit' } satisfies ToWorker);
    }
    await Promise.all(
      hosts.map(async (h) => {
        const timer = setTimeout(() => void h.worker.terminate(), 1000);
        await h.exited;
        clearTimeout(timer);
      }),
    );
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
