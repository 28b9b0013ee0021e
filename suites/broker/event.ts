// The event layout both broker suites produce and read back. Each event carries its send time (epoch
// microseconds), its producer and its sequence number, first and in a fixed layout at the head of a JSON
// document, so a consumer finds them by scanning a few bytes instead of JSON.parse-ing every event; the
// rest is realistic filler up to the payload size.

export const EVENT_TYPE = 'workflow.task.completed';

/** Epoch microseconds, comparable across threads of one process. */
export function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

export interface DecodedEvent {
  producer: number;
  seq: number;
  tsUs: number;
}

/** The start of a JSON event, up to where the filler goes. */
export function jsonHead(producer: number, seq: number, tsUs: number): string {
  return `{"ts":${tsUs},"producer":${producer},"seq":${seq},"event_id":"${producer}-${seq}","event_type":"${EVENT_TYPE}","source":"perf-action","data":{"pad":"`;
}
export const JSON_TAIL = '"}}';

/** A timestamp with one more digit than today: sizes that hold it leave room for the next few centuries. */
export function widestTimestamp(): number {
  return nowUs() * 10;
}

/** The smallest JSON event that holds the largest producer and sequence numbers of a run. */
export function minimumJsonSize(producers: number, perProducer: number): number {
  return (
    jsonHead(Math.max(0, producers - 1), Math.max(0, perProducer - 1), widestTimestamp()).length + JSON_TAIL.length
  );
}

/** `head` padded with filler and closed, `size` characters in all (or just head and tail when they are longer). */
export function padJson(head: string, filler: string, size: number): string {
  return head + filler.slice(0, Math.max(0, size - head.length - JSON_TAIL.length)) + JSON_TAIL;
}

let end = 0;

/** Unsigned decimal digits at `pos` (noting where they end, for the JSON head); -1 when there are none. */
export function digitsAt(buf: Uint8Array, pos: number): number {
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

/**
 * Read timestamp, producer and sequence from the head of a JSON event. Returns false for anything
 * perf-action did not write (then `out` is untouched).
 */
export function decodeJsonHead(buf: Uint8Array, out: DecodedEvent): boolean {
  if (!matches(buf, 0, '{"ts":')) return false;
  const ts = digitsAt(buf, 6);
  if (ts < 0 || !matches(buf, end, ',"producer":')) return false;
  const producer = digitsAt(buf, end + 12);
  if (producer < 0 || !matches(buf, end, ',"seq":')) return false;
  const seq = digitsAt(buf, end + 7);
  if (seq < 0) return false;
  out.tsUs = ts;
  out.producer = producer;
  out.seq = seq;
  return true;
}
