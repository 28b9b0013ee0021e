// Stopping a run's whole process tree: the process group (the command is spawned detached, so it leads one) and
// every descendant seen by sampling, which also reaches children that moved to another group.

import type { ChildProcess } from 'node:child_process';
import type { ProcessTree } from './tree.ts';

const POLL_MS = 20;

function send(child: ChildProcess, tree: ProcessTree | undefined, sig: NodeJS.Signals): void {
  const targets = new Set<number>();
  // Sample first: signalling a pid seen long ago could hit an unrelated process that reused it.
  tree?.sample();
  // A group's id cannot be reused while any member lives; with none left, the signal finds nobody (ESRCH).
  if (child.pid !== undefined) targets.add(-child.pid);
  for (const pid of tree?.alivePids() ?? []) targets.add(pid);
  for (const target of targets) {
    try {
      process.kill(target, sig);
    } catch {
      // ESRCH: already gone.
    }
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

async function gone(child: ChildProcess, tree: ProcessTree | undefined, waitMs: number): Promise<boolean> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    if (exited(child)) {
      tree?.sample();
      if (!tree || tree.alivePids().length === 0) return true;
    }
    if (performance.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Send `first` to the tree, wait up to `graceMs` for the root and every known descendant to exit, then SIGKILL
 * whatever is left. Resolves once everything is gone, or after a last short wait if something cannot be killed.
 */
export async function stopTree(
  child: ChildProcess,
  tree: ProcessTree | undefined,
  opts: { first?: NodeJS.Signals; graceMs: number },
): Promise<boolean> {
  const first = opts.first ?? 'SIGTERM';
  send(child, tree, first);
  if (first !== 'SIGKILL' && (await gone(child, tree, opts.graceMs))) return true;
  send(child, tree, 'SIGKILL');
  return gone(child, tree, 2000);
}
