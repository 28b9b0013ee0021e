// One producer: publishes its quota (or for the round's duration) on a confirm channel, in batches whose
// confirms it awaits with a few batches in flight, paced by the shared schedule (suites/broker/pace.ts): as
// fast as the broker confirms, or at a fixed rate (open model). Only confirmed events count.

import { once } from 'node:events';
import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import { makePace, type ProduceReport } from '../broker/pace.ts';
import { closedBecause, openConnection } from './connection.ts';
import { type EventEncoder, makeEncoder, nowUs } from './event.ts';
import type { RoundSpec, WorkerSetup } from './protocol.ts';

export type { ProduceReport } from '../broker/pace.ts';

/**
 * Unconfirmed messages allowed, in batches: enough to keep the broker busy while the next batch is encoded.
 * Counted in messages, so the small batches of the open model do not wait for confirms needlessly.
 */
const WINDOW = 4;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

export class Producer {
  private readonly encoder: EventEncoder;
  private readonly counters: Int32Array;
  private conn: ChannelModel | undefined;
  private channel: ConfirmChannel | undefined;
  /** Why the channel or connection closed under us, if it did. */
  private broken: string | undefined;

  constructor(
    readonly index: number,
    private readonly setup: WorkerSetup,
  ) {
    this.encoder = makeEncoder(setup.payload.shape, setup.payload.size);
    this.counters = new Int32Array(setup.shared.counters);
  }

  /** Connect ahead of the round, so connecting is never part of a measurement. */
  async prepare(): Promise<void> {
    if (this.channel && this.broken === undefined) return;
    await this.close();
    this.broken = undefined;
    const conn = await openConnection(this.setup.url, `perf-action-producer-${this.index}`);
    this.conn = conn;
    // Only the current connection and channel matter: old ones close on purpose.
    conn.on('close', (err?: Error) => {
      if (this.conn === conn) this.broken ??= closedBecause(err);
    });
    const ch = await conn.createConfirmChannel();
    this.channel = ch;
    // A channel error (a missing exchange, a broker alarm) closes the channel; say why.
    ch.on('error', (err: Error) => {
      if (this.channel === ch) this.broken ??= err.message;
    });
    ch.on('close', () => {
      if (this.channel === ch) this.broken ??= 'the channel closed';
    });
  }

  async run(spec: RoundSpec): Promise<ProduceReport> {
    await this.prepare();
    const ch = this.channel as ConfirmChannel;
    const pace = makePace(spec, spec.quota[this.index] ?? 0);
    const report: ProduceReport = { count: 0, firstUs: pace.startUs, lastUs: pace.startUs };
    let failed: string | undefined;
    const options: Options.Publish = {
      persistent: this.setup.persistent,
      contentType: 'application/json',
    };
    const inflight: Array<{ confirmed: Promise<void>; n: number }> = [];
    let unconfirmed = 0;
    const oldest = async () => {
      const b = inflight.shift() as { confirmed: Promise<void>; n: number };
      await this.untilConfirmed(b.confirmed);
      unconfirmed -= b.n;
    };
    for await (const { first: seq, n, index } of pace.batches(this.setup.batch, () => failed === undefined)) {
      if (this.broken !== undefined) {
        failed = this.broken;
        break;
      }
      const key = spec.routingKeys[(this.index + index) % spec.routingKeys.length] as string;
      let left = n;
      let batchError: string | undefined;
      let settle!: () => void;
      const confirmed = new Promise<void>((resolve) => {
        settle = resolve;
      });
      const onConfirm = (err: unknown) => {
        if (err) batchError ??= err instanceof Error ? err.message : 'the broker refused (nacked) a message';
        if (--left > 0) return;
        if (batchError !== undefined) failed ??= batchError;
        else {
          report.count += n;
          report.lastUs = nowUs();
          Atomics.add(this.counters, this.index, n);
        }
        settle();
      };
      let writable = true;
      for (let i = 0; i < n; i++) {
        const e = this.encoder.encode(this.index, seq + i, pace.stamp(seq + i));
        writable = ch.publish(
          spec.exchange,
          key,
          e.body,
          e.headers ? { ...options, headers: e.headers } : options,
          onConfirm,
        );
      }
      inflight.push({ confirmed, n });
      unconfirmed += n;
      // The socket's buffer is full: wait for it before encoding more (a closed channel never drains).
      if (!writable) await this.untilDrained(ch);
      while (unconfirmed >= WINDOW * this.setup.batch && this.broken === undefined) await oldest();
    }
    while (inflight.length > 0 && failed === undefined && this.broken === undefined) await oldest();
    failed ??= this.broken;
    if (failed !== undefined) report.error = failed;
    return report;
  }

  /** A confirm never comes from a dead channel: stop waiting when it breaks. */
  private async untilConfirmed(p: Promise<void>): Promise<void> {
    while (this.broken === undefined) {
      const done = await Promise.race([p.then(() => true), sleep(100).then(() => false)]);
      if (done) return;
    }
  }

  private async untilDrained(ch: ConfirmChannel): Promise<void> {
    const ac = new AbortController();
    const timer = setInterval(() => {
      if (this.broken !== undefined) ac.abort();
    }, 100);
    try {
      await once(ch, 'drain', { signal: ac.signal });
    } catch {
      // Aborted because the channel broke: the caller sees `broken`.
    } finally {
      clearInterval(timer);
    }
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    this.channel = undefined;
    await conn?.close().catch(() => {});
  }
}
