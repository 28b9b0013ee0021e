// @actions/cache's restoreCache reports a cache service that failed as a miss: it logs "Failed to restore"
// as a workflow command and returns undefined. The report must not call an outage "no baseline yet", so the
// restore is watched for that command, and a failed restore becomes an error the store can name.

import type { CacheClient } from '../baseline/cache-store.ts';

/** The cache service could not be reached or answered with an error: not the same as "nothing saved yet". */
export class CacheUnavailableError extends Error {
  override name = 'CacheUnavailableError';
}

// core.error / core.warning print `::error::Failed to restore: …` (5xx) or `::warning::Failed to restore: …`.
const FAILED_RESTORE = /^::(?:error|warning)(?: [^:]*)?::Failed to restore: (.*)$/m;

/** The workflow-command data escaping of @actions/core, undone for the message. */
function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

export function observedCacheClient(client: CacheClient, out: NodeJS.WriteStream = process.stdout): CacheClient {
  return {
    saveCache: (paths, key) => client.saveCache(paths, key),
    async restoreCache(paths, primaryKey, restoreKeys) {
      let failure: string | undefined;
      const write = out.write;
      // Only the restore's own lines are looked at; everything still reaches the log.
      out.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
        const m = typeof chunk === 'string' || Buffer.isBuffer(chunk) ? FAILED_RESTORE.exec(String(chunk)) : null;
        if (m && failure === undefined) failure = unescapeData(m[1] ?? '');
        return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      } as typeof out.write;
      let matched: string | undefined;
      try {
        matched = await client.restoreCache(paths, primaryKey, restoreKeys);
      } finally {
        out.write = write;
      }
      if (matched === undefined && failure !== undefined) throw new CacheUnavailableError(failure);
      return matched;
    },
  };
}
