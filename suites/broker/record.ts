// The delivery ledger: consumers write every delivery into the shared record as it happens, and after a
// round the suite reads it back into delivered / lost / duplicates and the latency of each event's first
// delivery. Both sides work on the same slots: producer p's event `seq` is slot bases[p] + seq.

import type { DecodedEvent } from './event.ts';
import type { SharedRecord } from './protocol.ts';

/** The part of a round spec that locates events in the record. */
export interface RecordLayout {
  quota: number[];
  bases: number[];
  crashAt?: number;
  durationMs?: number;
}

/** A consumer's (or producer's) view of the shared record. */
export class DeliveryRecord {
  readonly seen: Uint8Array;
  readonly latency: Float32Array;
  readonly counters: Int32Array;

  constructor(shared: SharedRecord) {
    this.seen = new Uint8Array(shared.seen);
    this.latency = new Float32Array(shared.latency);
    this.counters = new Int32Array(shared.counters);
  }

  /** The record slot of a decoded event, or -1 when it is no event of this round (a foreign message). */
  slotOf(d: DecodedEvent, spec: RecordLayout): number {
    if (d.producer >= spec.quota.length || d.seq >= (spec.quota[d.producer] as number)) return -1;
    return (spec.bases[d.producer] as number) + d.seq;
  }

  /** Count one delivery of `slot`; latency is kept for an event's first delivery only. */
  deliver(slot: number, atUs: number, tsUs: number): void {
    const before = Atomics.add(this.seen, slot, 1);
    if (before === 0) this.latency[slot] = (atUs - tsUs) / 1000;
    else if (before === 255) Atomics.store(this.seen, slot, 255);
  }

  /** Add `n` to counter `index` (producers first, then consumers). */
  count(index: number, n: number): void {
    Atomics.add(this.counters, index, n);
  }
}

/** Marks of the confirmation record (SharedRecord.confirmed): written and not answered yet, or acknowledged. */
export const SENT = 1;
export const CONFIRMED = 2;

/** A producer's view of the confirmation record: absent unless a fault can leave sends unanswered. */
export class ConfirmRecord {
  private readonly marks: Uint8Array | undefined;

  constructor(shared: SharedRecord) {
    this.marks = shared.confirmed ? new Uint8Array(shared.confirmed) : undefined;
  }

  /** Events `first`..`first + n - 1` of the producer whose record starts at `base` were written. */
  sent(base: number, first: number, n: number): void {
    this.marks?.fill(SENT, base + first, base + first + n);
  }

  /** The broker acknowledged them. */
  confirmed(base: number, first: number, n: number): void {
    this.marks?.fill(CONFIRMED, base + first, base + first + n);
  }
}

/** Whether a decoded event is at or past the crash position (events mode only: duration mode arms by time). */
export function pastCrashPoint(d: DecodedEvent, spec: RecordLayout): boolean {
  if (spec.crashAt === undefined || spec.durationMs !== undefined) return false;
  return d.seq >= spec.crashAt * (spec.quota[d.producer] ?? Number.POSITIVE_INFINITY);
}

export interface Ledger {
  /** Events the producers had accepted. */
  produced: number;
  /** Distinct events delivered at least once. */
  delivered: number;
  lost: number;
  /** Deliveries beyond each event's first. */
  duplicates: number;
  /** ms from send to first delivery, one per delivered event. */
  latencies: Float32Array;
  /**
   * With a confirmation record: events written whose acknowledgement never came (the producer or the broker
   * died first). They are not counted as produced, so neither as lost; some may have been delivered.
   */
  unconfirmed?: number;
}

/**
 * Read the record back for the events each producer reports it sent (`count` from its base). With a
 * confirmation record the events acknowledged are read from it instead, over each producer's `quota`: after a
 * fault they need not be the first `count`.
 */
export function tally(
  shared: SharedRecord,
  bases: readonly number[],
  reports: ReadonlyArray<{ producer: number; count: number }>,
  quota?: readonly number[],
): Ledger {
  const seen = new Uint8Array(shared.seen);
  const latency = new Float32Array(shared.latency);
  const marks = shared.confirmed && quota ? new Uint8Array(shared.confirmed) : undefined;
  let produced = 0;
  let delivered = 0;
  let lost = 0;
  let duplicates = 0;
  let unconfirmed = 0;
  const ranges = reports.map((p) => {
    const base = bases[p.producer] as number;
    return [base, base + (marks ? (quota?.[p.producer] ?? 0) : p.count)] as const;
  });
  let size = 0;
  for (const [from, to] of ranges) {
    if (!marks) size += to - from;
    // A duration round's quota is a cap far above what was sent: size the latencies by what was confirmed.
    else for (let slot = from; slot < to; slot++) if (marks[slot] === CONFIRMED) size++;
  }
  const lat = new Float32Array(size);
  for (const [from, to] of ranges) {
    for (let slot = from; slot < to; slot++) {
      if (marks) {
        const mark = marks[slot] as number;
        if (mark === SENT) unconfirmed++;
        if (mark !== CONFIRMED) continue;
      }
      produced++;
      const n = seen[slot] as number;
      if (n === 0) lost++;
      else {
        lat[delivered++] = latency[slot] as number;
        duplicates += n - 1;
      }
    }
  }
  return {
    produced,
    delivered,
    lost,
    duplicates,
    latencies: lat.subarray(0, delivered),
    ...(marks ? { unconfirmed } : {}),
  };
}
