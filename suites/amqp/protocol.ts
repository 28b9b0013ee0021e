// Messages between the suite (main thread) and its worker threads, and the shared memory they both see.
// Deliveries are recorded in shared memory as they happen, so a consumer whose connection is cut mid-batch
// still leaves an exact record of what it processed: that is what makes `lost` and `duplicates` trustworthy.

import type { Shape } from './event.ts';

export const WORKER_ROLE = 'amqp-worker';

export interface AgentSpec {
  kind: 'producer' | 'consumer';
  index: number;
  /** The consumer the crash probe kills. */
  victim?: boolean;
}

export interface SharedRecord {
  /** Uint8 per event slot: how many times it was delivered to a consumer (saturates at 255). */
  seen: SharedArrayBuffer;
  /** Float32 per event slot: ms from publish to first delivery. */
  latency: SharedArrayBuffer;
  /** Int32: events confirmed per producer, then events acked per consumer. */
  counters: SharedArrayBuffer;
}

export interface WorkerSetup {
  url: string;
  agents: AgentSpec[];
  producers: number;
  consumers: number;
  payload: { size: number; shape: Shape };
  batch: number;
  prefetch: number;
  processingMs: number;
  persistent: boolean;
  shared: SharedRecord;
}

export interface RoundSpec {
  round: number;
  exchange: string;
  /** Queue names; queue k is bound to the exchange with routing key `routingKeys[k]`. */
  queues: string[];
  routingKeys: string[];
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

export type ToWorker =
  | { type: 'round'; spec: RoundSpec }
  | { type: 'go' }
  | { type: 'crash' }
  | { type: 'stop' }
  | { type: 'exit' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'prepared'; round: number }
  | { type: 'produced'; producer: number; count: number; firstUs: number; lastUs: number; error?: string }
  | {
      type: 'consumed';
      consumer: number;
      lastAckUs: number;
      foreign: number;
      /** Deliveries that carried the redelivered flag. */
      redelivered: number;
      error?: string;
    }
  | {
      type: 'crashing';
      consumer: number;
      /** Record slots of every delivery the victim held unacked. */
      held: number[];
      /**
       * Their delivery counts the moment before the cut, read by the victim itself: a survivor may process a
       * redelivery before the suite even receives this message.
       */
      before: number[];
      atUs: number;
    }
  | { type: 'redelivered'; consumer: number; atUs: number }
  | { type: 'fatal'; message: string };

export function makeSharedRecord(events: number, producers: number, consumers: number): SharedRecord {
  return {
    seen: new SharedArrayBuffer(events),
    latency: new SharedArrayBuffer(events * 4),
    counters: new SharedArrayBuffer((producers + consumers) * 4),
  };
}
