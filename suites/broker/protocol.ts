// What every broker suite's main thread and worker threads share: who runs where, the shared delivery
// record, and the messages of a round that do not depend on the broker. Deliveries are recorded in shared
// memory as they happen, so a consumer that dies mid-batch still leaves an exact record of what it processed:
// that is what makes `lost` and `duplicates` trustworthy.

export interface AgentSpec {
  kind: 'producer' | 'consumer';
  index: number;
  /** The consumer (or, with `crash.target: producer`, the producer) the crash probe kills. */
  victim?: boolean;
}

export interface SharedRecord {
  /** Uint8 per event slot: how many times it was delivered to a consumer (saturates at 255). */
  seen: SharedArrayBuffer;
  /** Float32 per event slot: ms from send to first delivery. */
  latency: SharedArrayBuffer;
  /** Int32: events the broker accepted per producer, then events acknowledged per consumer. */
  counters: SharedArrayBuffer;
  /**
   * Uint8 per event slot, kept when a fault can leave sends unanswered (a producer crash, a broker restart):
   * SENT once written, CONFIRMED once the broker acknowledged it. Only confirmed events count as produced.
   */
  confirmed?: SharedArrayBuffer;
}

/** What every worker thread is started with; a suite adds its broker's settings. */
export interface BaseSetup {
  agents: AgentSpec[];
  producers: number;
  consumers: number;
  batch: number;
  processingMs: number;
  shared: SharedRecord;
}

/** The broker-independent part of a round: how many events, where they go in the record, and when to crash. */
export interface BaseRoundSpec {
  round: number;
  quota: number[];
  bases: number[];
  durationMs?: number;
  ratePerProducer?: number;
  /**
   * The victim dies at its first batch holding an event at least this far (0..1) into its producer's quota:
   * mid-stream by position, whatever the timing. With `duration`, the suite arms it by time instead.
   */
  crashAt?: number;
}

export type BaseToWorker<Spec> =
  | { type: 'round'; spec: Spec }
  | { type: 'go' }
  /** Arms the victim (consumer or producer) in duration mode: it dies at its next batch. */
  | { type: 'crash' }
  | { type: 'stop' }
  | { type: 'exit' };

export interface ProducedMessage {
  type: 'produced';
  producer: number;
  count: number;
  firstUs: number;
  lastUs: number;
  error?: string;
}

export interface ConsumedMessage {
  type: 'consumed';
  consumer: number;
  lastAckUs: number;
  foreign: number;
  error?: string;
}

/** Messages every worker sends; `Consumed` is what the suite's consumers report when they stop. */
export type BaseFromWorker<Consumed extends ConsumedMessage = ConsumedMessage> =
  | { type: 'ready' }
  | { type: 'prepared'; round: number }
  | ProducedMessage
  | Consumed
  | { type: 'fatal'; message: string };

export function makeSharedRecord(
  events: number,
  producers: number,
  consumers: number,
  confirmations = false,
): SharedRecord {
  return {
    seen: new SharedArrayBuffer(events),
    latency: new SharedArrayBuffer(events * 4),
    counters: new SharedArrayBuffer((producers + consumers) * 4),
    ...(confirmations ? { confirmed: new SharedArrayBuffer(events) } : {}),
  };
}
