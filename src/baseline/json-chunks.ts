// Pretty JSON in pieces: the same text as JSON.stringify(value, null, 2), produced a few kB at a time, so a
// results document with 100k metrics is written without holding one 100 MB string (and its copies) in memory.

/** Containers above this depth are walked; below it each one is one JSON.stringify call (small). */
const WALK_DEPTH = 4;
/** Pieces are joined into chunks of about this many characters before they are handed out. */
const CHUNK_CHARS = 1 << 16;

/** Yields the text of JSON.stringify(value, null, 2) (plain data: objects, arrays, primitives, toJSON). */
export function* jsonChunks(value: unknown): Generator<string> {
  let buffer = '';
  for (const piece of pieces(value, '', 0)) {
    buffer += piece;
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

function* pieces(value: unknown, pad: string, depth: number): Generator<string> {
  const v = prepared(value);
  if (depth >= WALK_DEPTH || v === null || typeof v !== 'object') {
    // JSON strings hold no raw newline, so re-indenting the nested text by its line breaks is exact.
    const text = JSON.stringify(v, null, 2) ?? 'null';
    yield pad ? text.replaceAll('\n', `\n${pad}`) : text;
    return;
  }
  const inner = `${pad}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < v.length; i++) {
      yield `${i === 0 ? '' : ','}\n${inner}`;
      const item = prepared(v[i]);
      // JSON.stringify writes null for what it cannot represent inside an array.
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') yield 'null';
      else yield* pieces(item, inner, depth + 1);
    }
    yield `\n${pad}]`;
    return;
  }
  let first = true;
  for (const [key, raw] of Object.entries(v as Record<string, unknown>)) {
    const item = prepared(raw);
    // ...and leaves such properties out of objects.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* pieces(item, inner, depth + 1);
  }
  yield first ? '{}' : `\n${pad}}`;
}

function prepared(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: () => unknown }).toJSON();
  }
  return value;
}
