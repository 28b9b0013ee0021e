// A lean RESP2 pipeline for the producers' hot path. ioredis builds a Command, a promise and a reply
// array per XADD, which caps one thread at ~150k XADD/s (measured); a load generator must cost less than
// the system it measures, so producers write pre-encoded commands to a socket and only count the replies.
// Everything else (consumers, setup, cleanup) goes through ioredis.

import net from 'node:net';
import tls from 'node:tls';

export interface RespEndpoint {
  host: string;
  port: number;
  tls?: boolean;
  username?: string;
  password?: string;
  db?: number;
}

/** RESP bulk string for ASCII text (all keys and payloads perf-action writes are ASCII). */
export function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

export function encodeCommand(args: readonly string[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  return out;
}

/** A batch's outcome: its first error reply, and whether a reply was nil (XADD NOMKSTREAM to a stream that is gone). */
export type BatchDone = (error: string | undefined, nil?: boolean) => void;

interface Batch {
  replies: number;
  done: BatchDone;
}

export class RespPipe {
  private readonly batches: Batch[] = [];
  private headLeft = 0;
  private headError: string | undefined;
  private headNil = false;
  private pending: Buffer | undefined;
  /** Remaining elements at each open array level of the reply being parsed. */
  private readonly stack: number[] = [];
  private closedWith: Error | undefined;
  private drainWaiters: Array<() => void> = [];

  private constructor(
    private readonly socket: net.Socket,
    where: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // A socket error mid-run (write EPIPE, read ECONNRESET) means the server went away: say which one.
    socket.on('error', (err) => this.fail(new Error(`connection to Redis at ${where} lost: ${err.message}`)));
    socket.on('close', () => this.fail(new Error(`connection to Redis at ${where} closed`)));
  }

  static connect(ep: RespEndpoint, timeoutMs = 5000): Promise<RespPipe> {
    return new Promise((resolve, reject) => {
      const socket = ep.tls
        ? tls.connect({ host: ep.host, port: ep.port, servername: net.isIP(ep.host) ? undefined : ep.host })
        : net.connect(ep.port, ep.host);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${ep.host}:${ep.port} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once(ep.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        const pipe = new RespPipe(socket, `${ep.host}:${ep.port}`);
        const setup: string[][] = [];
        if (ep.password) setup.push(ep.username ? ['AUTH', ep.username, ep.password] : ['AUTH', ep.password]);
        if (ep.db) setup.push(['SELECT', String(ep.db)]);
        if (setup.length === 0) return resolve(pipe);
        pipe.send(setup.map(encodeCommand).join(''), setup.length, (error) => {
          if (error) {
            pipe.close();
            reject(new Error(error));
          } else resolve(pipe);
        });
      });
    });
  }

  /** Batches written whose replies have not all arrived. */
  get inflight(): number {
    return this.batches.length;
  }

  /** Write `replies` pre-encoded commands; `done` gets the first error reply of the batch, if any, and any nil. */
  send(encoded: string, replies: number, done: BatchDone): void {
    if (this.closedWith) {
      done(this.closedWith.message);
      return;
    }
    this.batches.push({ replies, done });
    if (this.batches.length === 1) {
      this.headLeft = replies;
      this.headError = undefined;
      this.headNil = false;
    }
    // Everything perf-action writes is ASCII: latin1 skips UTF-8 encoding work.
    this.socket.write(encoded, 'latin1');
  }

  /** Resolves when at most `max` batches are in flight. */
  async waitInflight(max: number): Promise<void> {
    while (this.batches.length > max && !this.closedWith) {
      await new Promise<void>((r) => this.drainWaiters.push(r));
    }
    if (this.closedWith) throw this.closedWith;
  }

  close(): void {
    this.socket.destroy();
  }

  private fail(err: Error): void {
    if (this.closedWith) return;
    this.closedWith = err;
    for (const b of this.batches.splice(0)) b.done(err.message);
    this.wake();
  }

  private wake(): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }

  private onData(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    const len = buf.length;
    let completed = false;
    while (pos < len) {
      const eol = buf.indexOf(13, pos);
      if (eol < 0 || eol + 1 >= len) break;
      const type = buf[pos];
      let next = eol + 2;
      let element = true;
      if (type === 36 /* $ */) {
        const n = readInt(buf, pos + 1, eol);
        if (n >= 0) {
          if (next + n + 2 > len) break;
          next += n + 2;
        } else if (this.stack.length === 0) this.headNil = true;
      } else if (type === 42 /* * */) {
        const n = readInt(buf, pos + 1, eol);
        if (n > 0) {
          this.stack.push(n);
          element = false;
        }
      } else if (type === 45 /* - */) {
        // Only the first error of a batch is kept: it is what the user needs to see.
        if (this.stack.length === 0) this.headError ??= buf.toString('utf8', pos + 1, Math.min(eol, pos + 301));
      }
      pos = next;
      if (!element) continue;
      // An element closes every array level it completes; a reply is done when none is left open.
      while (this.stack.length > 0) {
        const top = this.stack.length - 1;
        const left = (this.stack[top] as number) - 1;
        if (left > 0) {
          this.stack[top] = left;
          break;
        }
        this.stack.pop();
      }
      if (this.stack.length === 0) {
        completed = true;
        this.replyDone();
      }
    }
    this.pending = pos < len ? Buffer.from(buf.subarray(pos)) : undefined;
    if (completed) this.wake();
  }

  private replyDone(): void {
    if (--this.headLeft > 0) return;
    const batch = this.batches.shift();
    const error = this.headError;
    const nil = this.headNil;
    const head = this.batches[0];
    this.headLeft = head ? head.replies : 0;
    this.headError = undefined;
    this.headNil = false;
    batch?.done(error, nil);
  }
}

function readInt(buf: Buffer, from: number, to: number): number {
  let i = from;
  let sign = 1;
  if (buf[i] === 45) {
    sign = -1;
    i++;
  }
  let n = 0;
  for (; i < to; i++) n = n * 10 + ((buf[i] as number) - 48);
  return sign * n;
}
