// One HTTP exchange on an undici Pool through the low-level dispatch API: no response stream objects, and
// the exact moments of headers, each chunk and the end. Transport failures resolve as an outcome with an
// error reason; nothing here throws into the load loop.

import type { Dispatcher, Pool } from 'undici';
import type { BuiltRequest } from './compile.ts';
import { SseCounter, SseData } from './sse.ts';

export interface Outcome {
  status?: number;
  /** performance.now() when the headers arrived. */
  headersAt?: number;
  /** When the first event (SSE) or first body chunk (chunked) arrived. */
  firstEventAt?: number;
  lastEventAt?: number;
  events: number;
  endAt: number;
  error?: string;
  body?: string;
  /** With `watch`: when an event's data satisfied it (the exchange was then closed). */
  matchedAt?: number;
}

/** Bodies kept for captures and checks are capped: a load test must not buffer a download. */
const MAX_KEPT_BODY = 1 << 20;

export function errorReason(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'timeout';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return 'connection reset';
    default:
      return code && !code.startsWith('UND_ERR_INVALID') ? code : (e?.message ?? String(err));
  }
}

export interface SendOptions {
  timeoutMs: number;
  keepBody: boolean;
  stream?: 'sse' | 'chunked';
  /** Reads the body as Server-Sent Events and closes the exchange at the first event's data it accepts. */
  watch?: (data: string) => boolean;
  /** The longest the whole exchange may take (a stream that keeps sending never trips the idle timeouts). */
  deadlineMs?: number;
}

/**
 * A handler object per exchange, with its methods on the prototype (no closures to allocate). It uses
 * undici's legacy callbacks because they are what undici's client calls natively: the current API adds an
 * adapter object and parses the response headers into an object that nobody here reads.
 */
class Exchange implements Dispatcher.DispatchHandler {
  readonly out: Outcome = { events: 0, endAt: 0 };
  private chunks: Buffer[] | undefined;
  private kept = 0;
  private readonly sse: SseCounter | undefined;
  private readonly events: SseData | undefined;
  private abort: ((err?: Error) => void) | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(
    private readonly opts: SendOptions,
    private readonly resolve: (o: Outcome) => void,
  ) {
    this.sse = opts.stream === 'sse' ? new SseCounter() : undefined;
    this.events = opts.watch ? new SseData() : undefined;
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    if (this.opts.deadlineMs !== undefined && this.deadline === undefined) {
      this.deadline = setTimeout(() => {
        const err = Object.assign(new Error('deadline passed'), { code: 'ETIMEDOUT' });
        this.finish(err);
        abort(err);
      }, this.opts.deadlineMs);
    }
  }

  onHeaders(statusCode: number): boolean {
    // 1xx informational responses come before the real one.
    if (statusCode >= 200) {
      this.out.status = statusCode;
      this.out.headersAt = performance.now();
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.events && this.opts.watch && this.out.status !== undefined && this.out.status < 300) {
      for (const data of this.events.push(chunk.toString('utf8'))) {
        if (!this.opts.watch(data)) continue;
        this.out.matchedAt = performance.now();
        // Done: the stream may go on for ever, so the exchange ends here (a success, not an error).
        this.finish(undefined);
        this.abort?.(new Error('until matched'));
        return false;
      }
    }
    if (this.opts.stream) {
      const n = this.sse ? this.sse.push(chunk.toString('utf8')) : 1;
      if (n > 0) {
        const now = performance.now();
        this.out.firstEventAt ??= now;
        this.out.lastEventAt = now;
        this.out.events += n;
      }
    }
    if (this.opts.keepBody && this.kept < MAX_KEPT_BODY) {
      this.chunks ??= [];
      this.chunks.push(chunk);
      this.kept += chunk.length;
    }
    return true;
  }

  onComplete(): void {
    this.finish(undefined);
  }

  onError(err: Error): void {
    this.finish(err);
  }

  finish(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (this.deadline) clearTimeout(this.deadline);
    this.out.endAt = performance.now();
    if (error !== undefined) this.out.error = errorReason(error);
    if (this.chunks) this.out.body = Buffer.concat(this.chunks).toString('utf8');
    this.resolve(this.out);
  }
}

export function send(pool: Pool, req: BuiltRequest, opts: SendOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const handler = new Exchange(opts, resolve);
    try {
      pool.dispatch(
        {
          method: req.method as Dispatcher.HttpMethod,
          path: req.path,
          headers: req.headers,
          body: req.body ?? null,
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
        },
        handler,
      );
    } catch (err) {
      handler.finish(err);
    }
  });
}
