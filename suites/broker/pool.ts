// The worker threads of one broker suite run: starting them (from sources through tsx, from the bundles
// through perf-action's helper role), routing their messages, and stopping them - also when a run is aborted.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ROLE_ENV } from '../../src/runner/self-command.ts';
import type { AgentSpec } from './protocol.ts';

export interface Host {
  worker: Worker;
  agents: AgentSpec[];
  /** Set once the suite asked it to exit or terminated it on purpose: its exit is then no failure. */
  closing: boolean;
  exited: Promise<void>;
}

export interface PoolOptions {
  /** The helper role that runs the suite's worker in the bundles. */
  role: string;
  /**
   * `import.meta.url` of a module next to the suite's `thread.ts` entry (used when running from sources);
   * in the bundles it is the bundle itself, which serves the role.
   */
  from: string;
  /** How long a thread asked to exit may take before it is terminated. */
  closeGraceMs: number;
}

type Base = { type: string };

function startThread(opts: PoolOptions, setup: unknown): Worker {
  const here = fileURLToPath(opts.from);
  if (here.endsWith('.ts')) {
    // Worker threads ignore --import, so the thread registers tsx itself before loading its entry.
    const tsx = pathToFileURL(
      createRequire(opts.from)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const entry = pathToFileURL(path.resolve(path.dirname(here), 'thread.ts')).href;
    const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(boot, { eval: true, workerData: setup });
  }
  // Bundled: this code is inside dist/cli.js or dist/index.js, and both serve perf-action's helper roles.
  return new Worker(here, { workerData: setup, env: { ...process.env, [ROLE_ENV]: opts.role } });
}

export class WorkerPool<Setup extends { agents: AgentSpec[] }, From extends Base, To extends Base> {
  readonly hosts: Host[] = [];
  /** The first unexpected failure of any thread. */
  failure: Error | undefined;
  private listener: ((m: From, host: Host) => void) | undefined;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly opts: PoolOptions) {}

  /** Receives every message until replaced. */
  listen(fn: (m: From, host: Host) => void): void {
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

  spawn(setup: Setup): Host {
    const worker = startThread(this.opts, setup);
    const host: Host = { worker, agents: setup.agents, closing: false, exited: Promise.resolve() };
    host.exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        if (!host.closing && code !== 0) this.fail(new Error(`a worker thread exited with code ${code}`));
        resolve();
      });
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('message', (m: From) => {
      if (m.type === 'fatal') this.fail(new Error((m as unknown as { message: string }).message));
      else this.listener?.(m, host);
      this.wake();
    });
    this.hosts.push(host);
    return host;
  }

  /** Spawn threads and wait until every one has reported ready. */
  async start(setups: Setup[], signal: AbortSignal, timeoutMs = 60_000): Promise<Host[]> {
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

  send(host: Host, m: To): void {
    if (!host.closing) host.worker.postMessage(m);
  }

  broadcast(m: To): void {
    for (const h of this.hosts) this.send(h, m);
  }

  /** Kill a thread on purpose: its sockets close as they would when a process dies. */
  async kill(host: Host): Promise<void> {
    host.closing = true;
    await host.worker.terminate();
    this.hosts.splice(this.hosts.indexOf(host), 1);
  }

  /** Ask every thread to disconnect and exit; terminate those that do not within the grace period. */
  async close(): Promise<void> {
    const hosts = this.hosts.splice(0);
    for (const h of hosts) {
      h.closing = true;
      h.worker.postMessage({ type: 'exit' });
    }
    await Promise.all(
      hosts.map(async (h) => {
        const timer = setTimeout(() => void h.worker.terminate(), this.opts.closeGraceMs);
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
