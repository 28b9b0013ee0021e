// Both bundles (action and CLI) can be started as a helper process of a suite kind; the role comes
// from the environment so it never collides with the CLI's own arguments.

import type { Registry } from './registry.ts';
import { ROLE_ENV } from './self-command.ts';

/** Runs the requested helper role and returns true, or returns false when this is a normal start. */
export async function runRoleIfRequested(registry: Registry): Promise<boolean> {
  const role = process.env[ROLE_ENV];
  if (!role) return false;
  for (const kind of registry.kinds) {
    const fn = kind.roles?.[role];
    if (fn) {
      await fn({ ...registry.api });
      return true;
    }
  }
  process.stderr.write(`perf-action: unknown helper role "${role}"\n`);
  process.exitCode = 2;
  return true;
}
