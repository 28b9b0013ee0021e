// One producer: XADDs its quota (or for the round's duration) in pipelined batches, paced by the shared
// schedule (suites/broker/pace.ts): as fast as the server takes them, or at a fixed rate (open model).

import { sleep } from '../broker/consumer.ts';
import { makePace, type ProduceReport } from '../broker/pace.ts';
import { ConfirmRecord } from '../broker/record.ts';

export type { ProduceReport } from '../broker/pace.ts';

import { type Client, connectClient, createClient } from './connection.ts';
import { type EventEncoder, makeEncoder, nowUs } from './event.ts';
import type { RoundSpec, StreamRef, WorkerSetup } from './protocol.ts';
import { type BatchDone, bulk, RespPipe } from './resp-pipe.ts';

/** Batches in flight per connection: enough to keep the server busy while the next batch is encoded. */
const WINDOW = 4;

interface Batch {
  stream: StreamRef;
  first: number;
  n: number;
  /** The timestamp of event `seq`. */
  stamp: (seq: number) => number;
  done: BatchDone;
}

/** Where batches go: the lean RESP pipeline or an ioredis pipeline. */
interface Sink {
  /** Resolves when another batch may be written to this stream. */
  ready(stream: StreamRef): Promise<void>;
  send(batch: Batch): void;
  /** Resolves when every batch written has its replies. */
  drain(): Promise<void>;
  close(): void;
}

export interface ProducerHooks {
  /** The victim wrote its batch past the crash point and stalls; the thread is about to be killed. */
  crashing(report: ProduceReport): void;
}

export class Producer {
  private readonly encoder: EventEncoder;
  private readonly counters: Int32Array;
  private readonly confirms: ConfirmRecord;
  private sink: Sink | undefined;
  private sinkKey = '';
  /** In duration mode the suite arms the victim by time; it dies after its next batch. */
  private armed = false;

  constructor(
    readonly index: number,
    private readonly setup: WorkerSetup,
    private readonly victim = false,
    private readonly hooks?: ProducerHooks,
  ) {
    this.encoder = makeEncoder(setup.payload.shape, setup.payload.size);
    this.counters = new Int32Array(setup.shared.counters);
    this.confirms = new ConfirmRecord(setup.shared);
  }

  arm(): void {
    this.armed = true;
  }

  /** Connect ahead of the round, so connecting is never part of a measurement. */
  async prepare(spec: RoundSpec): Promise<void> {
    await this.sinkFor(spec.streams);
  }

  async run(spec: RoundSpec): Promise<ProduceReport> {
    this.armed = false;
    let sink = await this.sinkFor(spec.streams);
    const pace = makePace(spec, spec.quota[this.index] ?? 0);
    const base = spec.bases[this.index] ?? 0;
    const report: ProduceReport = { count: 0, firstUs: pace.startUs, lastUs: pace.startUs };
    let failed: string | undefined;
    const reconnect = this.setup.reconnectMs;
    /** Set when a batch failed on a lost connection (a broker restart): the next one reconnects first. */
    let broken = false;
    /** Which connection a batch went out on: a late failure of an old one must not break the new one. */
    let generation = 0;
    const done = (first: number, n: number, sentOn: number) => (error: string | undefined, nil?: boolean) => {
      // After a broker restart without persistence XADD NOMKSTREAM answers nil until the stream is back: not
      // added, so unconfirmed. (Otherwise a stream gone mid-round counts as before: the ledger shows it lost.)
      if (nil && error === undefined && reconnect !== undefined) return;
      if (error !== undefined && reconnect !== undefined) broken ||= sentOn === generation;
      else if (error !== undefined) failed ??= error;
      else {
        report.count += n;
        report.lastUs = nowUs();
        this.confirms.confirmed(base, first, n);
        Atomics.add(this.counters, this.index, n);
      }
    };
    const stamp = pace.stamp;
    // The victim dies with the batch that reaches this far into its quota (in events mode; by time otherwise).
    const crashFrom =
      this.victim && spec.crashAt !== undefined && spec.durationMs === undefined
        ? spec.crashAt * pace.limit
        : Number.POSITIVE_INFINITY;
    for await (const { first, n, index } of pace.batches(this.setup.batch, () => failed === undefined)) {
      const stream = spec.streams[(this.index + index) % spec.streams.length] as StreamRef;
      if (reconnect === undefined) await sink.ready(stream);
      else
        sink = await this.usable(
          sink,
          stream,
          spec.streams,
          () => broken,
          reconnect,
          () => {
            broken = false;
            generation++;
          },
        );
      this.confirms.sent(base, first, n);
      sink.send({ stream, first, n, stamp, done: done(first, n, generation) });
      if (this.victim && (this.armed || first + n >= crashFrom)) {
        // Dies with this batch (and any before it) written and unanswered: the replies that arrive before
        // the thread is killed still count, as a real process's would until it is gone.
        this.hooks?.crashing({ ...report });
        await new Promise(() => {});
      }
    }
    await sink.drain();
    if (failed !== undefined) report.error = failed;
    return report;
  }

