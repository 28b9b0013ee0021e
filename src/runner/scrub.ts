// The environment pull-request code runs in (suites, services, commands, A/B setup): the runner's and the
// action's secrets are taken out, so a bench file cannot read the cache token or the comment token. perf.yml
// may pass a variable back by name (`pass-env`). The same scrub applies to `${VAR}` expansion in perf.yml, since
// the config is pull-request code too.

/** Names the runner or the action fill with credentials. */
const SECRET_NAMES: readonly RegExp[] = [
  /^ACTIONS_/i, // ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN/_URL, ...
  /^INPUT_/i, // the action's inputs, github-token among them
  /^GITHUB_TOKEN$/i,
  /^GH_TOKEN$/i,
  /^GH_ENTERPRISE_TOKEN$/i,
  /^GITHUB_ENTERPRISE_TOKEN$/i,
];

export function isSecretName(name: string): boolean {
  return SECRET_NAMES.some((re) => re.test(name));
}

/** A copy of `env` without the secrets, except those named in `pass`. */
export function scrubEnvironment(env: NodeJS.ProcessEnv, pass: readonly string[] = []): NodeJS.ProcessEnv {
  const keep = new Set(pass);
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (isSecretName(name) && !keep.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Names that were removed (for a log line that shows the scrub without any value). */
export function scrubbedNames(env: NodeJS.ProcessEnv, pass: readonly string[] = []): string[] {
  return Object.keys(env)
    .filter((n) => isSecretName(n) && !pass.includes(n))
    .sort();
}

/**
 * Runs `fn` with the secrets taken out of this process's own environment and puts them back after: for code
 * of the pull request that runs in-process (a perf.config.ts), which reads process.env, not a child's env.
 */
export async function withSecretsHidden<T>(pass: readonly string[], fn: () => Promise<T>): Promise<T> {
  const hidden: Array<[string, string]> = [];
  for (const name of scrubbedNames(process.env, pass)) {
    const value = process.env[name];
    if (value === undefined) continue;
    hidden.push([name, value]);
    delete process.env[name];
  }
  try {
    return await fn();
  } finally {
    for (const [name, value] of hidden) process.env[name] = value;
  }
}

/**
 * Loads a config with the scrubbed environment, then (when it names `pass-env` variables) again with those
 * passed: `${VAR}` in perf.yml sees only what its suites may see.
 */
export async function loadScrubbed<T extends { config: { passEnv: string[] } }>(
  env: NodeJS.ProcessEnv,
  load: (env: NodeJS.ProcessEnv) => Promise<T>,
): Promise<{ loaded: T; env: NodeJS.ProcessEnv }> {
  let loaded = await withSecretsHidden([], () => load(scrubEnvironment(env)));
  const pass = loaded.config.passEnv;
  if (pass.length > 0) loaded = await withSecretsHidden(pass, () => load(scrubEnvironment(env, pass)));
  return { loaded, env: scrubEnvironment(env, pass) };
}
