// What every broker suite's consumer is: an index, the worker's setup, whether it is the crash victim,
// the hooks it reports crash and recovery through, and its view of the shared delivery record.

import type { DecodedEvent } from './event.ts';
import type { BaseSetup } from './protocol.ts';
import { DeliveryRecord } from './record.ts';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export abstract class BrokerConsumer<Setup extends BaseSetup, Hooks> {
  protected readonly ledger: DeliveryRecord;
  /** Reused for every event decoded: no allocation per delivery. */
  protected readonly decoded: DecodedEvent = { producer: 0, seq: 0, tsUs: 0 };
  /** In duration mode the suite arms the victim by time; it dies at its next batch. */
  protected armed = false;

  constructor(
    readonly index: number,
    protected readonly setup: Setup,
    protected readonly victim: boolean,
    protected readonly hooks: Hooks,
  ) {
    this.ledger = new DeliveryRecord(setup.shared);
  }

  /** The name the broker shows for this consumer's connection or group membership. */
  get name(): string {
    return this.victim ? `consumer-${this.index}-victim` : `consumer-${this.index}`;
  }

  arm(): void {
    this.armed = true;
  }

  /** The shared-record counter of this consumer's acks (after the producers'). */
  protected get ackSlot(): number {
    return this.setup.producers + this.index;
  }
}
