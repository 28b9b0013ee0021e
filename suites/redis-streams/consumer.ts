// One consumer of the group: XREADGROUP with COUNT and BLOCK, record each delivery, optionally spend the
// simulated processing time, XACK the batch (pipelined ahead of the next read on the same connection), and
// every so often XAUTOCLAIM entries other consumers left idle for `min-idle` - what a real consumer does to
// recover from a crashed peer. The crash victim instead stops at a batch it has processed but not acked.

import { BrokerConsumer, sleep } from '../broker/consumer.ts';
import { pastCrashPoint } from '../broker/record.ts';
import { type Client, connectClient, createClient } from './connection.ts';
import { decodeEntry, nowUs } from './event.ts';
import type { RoundSpec, StreamRef, WorkerSetup } from './protocol.ts';

type Entry = [id: Buffer, fields: Buffer[] | null];

export interface ConsumeReport {
  lastAckUs: number;
  foreign: number;
  error?: string;
}

export interface ConsumerHooks {
  /** The victim processed a batch it will never ack; the thread is about to be killed. */
  crashing(held: number[]): void;
  /** A reclaimed batch was acked. */
  reclaimed(): void;
  /** The first entries read after reconnecting to a restarted broker. */
  resumed(atUs: number): void;
}

export class Consumer extends BrokerConsumer<WorkerSetup, ConsumerHooks> {
  private client: Client | undefined;
  private stopping = false;

  async connect(): Promise<void> {
    if (this.client) return;
    const client = createClient(this.setup.target, `perf-action-${this.name}`);
    await connectClient(client, this.setup.target);
    this.client = client;
  }

  stop(): void {
    this.stopping = true;
  }

  async run(spec: RoundSpec): Promise<ConsumeReport> {
    this.stopping = false;
    this.armed = false;
    let client = this.client as Client;
    const stream = spec.streams[this.index % spec.streams.length] as StreamRef;
    const report: ConsumeReport = { lastAckUs: 0, foreign: 0 };
    const ackSlot = this.ackSlot;
    const claimEveryMs = Math.max(10, Math.min(this.setup.minIdleMs / 4, 250));
    let nextClaimUs = nowUs() + claimEveryMs * 1000;
    let pendingAck: Promise<void> = Promise.resolve();
    let ackError: string | undefined;
    /** The victim's unacked entries once it reached the crash position, each with when it was read. */
    const holding: Array<{ entry: Entry; atUs: number }> = [];
    const ack = (ids: Buffer[], after?: () => void) => {
      // Not awaited: it travels ahead of the next XREADGROUP on the same connection, and its reply
      // arrives before that read's, so at most one XACK is ever outstanding.
      pendingAck = (client.call('XACK', stream.key, spec.group, ...ids) as Promise<number>).then(
        (n) => {
          this.ledger.count(ackSlot, n);
          report.lastAckUs = nowUs();
          after?.();
        },
        (err: Error) => {
          // After a broker restart the entries stay pending (or were acked before it died): the survivors'
          // XAUTOCLAIM and the ledger account for them, so a lost ack is no failure then.
          if (this.setup.reconnectMs === undefined) ackError ??= err.message;
        },
      );
    };
    /** Since when the connection has failed (a restarted broker); the first read after it is timed. */
    let brokenSinceUs: number | undefined;
    let resuming = false;
    const read = (entries: number, atUs: number) => {
      if (resuming && entries > 0) {
        resuming = false;
        this.hooks.resumed(atUs);
      }
    };
    try {
      while (!this.stopping && ackError === undefined) {
        try {
          if (brokenSinceUs !== undefined) {
            client = await this.reopen();
            brokenSinceUs = undefined;
            resuming = true;
          }
          await this.once(client, stream, spec, report, ack, holding, read);
        } catch (err) {
          const limit = this.setup.reconnectMs;
          if (limit === undefined) throw err;
          if (this.stopping) break;
          brokenSinceUs ??= nowUs();
          if (nowUs() - brokenSinceUs > limit * 1000) throw err;
          await sleep(20);
        }
        if (this.setup.reclaim && !this.victim && nowUs() >= nextClaimUs && brokenSinceUs === undefined) {
          await this.reclaim(client, stream, spec, report, ack, read).catch((err: Error) => {
            if (this.setup.reconnectMs === undefined) throw err;
            brokenSinceUs ??= nowUs();
          });
          nextClaimUs = nowUs() + claimEveryMs * 1000;
        }
      }
      await pendingAck;
      if (ackError !== undefined) report.error = ackError;
    } catch (err) {
      report.error = (err as Error).message;
    }
    return report;
  }

