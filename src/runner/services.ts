// Services from perf.yml: processes started before the suites, checked for readiness, and stopped after,
// with their output kept in log files for when something goes wrong.

import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { ServiceConfig } from '../config/load.ts';

export interface RunningService {
  name: string;
  pid: number;
  logFile: string;
  /** Where it answers when ready (perf.yml's `ready:`). */
  ready?: string;
  /** Why the service is no longer running (its exit code or signal), once it has exited on its own. */
  exited(): string | undefined;
  stop(): Promise<void>;
  /**
   * A fault a suite injects: kill the service's process group (SIGKILL, as a crash would) and start it again
   * with the same command, env and log; resolves once it is ready again (rejects if it does not come back).
   */
  restart(): Promise<void>;
}

export class ServiceError extends Error {
  override name = 'ServiceError';
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function probe(target: string, signal: AbortSignal): Promise<void> {
  const url = new URL(target);
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const res = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(2000)]) });
    await res.body?.cancel();
    if (res.status >= 500) throw new Error(`${target} answered ${res.status}`);
    return;
  }
  const port = Number(url.port || (url.protocol.startsWith('redis') ? 6379 : 0));
  const host = url.hostname || '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const sock = net.connect({ host, port });
    const done = (err?: Error) => {
      sock.destroy();
      if (err) reject(err);
      else resolve();
    };
    sock.setTimeout(2000, () => done(new Error(`${target}: no answer in 2 s`)));
    sock.on('error', (e) => done(e));
    sock.on('connect', () => {
      if (!url.protocol.startsWith('redis')) return done();
      sock.write('PING\r\n');
    });
    sock.on('data', (d) => {
      const s = d.toString();
      // A Redis still loading its data set answers -LOADING: not ready yet.
      if (s.startsWith('+PONG') || s.startsWith('-NOAUTH')) done();
      else done(new Error(`${target} answered ${JSON.stringify(s.trim())}`));
    });
  });
}

/** Wait until `target` answers, polling; rejects with the last failure after `timeoutMs`. */
/** Whether `target` answers right now (one quick probe). */
async function answers(target: string, signal: AbortSignal): Promise<boolean> {
  try {
    await probe(target, signal);
    return true;
  } catch {
    return false;
  }
}

export async function waitReady(
  target: string,
  timeoutMs: number,
  signal: AbortSignal,
  alive: () => boolean = () => true,
): Promise<number> {
  const start = performance.now();
  let last = 'no attempt yet';
  let delay = 20;
  while (performance.now() - start < timeoutMs) {
    if (signal.aborted) throw new ServiceError('aborted');
    if (!alive()) throw new ServiceError(`exited before ${target} was ready`);
    try {
      await probe(target, signal);
      return performance.now() - start;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(250, delay * 1.5);
  }
  throw new ServiceError(`not ready after ${Math.round(timeoutMs / 1000)} s at ${target} (last error: ${last})`);
}

/** Stop a process group: SIGTERM, then SIGKILL after a grace period. */
export async function stopTree(child: ChildProcess, graceMs = 5000, first: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const kill = (sig: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), sig);
    } catch {
      child.kill(sig);
    }
  };
  kill(first);
  const timer = setTimeout(() => kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Wait (up to 5 s) until `ready` stops answering: a killed grandchild may still hold the port for a moment.
 * (Waiting for the process group to vanish would also wait for zombies that init reaps only now and then.)
 */
async function released(ready: string | undefined, signal: AbortSignal): Promise<void> {
  if (!ready) return;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && (await answers(ready, signal))) await new Promise((r) => setTimeout(r, 10));
}

export async function startService(
  svc: ServiceConfig,
  opts: { configDir: string; logDir: string; env: NodeJS.ProcessEnv; signal: AbortSignal },
): Promise<RunningService> {
  // Something already answering where this service will be ready is a stale server (or another job's): the
  // suites would measure it instead, and a service that cannot bind its port would look ready.
  if (svc.ready && (await answers(svc.ready, opts.signal))) {
    const url = new URL(svc.ready);
    throw new ServiceError(
      `service ${svc.name}: port ${url.port || '(default)'} on ${url.hostname} already answers (${svc.ready}) before the service started: stop the stale server or give the service another port`,
    );
  }
  mkdirSync(opts.logDir, { recursive: true });
  const logFile = path.join(opts.logDir, `${svc.name}.log`);
  const log = createWriteStream(logFile);
  let stopping = false;
  let exitedWith: string | undefined;
  /** Children killed on purpose by a restart: their exit is no failure. */
  const replaced = new WeakSet<ChildProcess>();
  const launch = () => {
    const c = spawn('sh', ['-c', svc.run], {
      cwd: path.resolve(opts.configDir, svc.cwd ?? '.'),
      env: { ...opts.env, ...svc.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    c.stdout?.pipe(log, { end: false });
    c.stderr?.pipe(log, { end: false });
    c.once('exit', (code, sig) => {
      if (!stopping && !replaced.has(c)) exitedWith = sig ? `was killed by ${sig}` : `exited with code ${code}`;
    });
    return c;
  };
  let child = launch();
  const becomeReady = async () => {
    if (!svc.ready) return;
    try {
      await waitReady(svc.ready, svc.timeout, opts.signal, () => child.exitCode === null && child.signalCode === null);
    } catch (err) {
      await running.stop();
      const t = tail(logFile);
      throw new ServiceError(
        `service ${svc.name}: ${(err as Error).message}${t ? `\n--- last lines of its log ---\n${t}` : ''}`,
      );
    }
  };
  const running: RunningService = {
    name: svc.name,
    get pid() {
      return child.pid ?? -1;
    },
    logFile,
    ...(svc.ready ? { ready: svc.ready } : {}),
    exited: () => exitedWith,
    stop: async () => {
      stopping = true;
      await stopTree(child);
      log.end();
    },
    restart: async () => {
      if (stopping || exitedWith !== undefined) throw new ServiceError(`service ${svc.name} is not running`);
      const old = child;
      replaced.add(old);
      await stopTree(old, 0, 'SIGKILL');
      await released(svc.ready, opts.signal);
      child = launch();
      try {
        await becomeReady();
      } catch (err) {
        exitedWith = `did not come back after a restart (${(err as Error).message})`;
        throw err;
      }
    },
  };
  await becomeReady();
  return running;
}
