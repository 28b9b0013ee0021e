// Both bundles (action and CLI) can be started as a helper process of a suite kind; the role comes
// from the environment so it never collides with the CLI's own arguments.

import { suiteKinds } from '../../suites/index.ts';
import * as api from '../index.ts';
import { ROLE_ENV } from './self-command.ts';

/** Runs the requested helper role and returns true, or returns false when this is a normal start. */
export async function runRoleIfRequested(): Promise<boolean> {
  const role = process.env[ROLE_ENV];
  if (!role) return false;
  for (const kind of suiteKinds) {
    const fn = kind.roles?.[role];
    if (fn) {
      await fn({ ...api });
      return true;
    }
  }
  process.stderr.write(`perf-action: unknown helper role "${role}"\n`);
  process.exitCode = 2;
  return true;
}
