// One consumer: basic.consume with manual acks and a prefetch window. Deliveries that arrive together (one
// socket read) are handled as a batch: recorded in the shared record, optionally given the simulated
// processing time, and acked with one `multiple` ack. The crash victim instead stops at a batch it has half
// processed and cuts its connection, holding every delivery it has not acked: RabbitMQ must requeue them
// (flagged redelivered) to the survivors on the same queue.

import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { BrokerConsumer, sleep } from '../broker/consumer.ts';
import { pastCrashPoint } from '../broker/record.ts';
import { closedBecause, openConnection, severConnection } from './connection.ts';
import { decodeEvent, nowUs } from './event.ts';
import type { RoundSpec, WorkerSetup } from './protocol.ts';

export interface ConsumeReport {
  lastAckUs: number;
  foreign: number;
  redelivered: number;
  error?: string;
}

export interface ConsumerHooks {
  /** The victim processed part of what it holds and will never ack it; its connection is about to be cut. */
  crashing(held: number[], before: number[]): void;
  /** A batch holding redelivered messages was acked. */
  redelivered(): void;
}

export class Consumer extends BrokerConsumer<WorkerSetup, ConsumerHooks> {
  private conn: ChannelModel | undefined;
  private channel: Channel | undefined;
  private tag: string | undefined;
  private spec: RoundSpec | undefined;
  private report: ConsumeReport = { lastAckUs: 0, foreign: 0, redelivered: 0 };
  private pending: ConsumeMessage[] = [];
  private draining: Promise<void> | undefined;
  /** The victim has cut its connection: it handles nothing more this round. */
  private dead = false;
  private broken: string | undefined;

  /** Connect (again, after a crash) and start consuming the round's queue before any event is published. */
  async prepare(spec: RoundSpec): Promise<void> {
    this.spec = spec;
    this.report = { lastAckUs: 0, foreign: 0, redelivered: 0 };
    this.pending = [];
    this.armed = false;
    this.dead = false;
    this.broken = undefined;
    if (!this.conn) {
      const conn = await openConnection(this.setup.url, `perf-action-${this.name}`);
      // Only the current connection's end matters: a connection the victim cut is gone on purpose.
      conn.on('close', (err?: Error) => {
        if (this.conn !== conn) return;
        this.conn = undefined;
        this.broken ??= closedBecause(err);
      });
      this.conn = conn;
    }
    const ch = await this.conn.createChannel();
    ch.on('error', (err: Error) => {
      if (this.channel === ch) this.broken ??= err.message;
    });
    await ch.prefetch(this.setup.prefetch);
    const queue = spec.queues[this.index % spec.queues.length] as string;
    // Set before consuming: deliveries can arrive in the same socket read as the consume-ok.
    this.channel = ch;
    const ok = await ch.consume(queue, (m) => this.onMessage(m), { noAck: false });
    this.tag = ok.consumerTag;
  }

  /** Stop consuming, ack what was handled, and report; the connection stays open for the next round. */
  async stop(): Promise<ConsumeReport> {
    const ch = this.channel;
    if (ch && !this.dead && this.broken === undefined) {
      try {
        if (this.tag) await ch.cancel(this.tag);
        // Deliveries that arrived before the cancel-ok are handled and acked first.
        await this.draining;
        // Closing the channel flushes its acks first; anything unacked goes back to the queue.
        this.channel = undefined;
        await ch.close();
      } catch (err) {
        this.broken ??= (err as Error).message;
      }
    }
    this.channel = undefined;
    this.tag = undefined;
    if (this.broken !== undefined) this.report.error = this.broken;
    return this.report;
  }

  private onMessage(m: ConsumeMessage | null): void {
    if (this.dead) return;
    // null: the broker cancelled the consumer (its queue was deleted under it).
    if (m === null) {
      this.broken ??= 'the broker cancelled the consumer (was the queue deleted?)';
      return;
    }
    this.pending.push(m);
    // Everything parsed from one socket read arrives before this runs: handle it as one batch.
    this.draining ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.drain());
  }

  private async drain(): Promise<void> {
    const spec = this.spec as RoundSpec;
    const ch = this.channel;
    while (this.pending.length > 0 && !this.dead && ch) {
      const batch = this.pending;
      this.pending = [];
      const atUs = nowUs();
      if (this.victim && (this.armed || this.reached(batch, spec))) {
        // Cut off mid-batch: the first half is processed, nothing of the batch or of what waits behind it
        // is acked. Every one must be delivered again; without that the rest would be lost.
        const held: number[] = [];
        this.record(batch, atUs, spec, Math.ceil(batch.length / 2), held);
        this.record(this.pending, atUs, spec, 0, held);
        this.dead = true;
        this.pending = [];
        this.hooks.crashing(
          held,
          held.map((slot) => Atomics.load(this.ledger.seen, slot)),
        );
        this.channel = undefined;
        severConnection(this.conn as ChannelModel);
        this.conn = undefined;
        break;
      }
      const redelivered = this.record(batch, atUs, spec);
      if (this.setup.processingMs > 0) await sleep(this.setup.processingMs * batch.length);
      if (this.dead || this.channel !== ch) break;
      try {
        ch.ack(batch[batch.length - 1] as ConsumeMessage, true);
      } catch (err) {
        // The channel is closing under us: nothing more can be acked this round.
        this.broken ??= (err as Error).message;
        break;
      }
      this.ledger.count(this.ackSlot, batch.length);
      this.report.lastAckUs = nowUs();
      if (redelivered > 0) this.hooks.redelivered();
    }
    this.draining = undefined;
  }

  /** Whether the batch reaches the crash position (events mode). */
  private reached(batch: ConsumeMessage[], spec: RoundSpec): boolean {
    if (spec.crashAt === undefined || spec.durationMs !== undefined) return false;
    const d = this.decoded;
    return batch.some((m) => decodeEvent(m.content, m.properties.headers, d) && pastCrashPoint(d, spec));
  }

  /**
   * Count deliveries of the first `upto` messages in the shared record (latency is kept for an event's first
   * delivery); `held` collects the record slots of all of them. Returns how many carried the redelivered flag.
   */
  private record(batch: ConsumeMessage[], atUs: number, spec: RoundSpec, upto = batch.length, held?: number[]): number {
    const d = this.decoded;
    let redelivered = 0;
    for (let i = 0; i < batch.length; i++) {
      const m = batch[i] as ConsumeMessage;
      const slot = decodeEvent(m.content, m.properties.headers, d) ? this.ledger.slotOf(d, spec) : -1;
      if (slot < 0) {
        if (i < upto) this.report.foreign++;
        continue;
      }
      held?.push(slot);
      if (i >= upto) continue;
      if (m.fields.redelivered) redelivered++;
      this.ledger.deliver(slot, atUs, d.tsUs);
    }
    this.report.redelivered += redelivered;
    return redelivered;
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    this.channel = undefined;
    await conn?.close().catch(() => {});
  }
}
