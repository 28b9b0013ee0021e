// The events producers write and consumers read back. Each carries its send time (epoch microseconds),
// its producer and its sequence number, always first and in a fixed layout (the JSON one is shared with
// the other broker suites, suites/broker/event.ts), so a consumer finds them by scanning a few bytes instead
// of JSON.parse-ing every event; the rest is realistic filler up to `size`.

import {
  type DecodedEvent,
  decodeJsonHead,
  digitsAt,
  EVENT_TYPE,
  jsonHead,
  minimumJsonSize,
  padJson,
  widestTimestamp,
} from '../broker/event.ts';

export { type DecodedEvent, nowUs } from '../broker/event.ts';

export type Shape = 'json' | 'fields';

/** The stream field that holds the JSON document in the json shape. */
export const JSON_FIELD = 'event';

export interface EventEncoder {
  /** Flat field/value pairs of one XADD. */
  fields(producer: number, seq: number, tsUs: number): string[];
  /** Field/value pairs per event (the RESP header needs it up front). */
  readonly arity: number;
}

/** The smallest payload that holds the largest producer and sequence numbers of a run. */
export function minimumSize(shape: Shape, producers: number, perProducer: number): number {
  if (shape === 'json') return minimumJsonSize(producers, perProducer);
  return fieldsOf(Math.max(0, producers - 1), Math.max(0, perProducer - 1), widestTimestamp(), '').join('').length;
}

function fieldsOf(producer: number, seq: number, tsUs: number, pad: string): string[] {
  return ['ts', String(tsUs), 'producer', String(producer), 'seq', String(seq), 'type', EVENT_TYPE, 'data', pad];
}

export function makeEncoder(shape: Shape, size: number): EventEncoder {
  const filler = 'x'.repeat(size);
  if (shape === 'json') {
    return {
      arity: 1,
      fields: (producer, seq, tsUs) => [JSON_FIELD, padJson(jsonHead(producer, seq, tsUs), filler, size)],
    };
  }
  return {
    arity: 5,
    fields(producer, seq, tsUs) {
      const bare = fieldsOf(producer, seq, tsUs, '');
      let used = 0;
      for (const f of bare) used += f.length;
      bare[9] = filler.slice(0, Math.max(0, size - used));
      return bare;
    },
  };
}

/**
 * Read producer, sequence and timestamp from a stream entry's field/value list as ioredis returns it in
 * Buffer mode. Returns false for entries perf-action did not write (then `out` is untouched).
 */
export function decodeEntry(fields: readonly Buffer[] | null, out: DecodedEvent): boolean {
  if (!fields || fields.length < 2) return false;
  if (fields.length === 2) return decodeJsonHead(fields[1] as Buffer, out);
  if (fields.length < 6) return false;
  const ts = digitsAt(fields[1] as Buffer, 0);
  const producer = digitsAt(fields[3] as Buffer, 0);
  const seq = digitsAt(fields[5] as Buffer, 0);
  if (ts < 0 || producer < 0 || seq < 0) return false;
  out.tsUs = ts;
  out.producer = producer;
  out.seq = seq;
  return true;
}
