// Cache keys for baselines. Keys are immutable, so every save gets a unique key:
//   perf-action-v1-<os>-<arch>-<config id>-<branch>-<sha>-<run id>-<attempt>
// Segments are escaped so that "-" only ever separates them: "main" must not prefix-match "main-old".

export interface KeyParts {
  os: string;
  arch: string;
  configId: string;
}

const escapeSegment = (s: string) => encodeURIComponent(s).replace(/-/g, '%2D').replace(/,/g, '%2C');

export function keyPrefix(p: KeyParts): string {
  return `perf-action-v1-${escapeSegment(p.os)}-${escapeSegment(p.arch)}-${escapeSegment(p.configId)}-`;
}

export function branchPrefix(p: KeyParts, branch: string): string {
  return `${keyPrefix(p)}${escapeSegment(branch)}-`;
}

export function shaPrefix(p: KeyParts, branch: string, sha: string): string {
  return `${branchPrefix(p, branch)}${escapeSegment(sha)}-`;
}

export function saveKey(p: KeyParts, branch: string, sha: string, runId: string, attempt: string): string {
  const key = `${shaPrefix(p, branch, sha)}${escapeSegment(runId)}-${escapeSegment(attempt)}`;
  if (key.length > 512)
    throw new Error(`cache key is longer than 512 characters: shorten the config id or branch name`);
  return key;
}

/** The sha a saved key names, for the report. */
export function shaFromKey(p: KeyParts, branch: string, key: string): string | undefined {
  const prefix = branchPrefix(p, branch);
  if (!key.startsWith(prefix)) return undefined;
  const sha = key.slice(prefix.length).split('-')[0];
  return sha ? decodeURIComponent(sha) : undefined;
}
