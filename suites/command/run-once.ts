// One run of the command: spawn it in its own process group, sample its tree, wait for it to exit (or to be
// ready, then stop it), and measure. Any way a run can go wrong becomes a RunFailure that carries the output tail.

import { type ChildProcess, spawn } from 'node:child_process';
import { selfReapedTicks, TICK_MS } from '../../src/runner/proc-stat.ts';
import { OutputTail } from './output-tail.ts';
import { pollUrl, type UrlPoll } from './ready.ts';
import { stopTree } from './stop.ts';
import { ProcessTree } from './tree.ts';

export interface ReadySpec {
  url?: string;
  log?: RegExp;
  timeoutMs: number;
}

export interface RunSpec {
  file: string;
  args: string[];
  /** True for `run:` (sh -c): exit code 127 then means the shell did not find the command. */
  shell: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  ready?: ReadySpec;
  /** Sampling interval for RSS and CPU; undefined measures wall (or ready) time only. */
  sampleMs?: number;
  /** Time between SIGTERM and SIGKILL when stopping the tree. */
  graceMs: number;
  signal: AbortSignal;
}

export interface RunMeasurement {
  wallMs?: number;
  readyMs?: number;
  cpuMs?: number;
  /** Undefined when no sample saw a live process (a run shorter than the sampling interval). */
  peakRssBytes?: number;
  /** Processes still running after the command exited; they were stopped. */
  leftovers: number;
}

export type FailureReason = 'exit' | 'not-found' | 'timeout' | 'not-ready' | 'aborted';

export class RunFailure extends Error {
  override name = 'RunFailure';
  constructor(
    message: string,
    readonly reason: FailureReason,
    readonly tail: string,
  ) {
    super(message);
  }
}

const TAIL_LINES = 20;
const GROUP_SCAN_MS = 250;

type RunEvent =
  | { type: 'exit'; code: number | null; sig: NodeJS.Signals | null; at: number }
  | { type: 'error'; err: NodeJS.ErrnoException }
  | { type: 'ready'; at: number }
  | { type: 'timeout' }
  | { type: 'abort' };

function describeExit(code: number | null, sig: NodeJS.Signals | null): string {
  return sig ? `was killed by ${sig}` : `exited with code ${code}`;
}

function describeSpawnError(spec: RunSpec, err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') return `command not found: "${spec.file}" (not a file, and not on PATH)`;
  if (err.code === 'EACCES') return `command "${spec.file}" is not executable (EACCES)`;
  return `could not start "${spec.file}": ${err.message}`;
}

/** Wait (briefly: a background process may hold the pipes) for the last output to arrive. */
async function drain(child: ChildProcess): Promise<void> {
  const closed = [child.stdout, child.stderr].map((s) =>
    s && !s.closed ? new Promise<void>((r) => s.once('close', () => r())) : Promise.resolve(),
  );
  await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 300))]);
}

/**
 * Sample the tree: densely at first (5, 10, 20 ms), so a short command's peak is still seen, then every
 * `intervalMs`. Every 250 ms the whole process group is scanned too, to find processes whose parent exited
 * before a sample reached them (double forks); scanning all of /proc every time would cost too much.
 */
function startSampling(tree: ProcessTree, intervalMs: number): () => void {
  let delay = Math.min(5, intervalMs);
  let lastGroupScan = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = performance.now();
    const group = now - lastGroupScan >= GROUP_SCAN_MS;
    if (group) lastGroupScan = now;
    tree.sample(group);
    delay = Math.min(delay * 2, intervalMs);
    timer = setTimeout(tick, delay);
  };
  tree.sample();
  timer = setTimeout(tick, delay);
  return () => clearTimeout(timer);
}

