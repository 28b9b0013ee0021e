// The events producers write and consumers read back. Each carries its send time (epoch microseconds),
// its producer and its sequence number, always first and in a fixed layout, so a consumer finds them by
// scanning a few bytes instead of JSON.parse-ing every event; the rest is realistic filler up to `size`.

export type Shape = 'json' | 'fields';

/** The stream field that holds the JSON document in the json shape. */
export const JSON_FIELD = 'event';
const EVENT_TYPE = 'workflow.task.completed';

/** Epoch microseconds, comparable across threads of one process. */
export function nowUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

export interface EventEncoder {
  /** Flat field/value pairs of one XADD. */
  fields(producer: number, seq: number, tsUs: number): string[];
  /** Field/value pairs per event (the RESP header needs it up front). */
  readonly arity: number;
}

function jsonHead(producer: number, seq: number, tsUs: number): string {
  return `{"ts":${tsUs},"producer":${producer},"seq":${seq},"event_id":"${producer}-${seq}","event_type":"${EVENT_TYPE}","source":"perf-action","data":{"pad":"`;
}
const JSON_TAIL = '"}}';

/** The smallest payload that holds the largest producer and sequence numbers of a run. */
export function minimumSize(shape: Shape, producers: number, perProducer: number): number {
  const p = Math.max(0, producers - 1);
  const s = Math.max(0, perProducer - 1);
  const ts = nowUs() * 10; // one more digit than today: room for the next few centuries
  if (shape === 'json') return jsonHead(p, s, ts).length + JSON_TAIL.length;
  return fieldsOf(p, s, ts, '').join('').length;
}

function fieldsOf(producer: number, seq: number, tsUs: number, pad: string): string[] {
  return ['ts', String(tsUs), 'producer', String(producer), 'seq', String(seq), 'type', EVENT_TYPE, 'data', pad];
}

export function makeEncoder(shape: Shape, size: number): EventEncoder {
  const filler = 'x'.repeat(size);
  if (shape === 'json') {
    return {
      arity: 1,
      fields(producer, seq, tsUs) {
        const head = jsonHead(producer, seq, tsUs);
        return [JSON_FIELD, head + filler.slice(0, Math.max(0, size - head.length - JSON_TAIL.length)) + JSON_TAIL];
      },
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

function expect(buf: Uint8Array, pos: number, text: string): boolean {
  if (pos + text.length > buf.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[pos + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Read producer, sequence and timestamp from a stream entry's field/value list as ioredis returns it in
 * Buffer mode. Returns false for entries perf-action did not write (then `out` is untouched).
 */
export function decodeEntry(fields: readonly Buffer[] | null, out: DecodedEvent): boolean {
  if (!fields || fields.length < 2) return false;
  if (fields.length === 2) {
    const v = fields[1] as Buffer;
    if (!expect(v, 0, '{"ts":')) return false;
    const ts = digitsAt(v, 6);
    if (ts < 0 || !expect(v, end, ',"producer":')) return false;
    const producer = digitsAt(v, end + 12);
    if (producer < 0 || !expect(v, end, ',"seq":')) return false;
    const seq = digitsAt(v, end + 7);
    if (seq < 0) return false;
    out.tsUs = ts;
    out.producer = producer;
    out.seq = seq;
    return true;
  }
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
