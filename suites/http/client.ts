// One HTTP exchange on an undici Pool through the low-level dispatch API: no response stream objects, and
// the exact moments of headers, each chunk and the end. Transport failures resolve as an outcome with an
// error reason; nothing here throws into the load loop.

import type { Dispatcher, Pool } from 'undici';
import type { BuiltRequest } from './compile.ts';
import { SseCounter } from './sse.ts';

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

export function send(
  pool: Pool,
  req: BuiltRequest,
  opts: { timeoutMs: number; keepBody: boolean; stream?: 'sse' | 'chunked' },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { events: 0, endAt: 0 };
    const chunks: Buffer[] = [];
    let kept = 0;
    const sse = opts.stream === 'sse' ? new SseCounter() : undefined;
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      out.endAt = performance.now();
      if (error !== undefined) out.error = errorReason(error);
      if (opts.keepBody && chunks.length > 0) out.body = Buffer.concat(chunks).toString('utf8');
      resolve(out);
    };
    // undici's legacy handler callbacks: they are what its client calls natively, so no adapter object and
    // no parsing of response headers into an object that nobody reads (the current API adds both).
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {},
      onResponseStart(_c, statusCode) {
        // 1xx informational responses come before the real one.
        if (statusCode >= 200) {
          out.status = statusCode;
          out.headersAt = performance.now();
        }
        return true;
      },
      onResponseData(_c, chunk) {
        if (opts.stream) {
          const n = sse ? sse.push(chunk.toString('utf8')) : 1;
          if (n > 0) {
            const now = performance.now();
            out.firstEventAt ??= now;
            out.lastEventAt = now;
            out.events += n;
          }
        }
        if (opts.keepBody && kept < MAX_KEPT_BODY) {
          chunks.push(chunk);
          kept += chunk.length;
        }
        return true;
      },
      onResponseEnd() {
        finish();
      },
      onResponseError(_c, err) {
        finish(err);
      },
    };
    try {
      pool.dispatch(
        {
          method: req.method as Dispatcher.HttpMethod,
          path: req.path,
          headers: req.headers,
          ...(req.body !== undefined ? { body: req.body } : {}),
          headersTimeout: opts.timeoutMs,
          bodyTimeout: opts.timeoutMs,
        },
        handler,
      );
    } catch (err) {
      finish(err);
    }
  });
}
