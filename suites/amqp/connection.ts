// Where the suite connects: one amqp(s):// URL. Connections fail fast with one line that names the broker
// (a benchmark must report an unreachable broker, not retry forever), and passwords never reach a message.

import { type ChannelModel, connect } from 'amqplib';
import { redact } from '../broker/url.ts';

export { redact } from '../broker/url.ts';

/** How long opening a connection (TCP, TLS and the AMQP handshake) may take. */
export const CONNECT_TIMEOUT_MS = 5000;

/** Reject what amqplib would misread: a bad URL becomes a config error, not a socket error. */
export function checkUrl(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${redact(url)}" is not a URL; write amqp://user:password@host:5672/vhost`;
  }
  if (u.protocol !== 'amqp:' && u.protocol !== 'amqps:') {
    return `"${redact(url)}": expected an amqp:// or amqps:// URL`;
  }
  if (!u.hostname) return `"${redact(url)}": the URL names no host`;
  return undefined;
}

/** The vhost a URL names: its path without the slash, decoded; "/" when it has none. */
export function vhostOf(url: string): string {
  try {
    const path = new URL(url).pathname.slice(1);
    return path ? decodeURIComponent(path) : '/';
  } catch {
    return '/';
  }
}

/**
 * Why a connection failed, said for people: amqplib's handshake errors are long and cryptic. Reply codes
 * count only in amqplib's "403 (ACCESS-REFUSED)" form: a bare number would match a port, and a refused
 * connection to port 40317 would read as a wrong password.
 */
export function explainConnectError(err: Error, url: string): string {
  const msg = err.message;
  if (/ACCESS[-_]REFUSED|\b403 \(/.test(msg)) return 'login refused (check the user and password in url:)';
  // RabbitMQ answers connection.open for a vhost that is missing or forbidden with connection.close.
  if (/ConnectionOpenOk.*ConnectionClose|NOT[-_]ALLOWED|\b530 \(/.test(msg)) {
    return `the broker refused vhost "${vhostOf(url)}" (create it with rabbitmqctl add_vhost and grant the user access, or fix url:)`;
  }
  return msg;
}

/** Open a connection, or throw one line naming the broker and what went wrong. */
export async function openConnection(url: string, name: string, signal?: AbortSignal): Promise<ChannelModel> {
  const where = `RabbitMQ at ${redact(url)}`;
  const attempt = connect(url, {
    timeout: CONNECT_TIMEOUT_MS,
    noDelay: true,
    clientProperties: { connection_name: name },
  });
  let conn: ChannelModel;
  try {
    conn = signal ? await abortable(attempt, signal) : await attempt;
  } catch (err) {
    if (signal?.aborted) {
      // The attempt may still succeed later: close what it opens.
      void attempt.then((c) => c.close()).catch(() => {});
      throw signal.reason ?? new Error('aborted');
    }
    const e = err as Error;
    const why = /timeout|ETIMEDOUT/i.test(e.message)
      ? `no answer within ${CONNECT_TIMEOUT_MS} ms`
      : explainConnectError(e, url);
    throw new Error(`cannot connect to ${where}: ${why}`);
  }
  // Later errors surface through the failing operation or the 'close' event; an 'error' event without a
  // listener would crash the thread.
  conn.on('error', () => {});
  return conn;
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Why a connection that was open closed: the broker's reason (a shutdown, an alarm), or the socket's. */
export function closedBecause(err: Error | undefined): string {
  return err ? `the connection to RabbitMQ closed: ${err.message}` : 'the connection to RabbitMQ closed';
}

/**
 * Cut the connection's socket the way a crashed process does: no channel.close, no connection.close, so the
 * broker finds out only from TCP and must requeue every unacked delivery itself.
 */
export function severConnection(conn: ChannelModel): void {
  const inner = conn.connection as unknown as { stream?: { destroy(): void } };
  inner.stream?.destroy();
}
