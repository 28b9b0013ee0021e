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