  close(): void {
    this.sink?.close();
    this.sink = undefined;
  }

  /**
   * A sink that takes the next batch: this one, or a new one once the broker is back (a restart closed the
   * old connection). Batches in flight on the old one stay unconfirmed. Fails after `limitMs` without one.
   */
  private async usable(
    sink: Sink,
    stream: StreamRef,
    streams: StreamRef[],
    broken: () => boolean,
    limitMs: number,
    repaired: () => void,
  ): Promise<Sink> {
    let since: number | undefined;
    let current = sink;
    for (;;) {
      try {
        if (since !== undefined || broken()) {
          this.close();
          current = await this.sinkFor(streams);
          repaired();
        }
        await current.ready(stream);
        return current;
      } catch (err) {
        since ??= nowUs();
        if (nowUs() - since > limitMs * 1000) throw err;
        await sleep(20);
      }
    }
  }

  private async sinkFor(streams: StreamRef[]): Promise<Sink> {
    const key = streams.map((s) => `${s.key}@${s.endpoint.host}:${s.endpoint.port}`).join(',');
    if (this.sink && this.sinkKey === key) return this.sink;
    this.close();
    this.sink = this.setup.writer === 'resp' ? await this.respSink(streams) : await this.ioredisSink();
    this.sinkKey = key;
    return this.sink;
  }

  private xaddHead(key: string): string[] {
    const trim = this.setup.maxlen !== undefined ? ['MAXLEN', '~', String(this.setup.maxlen)] : [];
    return ['XADD', key, ...(this.setup.nomkstream ? ['NOMKSTREAM'] : []), ...trim, '*'];
  }

  private async respSink(streams: StreamRef[]): Promise<Sink> {
    const pipes = new Map<string, RespPipe>();
    const prefixes = new Map<string, string>();
    const nodeOf = (s: StreamRef) => `${s.endpoint.host}:${s.endpoint.port}`;
    try {
      for (const s of streams) {
        if (!pipes.has(nodeOf(s))) pipes.set(nodeOf(s), await RespPipe.connect(s.endpoint));
        const head = this.xaddHead(s.key);
        // Everything before the fields is the same for every XADD to this stream: encode it once.
        prefixes.set(s.key, `*${head.length + this.encoder.arity * 2}\r\n${head.map(bulk).join('')}`);
      }
    } catch (err) {
      for (const p of pipes.values()) p.close();
      throw err;
    }
    const pipeOf = (s: StreamRef) => pipes.get(nodeOf(s)) as RespPipe;
    return {
      ready: (s) => pipeOf(s).waitInflight(WINDOW - 1),
      send: (b) => {
        const prefix = prefixes.get(b.stream.key) as string;
        let out = '';
        for (let seq = b.first; seq < b.first + b.n; seq++) {
          out += prefix;
          for (const f of this.encoder.fields(this.index, seq, b.stamp(seq))) out += `$${f.length}\r\n${f}\r\n`;
        }
        pipeOf(b.stream).send(out, b.n, b.done);
      },
      drain: async () => {
        for (const p of pipes.values()) await p.waitInflight(0).catch(() => {});
      },
      close: () => {
        for (const p of pipes.values()) p.close();
      },
    };
  }

  private async ioredisSink(): Promise<Sink> {
    const client: Client = createClient(this.setup.target, `perf-action-producer-${this.index}`);
    await connectClient(client, this.setup.target);
    const inflight = new Set<Promise<unknown>>();
    return {
      ready: async () => {
        while (inflight.size >= WINDOW) await Promise.race(inflight);
      },
      send: (b) => {
        const pipeline = client.pipeline();
        const args = this.xaddHead(b.stream.key).slice(1);
        for (let seq = b.first; seq < b.first + b.n; seq++) {
          pipeline.call('XADD', ...args, ...this.encoder.fields(this.index, seq, b.stamp(seq)));
        }
        const sent = pipeline.exec().then(
          (results) => {
            const bad = results?.find(([err]) => err);
            const nil = results?.some(([, value]) => value === null);
            b.done(bad ? (bad[0] as Error).message : results ? undefined : 'pipeline aborted', nil);
          },
          (err: Error) => b.done(err.message),
        );
        inflight.add(sent);
        void sent.finally(() => inflight.delete(sent));
      },
      drain: async () => {
        await Promise.all(inflight);
      },
      close: () => client.disconnect(),
    };
  }
}
