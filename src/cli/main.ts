#!/usr/bin/env node
// The CLI entry (dist/cli.js): a helper role when started as one, otherwise the program.

import { runRoleIfRequested } from '../runner/roles.ts';
import { main } from './program.ts';

if (!(await runRoleIfRequested())) {
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
  });
  process.exitCode = code;
}
