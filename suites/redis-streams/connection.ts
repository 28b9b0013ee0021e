// Where the suite connects: one URL (standalone) or seed URLs (cluster), as ioredis clients for everything
// but the producers' hot path, and as plain endpoints for the lean RESP pipeline.

import { Cluster, Redis } from 'ioredis';
import { redact } from '../broker/url.ts';
import type { RespEndpoint } from './resp-pipe.ts';

export { redact } from '../broker/url.ts';

export interface Target {
  urls: string[];
  cluster: boolean;
}

export type Client = Redis | Cluster;

export function endpointOf(url: string): RespEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`"${redact(url)}" is not a URL; write redis://host:port`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new Error(`"${redact(url)}": expected a redis:// or rediss:// URL`);
  }
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`"${redact(url)}": the path must be a database number`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(u.port || 6379),
    tls: u.protocol === 'rediss:',
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db ? { db } : {}),
  };
}

function redisOptions(ep: RespEndpoint) {
  return {
    // RESP2: plain nested arrays for stream replies (ioredis 6 defaults to RESP3 maps), and Redis 5 has no HELLO.
    protocol: 2 as const,
    ...(ep.username ? { username: ep.username } : {}),
    ...(ep.password ? { password: ep.password } : {}),
    ...(ep.tls ? { tls: ep.host && !/^[\d.:]+$/.test(ep.host) ? { servername: ep.host } : {} } : {}),
  };
}

/**
 * An ioredis client that fails fast: a benchmark must report an unreachable server, not retry forever.
 * `lazyConnect` lets the caller await connect() and see the error.
 */
export function createClient(target: Target, name: string): Client {
  const eps = target.urls.map(endpointOf);
  const first = eps[0] as RespEndpoint;
  if (target.cluster) {
    return new Cluster(
      eps.map((e) => ({ host: e.host, port: e.port })),
      {
        lazyConnect: true,
        enableOfflineQueue: true,
        clusterRetryStrategy: () => null,
        slotsRefreshTimeout: 5000,
        redisOptions: {
          ...redisOptions(first),
          connectionName: name,
          connectTimeout: 5000,
          commandTimeout: COMMAND_TIMEOUT_MS,
          maxRetriesPerRequest: 1,
        },
      },
    );
  }
  return new Redis({
    host: first.host,
    port: first.port,
    db: first.db ?? 0,
    ...redisOptions(first),
    connectionName: name,
    lazyConnect: true,
    connectTimeout: 5000,
    // A server that accepts the connection and never answers must fail the suite, not hang it.
    commandTimeout: COMMAND_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
}

/** No command (XREADGROUP's BLOCK is far shorter) waits longer than this for its reply. */
export const COMMAND_TIMEOUT_MS = 15_000;

/** Connect, turning ioredis' errors into one line that names the server. */
export async function connectClient(client: Client, target: Target): Promise<void> {
  const errors: string[] = [];
  const onError = (err: Error) => errors.push(err.message);
  client.on('error', onError);
  let timer: NodeJS.Timeout | undefined;
  try {
    // connect() waits for the ready check's reply too: bounded, for a server that accepts and never answers.
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`it accepted the connection but did not answer within ${COMMAND_TIMEOUT_MS / 1000} s`)),
          COMMAND_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (err) {
    const why = errors[0] ?? (err as Error).message;
    client.disconnect();
    throw new Error(`cannot connect to Redis at ${target.urls.map(redact).join(', ')}: ${why}`);
  } finally {
    clearTimeout(timer);
    client.off('error', onError);
  }
  // Later errors surface through the failing command; without a listener ioredis would log them.
  client.on('error', () => {});
}
