// The events producers publish and consumers read back. Each carries its send time (epoch microseconds), its
// producer and its sequence number: first and in a fixed layout in a JSON body (so a consumer finds them by
// scanning a few bytes instead of JSON.parse-ing every event), or as AMQP headers. The rest of the body is
// realistic filler up to `size`.

export type Shape = 'json' | 'headers';

const EVENT_TYPE = 'workflow.task.completed';

/** Epoch microseconds, comparable across threads of one process. */
export function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

export interface EncodedEvent {
  body: Buffer;
  headers?: { ts: number; producer: number; seq: number };
}

export interface EventEncoder {
  encode(producer: number, seq: number, tsUs: number): EncodedEvent;
}

function jsonHead(producer: number, seq: number, tsUs: number): string {
  return `{"ts":${tsUs},"producer":${producer},"seq":${seq},"event_id":"${producer}-${seq}","event_type":"${EVENT_TYPE}","source":"perf-action","data":{"pad":"`;
}
const BARE_HEAD = `{"event_type":"${EVENT_TYPE}","source":"perf-action","data":{"pad":"`;
const TAIL = '"}}';

/** The smallest body that holds the largest producer and sequence numbers of a run. */
export function minimumSize(shape: Shape, producers: number, perProducer: number): number {
  if (shape === 'headers') return BARE_HEAD.length + TAIL.length;
  const ts = nowUs() * 10; // one more digit than today: room for the next few centuries
  return jsonHead(Math.max(0, producers - 1), Math.max(0, perProducer - 1), ts).length + TAIL.length;
}

export function makeEncoder(shape: Shape, size: number): EventEncoder {
  const filler = 'x'.repeat(size);
  const pad = (head: string) => head + filler.slice(0, Math.max(0, size - head.length - TAIL.length)) + TAIL;
  if (shape === 'json') {
    return { encode: (producer, seq, tsUs) => ({ body: Buffer.from(pad(jsonHead(producer, seq, tsUs)), 'latin1') }) };
  }
  // Every body is the same: build it once; only the headers differ.
  const body = Buffer.from(pad(BARE_HEAD), 'latin1');
  return { encode: (producer, seq, tsUs) => ({ body, headers: { ts: tsUs, producer, seq } }) };
}

export interface DecodedEvent {
  producer: number;
  seq: number;
  tsUs: number;
}

let end = 0;

/** Unsigned decimal digits at `pos`; sets `end` to the first byte after them; -1 when there are none. */
function digitsAt(buf: Uint8Array, pos: number): number {
  let n = 0;
  let i = pos;
  for (; i < buf.length; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  end = i;
  return i === pos ? -1 : n;
}

function matches(buf: Uint8Array, pos: number, text: string): boolean {
  if (pos + text.length > buf.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[pos + i] !== text.charCodeAt(i)) return false;
  return true;
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
  if (!matches(body, 0, '{"ts":')) return false;
  const ts = digitsAt(body, 6);
  if (ts < 0 || !matches(body, end, ',"producer":')) return false;
  const producer = digitsAt(body, end + 12);
  if (producer < 0 || !matches(body, end, ',"seq":')) return false;
  const seq = digitsAt(body, end + 7);
  if (seq < 0) return false;
  out.tsUs = ts;
  out.producer = producer;
  out.seq = seq;
  return true;
}
