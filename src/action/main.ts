// The GitHub Action's entry (dist/index.js); also serves perf-action's helper roles.

import * as core from '@actions/core';
import { suiteKinds } from '../../suites/index.ts';
import { runRoleIfRequested } from '../runner/roles.ts';
import { reportFailure } from './failure.ts';
import { runAction } from './run-action.ts';

if (!(await runRoleIfRequested())) {
  try {
    await runAction(process.env, suiteKinds);
  } catch (err) {
    reportFailure(err, core, process.env.GITHUB_WORKSPACE);
  }
}
