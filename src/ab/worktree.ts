// The base side of A/B mode: the base commit checked out into its own git worktree (fetched first when a
// shallow clone lacks it), prepared with the user's setup command, and removed afterwards.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export class AbSetupError extends Error {
  override name = 'AbSetupError';
}

export interface BaseWorktree {
  /** The worktree's root. */
  dir: string;
  sha: string;
  /** Removes the worktree; safe to call twice. */
  remove(): void;
}

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { ok: r.status === 0, out: (r.stdout ?? '').trim(), err: (r.stderr ?? '').trim() };
}

/** The repository's top folder, or a clear error outside one. */
export function repoRoot(cwd: string): string {
  const r = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!r.ok) throw new AbSetupError(`A/B mode needs a git repository: ${cwd} is not inside one (${r.err})`);
  return r.out;
}

/** The commit `ref` names, fetching it from origin when this clone does not have it (shallow CI clones). */
export function resolveBase(root: string, ref: string): string {
  const local = git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  if (local.ok) return local.out;
  const fetched = git(root, ['fetch', '--no-tags', '--depth=1', 'origin', ref]);
  if (fetched.ok) {
    const head = git(root, ['rev-parse', '--verify', '--quiet', 'FETCH_HEAD^{commit}']);
    if (head.ok) return head.out;
  }
  throw new AbSetupError(
    `cannot find the base "${ref}": it is not in this clone and fetching it from origin failed` +
      `${fetched.err ? ` (${fetched.err.split('\n').pop()})` : ''}; pass a branch, tag or sha that exists`,
  );
}

export function addWorktree(root: string, sha: string): BaseWorktree {
  const dir = mkdtempSync(path.join(tmpdir(), 'perf-ab-base-'));
  const r = git(root, ['worktree', 'add', '--detach', '--force', dir, sha]);
  if (!r.ok) {
    rmSync(dir, { recursive: true, force: true });
    throw new AbSetupError(`git worktree add failed for ${sha.slice(0, 12)}: ${r.err}`);
  }
  let removed = false;
  return {
    dir,
    sha,
    remove() {
      if (removed) return;
      removed = true;
      const rm = git(root, ['worktree', 'remove', '--force', dir]);
      if (!rm.ok) {
        rmSync(dir, { recursive: true, force: true });
        git(root, ['worktree', 'prune']);
      }
    },
  };
}

/** Run the user's setup command in the base worktree; its output goes to `log` (the user's stderr). */
export function runSetup(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  log: NodeJS.WritableStream,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const onData = (d: Buffer) => {
      log.write(d);
      tail = (tail + d.toString()).slice(-2000);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const kill = () => child.kill('SIGTERM');
    signal.addEventListener('abort', kill, { once: true });
    child.on('error', (err) => reject(new AbSetupError(`ab.setup could not start: ${err.message}`)));
    child.on('close', (code, sig) => {
      signal.removeEventListener('abort', kill);
      if (code === 0) return resolve();
      const last = tail.trim().split('\n').slice(-5).join('\n');
      reject(
        new AbSetupError(
          `ab.setup ("${command}") failed in the base worktree with ${sig ?? `exit code ${code}`}` +
            `${last ? `:\n${last}` : ''}\nfix the command, or check that it works on the base commit`,
        ),
      );
    });
  });
}
