// The suite's own connection to the broker: creates each round's exchange and queues under unique names,
// reads queue depths, and deletes everything it created - also after a failure or an abort.

import { randomBytes } from 'node:crypto';
import type { Channel, ChannelModel } from 'amqplib';
import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { openConnection, redact } from './connection.ts';

export interface RoundTopology {
  exchange: string;
  queues: string[];
  routingKeys: string[];
}

export interface QueueOptions {
  count: number;
  type: 'classic' | 'quorum';
  persistent: boolean;
  ttlMs: number;
}

export class Admin {
  readonly runId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  /** Queues and exchanges created and not yet deleted: what cleanup must remove, whatever happens. */
  private readonly liveQueues = new Set<string>();
  private readonly liveExchanges = new Set<string>();
  private channel: Channel | undefined;

  private constructor(
    private readonly conn: ChannelModel,
    readonly url: string,
    private readonly prefix: string,
    private readonly suite: string,
  ) {}

  static async connect(url: string, prefix: string, suite: string, signal?: AbortSignal): Promise<Admin> {
    let conn: ChannelModel;
    try {
      conn = await openConnection(url, 'perf-action-admin', signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      const message = (err as Error).message;
      const local = /\/\/([^@/]*@)?(127\.0\.0\.1|localhost|\[::1\])/.test(url);
      const hint = local && /ECONNREFUSED|no answer/.test(message) ? ' (is rabbitmq-server running? set url:)' : '';
      throw new SuiteSetupError(`${message}${hint}`);
    }
    return new Admin(conn, url, prefix, suite.replace(/[^A-Za-z0-9_.-]/g, '_'));
  }

  /** "RabbitMQ 3.10.8", from what the broker said when the connection opened. */
  get server(): string {
    const props = this.conn.connection.serverProperties as unknown as Record<string, unknown>;
    return `${String(props.product ?? 'AMQP broker')} ${String(props.version ?? '')}`.trim();
  }

  /**
   * A failed operation closes an AMQP channel (404, 406, ...): every operation gets a working one, so one
   * failure never stops the cleanup that follows.
   */
  private async ch(): Promise<Channel> {
    if (this.channel) return this.channel;
    const ch = await this.conn.createChannel();
    ch.on('error', () => {});
    ch.on('close', () => {
      if (this.channel === ch) this.channel = undefined;
    });
    this.channel = ch;
    return ch;
  }

  private name(round: number): string {
    return `${this.prefix}.${this.suite}.${this.runId}.r${round}`;
  }

  /** Declare the round's exchange and its queues, each bound with a routing key of its own. */
  async createRound(round: number, opts: QueueOptions): Promise<RoundTopology> {
    const exchange = this.name(round);
    const queues: string[] = [];
    const routingKeys: string[] = [];
    const args: Record<string, unknown> = {};
    // The queues expire if perf-action dies before deleting them; the exchange is auto-deleted with their bindings.
    if (opts.ttlMs > 0) args['x-expires'] = Math.max(1, Math.round(opts.ttlMs));
    if (opts.type === 'quorum') args['x-queue-type'] = 'quorum';
    const durable = opts.persistent || opts.type === 'quorum';
    const where = `${this.server} at ${redact(this.url)}`;
    try {
      this.liveExchanges.add(exchange);
      await (await this.ch()).assertExchange(exchange, 'direct', { durable: false, autoDelete: true });
      for (let k = 0; k < opts.count; k++) {
        const queue = `${exchange}.q${k}`;
        this.liveQueues.add(queue);
        await (await this.ch()).assertQueue(queue, { durable, exclusive: false, autoDelete: false, arguments: args });
        await (await this.ch()).bindQueue(queue, exchange, `q${k}`);
        queues.push(queue);
        routingKeys.push(`q${k}`);
      }
    } catch (err) {
      throw new Error(`${where} refused to create ${exchange}: ${(err as Error).message}`);
    }
    return { exchange, queues, routingKeys };
  }

  /** Messages ready in the queues (not counting those delivered and not yet acked). */
  async ready(queues: string[]): Promise<number> {
    let n = 0;
    for (const q of queues) n += (await (await this.ch()).checkQueue(q)).messageCount;
    return n;
  }

  async deleteRound(t: RoundTopology): Promise<void> {
    for (const q of t.queues) {
      await (await this.ch()).deleteQueue(q);
      this.liveQueues.delete(q);
    }
    await (await this.ch()).deleteExchange(t.exchange);
    this.liveExchanges.delete(t.exchange);
  }

  /** Delete whatever is left (after a failure or Ctrl-C) and disconnect; never throws. */
  async close(): Promise<string[]> {
    const left: string[] = [];
    for (const q of this.liveQueues) {
      try {
        await (await this.ch()).deleteQueue(q);
      } catch {
        left.push(`queue ${q}`);
      }
    }
    for (const x of this.liveExchanges) {
      try {
        await (await this.ch()).deleteExchange(x);
      } catch {
        left.push(`exchange ${x}`);
      }
    }
    this.liveQueues.clear();
    this.liveExchanges.clear();
    await this.conn.close().catch(() => {});
    return left;
  }
}