  /** A new connection in place of one a broker restart closed. */
  private async reopen(): Promise<Client> {
    this.close();
    await this.connect();
    return this.client as Client;
  }

  /** One XREADGROUP and what follows it: the victim's crash, or recording and acking the batch. */
  private async once(
    client: Client,
    stream: StreamRef,
    spec: RoundSpec,
    report: ConsumeReport,
    ack: (ids: Buffer[]) => void,
    holding: Array<{ entry: Entry; atUs: number }>,
    read: (entries: number, atUs: number) => void,
  ): Promise<void> {
    const reply = (await client.callBuffer(
      'XREADGROUP',
      'GROUP',
      spec.group,
      this.name,
      'COUNT',
      this.setup.count,
      'BLOCK',
      this.setup.blockMs,
      'STREAMS',
      stream.key,
      '>',
    )) as Array<[Buffer, Entry[]]> | null;
    const atUs = nowUs();
    const entries = reply?.[0]?.[1] ?? [];
    read(entries.length, atUs);
    if (this.victim && (holding.length > 0 || (entries.length > 0 && (this.armed || this.reached(entries, spec))))) {
      // Killed mid-batch: the first half is processed, none of it acked. Recovery must redeliver all of
      // it; without recovery the second half is lost. A consumer that keeps up reads one entry at a
      // time, and half of one is all of it: the victim reads on, acking nothing, until it holds two -
      // or until the stream runs dry, when it dies with what it has.
      for (const e of entries) holding.push({ entry: e, atUs });
      if (holding.length >= 2 || entries.length === 0) {
        const held: number[] = [];
        const upto = Math.ceil(holding.length / 2);
        holding.forEach((h, i) => {
          this.record([h.entry], h.atUs, spec, report, i < upto ? 1 : 0, held);
        });
        this.hooks.crashing(held);
        await new Promise(() => {});
      }
      return;
    }
    if (entries.length > 0) {
      const ids = this.record(entries, atUs, spec, report);
      if (this.setup.processingMs > 0) await sleep(this.setup.processingMs * entries.length);
      ack(ids);
    }
  }

  /** XAUTOCLAIM until the cursor wraps: entries idle for min-idle belong to a consumer that is gone. */
  private async reclaim(
    client: Client,
    stream: StreamRef,
    spec: RoundSpec,
    report: ConsumeReport,
    ack: (ids: Buffer[], after?: () => void) => void,
    read?: (entries: number, atUs: number) => void,
  ): Promise<void> {
    let cursor = '0-0';
    for (let pass = 0; pass < 100; pass++) {
      const reply = (await client.callBuffer(
        'XAUTOCLAIM',
        stream.key,
        spec.group,
        this.name,
        this.setup.minIdleMs,
        cursor,
        'COUNT',
        this.setup.count,
      )) as [Buffer, Entry[], Buffer[]?];
      const entries = (reply[1] ?? []).filter((e) => e[1] !== null);
      read?.(entries.length, nowUs());
      if (entries.length > 0) {
        const ids = this.record(entries, nowUs(), spec, report);
        if (this.setup.processingMs > 0) await sleep(this.setup.processingMs * entries.length);
        ack(ids, () => this.hooks.reclaimed());
      }
      cursor = reply[0].toString();
      if (cursor === '0-0') return;
    }
  }

  /** Whether the batch ends at or past the crash position (events mode). */
  private reached(entries: Entry[], spec: RoundSpec): boolean {
    const d = this.decoded;
    const last = entries[entries.length - 1] as Entry;
    return decodeEntry(last[1], d) && pastCrashPoint(d, spec);
  }

  /**
   * Count deliveries of the first `upto` entries in the shared record (latency is kept for an event's
   * first delivery) and return the ids to ack; `held` collects the record slots of all entries.
   */
  private record(
    entries: Entry[],
    atUs: number,
    spec: RoundSpec,
    report: ConsumeReport,
    upto = entries.length,
    held?: number[],
  ): Buffer[] {
    const ids: Buffer[] = new Array(entries.length);
    const d = this.decoded;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i] as Entry;
      ids[i] = e[0];
      const slot = decodeEntry(e[1], d) ? this.ledger.slotOf(d, spec) : -1;
      if (slot < 0) {
        report.foreign++;
        continue;
      }
      held?.push(slot);
      if (i >= upto) continue;
      this.ledger.deliver(slot, atUs, d.tsUs);
    }
    return ids;
  }

  close(): void {
    this.client?.disconnect();
    this.client = undefined;
  }
}