export async function runOnce(spec: RunSpec): Promise<RunMeasurement> {
  const cleanups: Array<() => void> = [];
  const events: Array<Promise<RunEvent>> = [];
  let markReady: ((at: number) => void) | undefined;
  const logRe = spec.ready?.log;
  if (logRe) events.push(new Promise((r) => (markReady = (at) => r({ type: 'ready', at }))));
  const tail = new OutputTail(
    TAIL_LINES,
    logRe ? (line) => (logRe.test(line) ? markReady?.(performance.now()) : undefined) : undefined,
  );

  // Our own reaped-children CPU grows by the root's total (with all it reaped) when Node waits for it.
  const reapedBefore = selfReapedTicks();
  const start = performance.now();
  const child = spawn(spec.file, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so the whole tree can be signalled at once
  });
  events.push(
    new Promise((r) => child.once('exit', (code, sig) => r({ type: 'exit', code, sig, at: performance.now() }))),
    new Promise((r) => child.on('error', (err) => r({ type: 'error', err }))),
  );
  child.stdout?.setEncoding('utf8').on('data', (d: string) => tail.write('stdout', d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => tail.write('stderr', d));

  const tree = spec.sampleMs !== undefined && child.pid !== undefined ? new ProcessTree(child.pid) : undefined;
  if (tree && spec.sampleMs !== undefined) cleanups.push(startSampling(tree, spec.sampleMs));

  let poll: UrlPoll | undefined;
  if (spec.ready?.url) {
    const p = pollUrl(spec.ready.url);
    poll = p;
    cleanups.push(() => p.stop());
    events.push(p.ready.then((at) => ({ type: 'ready', at })));
  }

  const limit = spec.ready ? spec.ready.timeoutMs : spec.timeoutMs;
  events.push(
    new Promise((r) => {
      const timer = setTimeout(() => r({ type: 'timeout' }), limit);
      cleanups.push(() => clearTimeout(timer));
    }),
    new Promise((r) => {
      const onAbort = () => r({ type: 'abort' });
      if (spec.signal.aborted) return onAbort();
      spec.signal.addEventListener('abort', onAbort, { once: true });
      cleanups.push(() => spec.signal.removeEventListener('abort', onAbort));
    }),
  );

  const graceful = { graceMs: spec.graceMs };
  const waitingFor = spec.ready?.url ?? (logRe ? `a log line matching /${logRe.source}/` : '');
  try {
    const ev = await Promise.race(events);
    switch (ev.type) {
      case 'error':
        throw new RunFailure(describeSpawnError(spec, ev.err), 'not-found', '');
      case 'abort':
        await stopTree(child, tree, graceful);
        throw new RunFailure('aborted; its process tree was stopped', 'aborted', tail.text());
      case 'timeout': {
        // Hung or never ready: no grace, it has had its time.
        await stopTree(child, tree, { first: 'SIGKILL', graceMs: 0 });
        await drain(child);
        const why = spec.ready
          ? `not ready after ${limit} ms (waiting for ${waitingFor}${poll ? `; last error: ${poll.lastError()}` : ''})`
          : `timed out after ${limit} ms`;
        throw new RunFailure(`${why}; its process tree was killed`, 'timeout', tail.text());
      }
      case 'ready': {
        // Take the final sample at the moment of readiness: CPU and memory describe the startup.
        tree?.sample();
        const measured: RunMeasurement = {
          readyMs: ev.at - start,
          ...(tree ? { cpuMs: tree.unreapedTicks() * TICK_MS } : {}),
          ...(tree?.peakBytes ? { peakRssBytes: tree.peakBytes } : {}),
          leftovers: 0,
        };
        if (!(await stopTree(child, tree, graceful))) {
          throw new RunFailure('was ready, but its process tree could not be stopped', 'exit', tail.text());
        }
        return measured;
      }
      case 'exit': {
        const wallMs = ev.at - start;
        const reaped = selfReapedTicks() - reapedBefore;
        tree?.sample(true);
        const leftovers = tree?.alivePids().length ?? 0;
        if (spec.ready || ev.code !== 0) {
          await stopTree(child, tree, graceful);
          await drain(child);
          const what = describeExit(ev.code, ev.sig);
          if (spec.ready)
            throw new RunFailure(`${what} before it was ready (waiting for ${waitingFor})`, 'not-ready', tail.text());
          const notFound = spec.shell && ev.code === 127;
          const hint = notFound ? ' (the shell could not find the command)' : '';
          throw new RunFailure(`${what}${hint}`, notFound ? 'not-found' : 'exit', tail.text());
        }
        const measured: RunMeasurement = {
          wallMs,
          ...(tree ? { cpuMs: (reaped + tree.unreapedTicks()) * TICK_MS } : {}),
          ...(tree?.peakBytes ? { peakRssBytes: tree.peakBytes } : {}),
          leftovers,
        };
        // Background processes it left behind would hold ports and pipes into the next run.
        await stopTree(child, tree, graceful);
        return measured;
      }
      default:
        throw new Error(`unexpected run event ${JSON.stringify(ev satisfies never)}`);
    }
  } finally {
    for (const c of cleanups) c();
    child.stdout?.destroy();
    child.stderr?.destroy();
  }
}
