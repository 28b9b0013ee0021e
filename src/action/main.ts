// The GitHub Action's entry (dist/index.js); also serves perf-action's helper roles.

import * as core from '@actions/core';
import { registry } from '../../suites/registry.ts';
import { runRoleIfRequested } from '../runner/roles.ts';
import { reportFailure } from './failure.ts';
import { runAction } from './run-action.ts';

if (!(await runRoleIfRequested(registry))) {
  try {
    await runAction(process.env, registry);
  } catch (err) {
    reportFailure(err, core, process.env.GITHUB_WORKSPACE);
  }
}
