// Messages between the suite (main thread) and its worker threads: the broker-independent part and the
// shared delivery record come from suites/broker/protocol.ts; here is what Redis Streams adds.

import type { BaseFromWorker, BaseRoundSpec, BaseSetup, BaseToWorker } from '../broker/protocol.ts';
import type { Target } from './connection.ts';
import type { Shape } from './event.ts';
import type { RespEndpoint } from './resp-pipe.ts';

export { type AgentSpec, makeSharedRecord, type SharedRecord } from '../broker/protocol.ts';

export const WORKER_ROLE = 'redis-streams-worker';

export interface WorkerSetup extends BaseSetup {
  target: Target;
  payload: { size: number; shape: Shape };
  writer: 'resp' | 'ioredis';
  count: number;
  blockMs: number;
  maxlen?: number;
  /** XADD NOMKSTREAM (Redis 6.2+): a late XADD can never recreate a stream the suite deleted. */
  nomkstream: boolean;
  reclaim: boolean;
  minIdleMs: number;
  /**
   * Set when the broker may be restarted mid-round: a lost connection is then reopened (for up to this many
   * ms) instead of failing the suite; XADDs it left unanswered are unconfirmed.
   */
  reconnectMs?: number;
}

export interface StreamRef {
  key: string;
  /** The node that owns the key (cluster) or the server: where the RESP pipeline writes. */
  endpoint: RespEndpoint;
}

export interface RoundSpec extends BaseRoundSpec {
  group: string;
  streams: StreamRef[];
}

export type ToWorker = BaseToWorker<RoundSpec>;

export type FromWorker =
  | BaseFromWorker
  | { type: 'crashing'; consumer: number; held: number[]; atUs: number }
  | { type: 'reclaimed'; consumer: number; atUs: number }
  | { type: 'resumed'; consumer: number; atUs: number }
  | { type: 'producer-crashing'; producer: number; count: number; firstUs: number; lastUs: number; atUs: number };
