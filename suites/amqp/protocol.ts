// Messages between the suite (main thread) and its worker threads: the broker-independent part and the
// shared delivery record come from suites/broker/protocol.ts; here is what RabbitMQ adds.

import type { BaseFromWorker, BaseRoundSpec, BaseSetup, BaseToWorker, ConsumedMessage } from '../broker/protocol.ts';
import type { Shape } from './event.ts';

export { type AgentSpec, makeSharedRecord, type SharedRecord } from '../broker/protocol.ts';

export const WORKER_ROLE = 'amqp-worker';

export interface WorkerSetup extends BaseSetup {
  url: string;
  payload: { size: number; shape: Shape };
  prefetch: number;
  persistent: boolean;
}

export interface RoundSpec extends BaseRoundSpec {
  exchange: string;
  /** Queue names; queue k is bound to the exchange with routing key `routingKeys[k]`. */
  queues: string[];
  routingKeys: string[];
}

export type ToWorker = BaseToWorker<RoundSpec>;

export interface AmqpConsumed extends ConsumedMessage {
  /** Deliveries that carried the redelivered flag. */
  redelivered: number;
}

export type FromWorker =
  | BaseFromWorker<AmqpConsumed>
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
  | { type: 'redelivered'; consumer: number; atUs: number };
