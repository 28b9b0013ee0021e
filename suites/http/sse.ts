// Counts Server-Sent Events on event boundaries (a blank line), not on socket reads: one read can carry
// many events and one event can span reads. Only the boundary is needed, so fields are not parsed.

export class SseCounter {
  /** The last bytes of the previous chunk, to find a boundary split across reads. */
  private tail = '';

  /** Feed a chunk; returns how many events it completed. */
  push(chunk: string): number {
    const text = this.tail + chunk;
    let events = 0;
    let i = 0;
    for (;;) {
      const lf = text.indexOf('\n\n', i);
      const crlf = text.indexOf('\r\n\r\n', i);
      let at = -1;
      let len = 0;
      if (lf >= 0 && (crlf < 0 || lf < crlf)) {
        at = lf;
        len = 2;
      } else if (crlf >= 0) {
        at = crlf;
        len = 4;
      }
      if (at < 0) break;
      events++;
      i = at + len;
    }
    // Keep just enough to complete a boundary that started at the end of this chunk.
    this.tail = text.slice(Math.max(i, text.length - 3));
    return events;
  }
}

/**
 * The data of each complete Server-Sent Event (its `data:` lines joined by newlines), for `until` with
 * `follow: sse`; events without data (comments, keep-alives) give nothing.
 */
export class SseData {
  private buffer = '';

  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    for (;;) {
      const m = /\r?\n\r?\n/.exec(this.buffer);
      if (!m) break;
      const block = this.buffer.slice(0, m.index);
      this.buffer = this.buffer.slice(m.index + m[0].length);
      const data = block
        .split(/\r?\n/)
        .filter((line) => line === 'data' || line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''));
      if (data.length > 0) out.push(data.join('\n'));
    }
    return out;
  }
}
