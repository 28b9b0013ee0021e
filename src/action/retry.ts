// Retries for GitHub API calls: 5xx and secondary rate limits are passing conditions; a 403 for
// permissions or a 422 is final. Installed as an Octokit request hook so every call gets it.

export interface RetryOptions {
  retries: number;
  /** First back-off; doubles each time (GitHub's retry-after header wins when present). */
  baseDelayMs: number;
  maxDelayMs: number;
  sleep?: (ms: number) => Promise<void>;
  log?: (message: string) => void;
}

export interface HttpErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

/** How long to wait before retrying, or undefined when the error is final. */
export function retryDelay(err: HttpErrorLike, attempt: number, opts: RetryOptions): number | undefined {
  const status = err.status ?? 0;
  const headers = err.response?.headers ?? {};
  const text = `${err.message ?? ''} ${JSON.stringify(err.response?.data ?? '')}`.toLowerCase();
  const retryAfter = Number(headers['retry-after']);
  const backoff = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  if (status >= 500 || status === 0) return backoff;
  if (status === 403 || status === 429) {
    if (text.includes('secondary rate limit') || status === 429 || Number.isFinite(retryAfter)) {
      return Number.isFinite(retryAfter) ? Math.min(opts.maxDelayMs, retryAfter * 1000) : backoff;
    }
    if (String(headers['x-ratelimit-remaining']) === '0') {
      const reset = Number(headers['x-ratelimit-reset']) * 1000 - Date.now();
      // Waiting out a primary limit is only worth it when it resets soon.
      return Number.isFinite(reset) && reset <= opts.maxDelayMs ? Math.max(reset, 0) : undefined;
    }
  }
  return undefined;
}

export async function withRetries<T>(fn: () => Promise<T>, what: string, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const delay = attempt < opts.retries ? retryDelay(err as HttpErrorLike, attempt, opts) : undefined;
      if (delay === undefined) throw err;
      opts.log?.(
        `${what} failed (${(err as HttpErrorLike).status ?? 'network'}: ${(err as Error).message}); retrying in ${Math.round(delay)} ms`,
      );
      await sleep(delay);
    }
  }
}
