#!/usr/bin/env node
// The CLI entry (dist/cli.js): a helper role when started as one, otherwise the program.

import { registry } from '../../suites/registry.ts';
import { runRoleIfRequested } from '../runner/roles.ts';
import { main } from './program.ts';

if (!(await runRoleIfRequested(registry))) {
  // `perf-action run | head`: the reader left. Printing stops, the command goes on: its files (--out, --json,
  // --save-baseline) are still written and its exit code still says the verdict.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    registry,
  });
  process.exitCode = code;
}
