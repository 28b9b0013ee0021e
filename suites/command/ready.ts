// Polling an http(s):// or tcp:// target until it answers. Polls every 10 ms, because the time to ready is a
// metric here: a backing-off poll (as for services) would round it up by up to a quarter of a second.

import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

const POLL_MS = 10;
const ATTEMPT_MS = 2000;

function probe(target: string): Promise<void> {
  const url = new URL(target);
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      // No keep-alive agent: each run starts a new server, and a pooled socket would outlive it.
      const req = client.get(url, { agent: false, timeout: ATTEMPT_MS }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 500) reject(new Error(`answered ${status}`));
        else resolve();
      });
      req.on('timeout', () => req.destroy(new Error(`no answer in ${ATTEMPT_MS / 1000} s`)));
      req.on('error', reject);
    });
  }
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: url.hostname || '127.0.0.1', port: Number(url.port) });
    sock.setTimeout(ATTEMPT_MS, () => sock.destroy(new Error(`no answer in ${ATTEMPT_MS / 1000} s`)));
    sock.once('connect', () => {
      sock.destroy();
      resolve();
    });
    sock.once('error', reject);
  });
}

export interface UrlPoll {
  /** Resolves with performance.now() at the first successful probe; never rejects. */
  ready: Promise<number>;
  /** Why the last probe failed, for the "not ready" message. */
  lastError(): string;
  stop(): void;
}

export function pollUrl(target: string): UrlPoll {
  let stopped = false;
  let last = 'no attempt yet';
  const ready = (async () => {
    while (!stopped) {
      try {
        await probe(target);
        if (!stopped) return performance.now();
      } catch (err) {
        last = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return new Promise<number>(() => {}); // stopped: never settles, the run has ended another way
  })();
  return {
    ready,
    lastError: () => last,
    stop: () => {
      stopped = true;
    },
  };
}
