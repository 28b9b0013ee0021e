// How the bench kind starts a replicate process. Normally its own lean entry; the whole perf-action
// entry (in the bench-worker role) when a benchmark file needs more of the API than the lean entry offers,
// or when PERF_ACTION_BENCH_REPLICATE=full asks for it (scripts/bench-overhead.ts compares the two).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROLE_ENV, selfCommand } from '../../src/runner/self-command.ts';
import { BENCH_ROLE } from './protocol.ts';

export const REPLICATE_ENV = 'PERF_ACTION_BENCH_REPLICATE';
/** The lean entry's file name next to the bundles in dist/ (scripts/build.mjs builds it). */
export const BUNDLED_REPLICATE = 'bench-replicate.js';

export interface ReplicateCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
}

function wholeEntry(): ReplicateCommand {
  const { command, args } = selfCommand();
  return { command, args, env: { [ROLE_ENV]: BENCH_ROLE } };
}

export function replicateCommand(full: boolean): ReplicateCommand {
  if (full) return wholeEntry();
  const here = fileURLToPath(import.meta.url);
  const dir = path.dirname(here);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { command: process.execPath, args: ['--import', tsx, path.join(dir, 'replicate-main.ts')], env: {} };
  }
  // Inside a bundle this module is dist/cli.js or dist/index.js, with the lean bundle beside it; compiled
  // to lib/ (the library) it sits beside replicate-main.js. A bundle copied without its lean neighbour still
  // works, only slower.
  for (const entry of [path.join(dir, BUNDLED_REPLICATE), path.join(dir, 'replicate-main.js')]) {
    if (existsSync(entry)) return { command: process.execPath, args: [entry], env: {} };
  }
  return wholeEntry();
}
