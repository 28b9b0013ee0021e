// The commit being measured, for the results document: from the CI environment or the local checkout.

import { execFileSync } from 'node:child_process';

export function gitInfo(cwd: string, env: NodeJS.ProcessEnv = process.env): { sha: string; ref?: string } | undefined {
  if (env.GITHUB_SHA) return { sha: env.GITHUB_SHA, ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : {}) };
  try {
    const run = (args: string[]) =>
      execFileSync('git', args, { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    const sha = run(['rev-parse', 'HEAD']);
    let ref: string | undefined;
    try {
      ref = run(['symbolic-ref', '-q', 'HEAD']);
    } catch {
      ref = undefined;
    }
    return { sha, ...(ref ? { ref } : {}) };
  } catch {
    return undefined;
  }
}
