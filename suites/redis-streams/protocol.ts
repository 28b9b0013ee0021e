// Messages between the suite (main thread) and its worker threads, and the shared memory they both see.
// Deliveries are recorded in shared memory as they happen, so a consumer that is killed mid-batch still
// leaves an exact record of what it processed: that is what makes `lost` and `duplicates` trustworthy.

import type { Target } from './connection.ts';
import type { Shape } from './event.ts';
import type { RespEndpoint } from './resp-pipe.ts';

export const WORKER_ROLE = 'redis-streams-worker';

export interface AgentSpec {
  kind: 'producer' | 'consumer';
  index: number;
  /** The consumer the crash probe kills. */
  victim?: boolean;
}

export interface SharedRecord {
  /** Uint8 per event slot: how many times it was delivered to a consumer (saturates at 255). */
  seen: SharedArrayBuffer;
  /** Float32 per event slot: ms from send to first delivery. */
  latency: SharedArrayBuffer;
  /** Int32: events acknowledged by XADD per producer, then events acknowledged by XACK per consumer. */
  counters: SharedArrayBuffer;
}

export interface WorkerSetup {
  target: Target;
  agents: AgentSpec[];
  producers: number;
  consumers: number;
  payload: { size: number; shape: Shape };
  writer: 'resp' | 'ioredis';
  batch: number;
  count: number;
  blockMs: number;
  processingMs: number;
  maxlen?: number;
  /** XADD NOMKSTREAM (Redis 6.2+): a late XADD can never recreate a stream the suite deleted. */
  nomkstream: boolean;
  reclaim: boolean;
  minIdleMs: number;
  shared: SharedRecord;
}

export interface StreamRef {
  key: string;
  /** The node that owns the key (cluster) or the server: where the RESP pipeline writes. */
  endpoint: RespEndpoint;
}

export interface RoundSpec {
  round: number;
  group: string;
  streams: StreamRef[];
  quota: number[];
  bases: number[];
  durationMs?: number;
  ratePerProducer?: number;
  /**
   * The victim dies at its first batch holding an event at least this far (0..1) into its producer's
   * quota: mid-stream by position, whatever the timing. With `duration`, the suite arms it by time instead.
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
  | { type: 'consumed'; consumer: number; lastAckUs: number; foreign: number; error?: string }
  | { type: 'crashing'; consumer: number; held: number[]; atUs: number }
  | { type: 'reclaimed'; consumer: number; atUs: number }
  | { type: 'fatal'; message: string };

export function makeSharedRecord(events: number, producers: number, consumers: number): SharedRecord {
  return {
    seen: new SharedArrayBuffer(events),
    latency: new SharedArrayBuffer(events * 4),
    counters: new SharedArrayBuffer((producers + consumers) * 4),
  };
}
