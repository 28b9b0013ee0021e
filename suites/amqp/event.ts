// The events producers publish and consumers read back. Each carries its send time (epoch microseconds), its
// producer and its sequence number: first and in a fixed layout in a JSON body (the shared layout of
// suites/broker/event.ts), or as AMQP headers. The rest of the body is realistic filler up to `size`.

import {
  type DecodedEvent,
  decodeJsonHead,
  EVENT_TYPE,
  JSON_TAIL,
  jsonHead,
  minimumJsonSize,
  padJson,
} from '../broker/event.ts';

export { type DecodedEvent, nowUs } from '../broker/event.ts';

export type Shape = 'json' | 'headers';

export interface EncodedEvent {
  body: Buffer;
  headers?: { ts: number; producer: number; seq: number };
}

export interface EventEncoder {
  encode(producer: number, seq: number, tsUs: number): EncodedEvent;
}

const BARE_HEAD = `{"event_type":"${EVENT_TYPE}","source":"perf-action","data":{"pad":"`;

/** The smallest body that holds the largest producer and sequence numbers of a run. */
export function minimumSize(shape: Shape, producers: number, perProducer: number): number {
  if (shape === 'headers') return BARE_HEAD.length + JSON_TAIL.length;
  return minimumJsonSize(producers, perProducer);
}

export function makeEncoder(shape: Shape, size: number): EventEncoder {
  const filler = 'x'.repeat(size);
  if (shape === 'json') {
    return {
      encode: (producer, seq, tsUs) => ({
        body: Buffer.from(padJson(jsonHead(producer, seq, tsUs), filler, size), 'latin1'),
      }),
    };
  }
  // Every body is the same: build it once; only the headers differ.
  const body = Buffer.from(padJson(BARE_HEAD, filler, size), 'latin1');
  return { encode: (producer, seq, tsUs) => ({ body, headers: { ts: tsUs, producer, seq } }) };
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Read producer, sequence and timestamp from a delivered message (its body, or its headers when it has
 * them). Returns false for messages perf-action did not publish (then `out` is untouched).
 */
export function decodeEvent(
  body: Uint8Array,
  headers: Record<string, unknown> | undefined,
  out: DecodedEvent,
): boolean {
  if (headers && 'seq' in headers) {
    const { ts, producer, seq } = headers;
    if (!isCount(ts) || !isCount(producer) || !isCount(seq)) return false;
    out.tsUs = ts;
    out.producer = producer;
    out.seq = seq;
    return true;
  }
  return decodeJsonHead(body, out);
}
