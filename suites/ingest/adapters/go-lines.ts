// The text lines of `go test` output with the line of the file each came from: plain text as it is, or the
// test2json events of `go test -json` rebuilt into each package's text. Lines are visited one by one, so a
// 100,000-line output is never held a second time as an array of line records.

import { isObject } from '../json.ts';

export type LineVisitor = (text: string, line: number) => void;

export function forEachGoLine(text: string, visit: LineVisitor): void {
  if (looksLikeTest2Json(text)) forEachTest2JsonLine(text, visit);
  else forEachPlainLine(text, visit);
}

export function looksLikeTest2Json(text: string): boolean {
  const first = text.trimStart();
  const end = first.indexOf('\n');
  const line = end < 0 ? first : first.slice(0, end);
  return line.startsWith('{') && line.includes('"Action"');
}

/** Lines split at \n or \r\n, numbered from 1; like text.split(/\r?\n/) without the array. */
function forEachPlainLine(text: string, visit: LineVisitor): void {
  let start = 0;
  for (let line = 1; start <= text.length; line++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    visit(text.slice(start, stop), line);
    start = end + 1;
  }
}

/** test2json: each package's output in order; a line points at the event that ended it. */
function forEachTest2JsonLine(text: string, visit: LineVisitor): void {
  const byPackage = new Map<string, { buffer: string; texts: string[]; lines: number[] }>();
  forEachPlainLine(text, (raw, i) => {
    let event: unknown;
    try {
      event = JSON.parse(raw);
    } catch {
      return; // a blank line or a truncated last event: the lines before it still count
    }
    if (!isObject(event) || event.Action !== 'output' || typeof event.Output !== 'string') return;
    const pkg = typeof event.Package === 'string' ? event.Package : '';
    let state = byPackage.get(pkg);
    if (!state) {
      state = { buffer: '', texts: [], lines: [] };
      byPackage.set(pkg, state);
    }
    state.buffer += event.Output;
    // Go prints a benchmark's name before it runs and its numbers after: only a newline completes a line, and
    // splitting the buffer at every partial event would rescan it each time.
    if (!event.Output.includes('\n')) return;
    const parts = state.buffer.split('\n');
    state.buffer = parts.pop() as string;
    for (const part of parts) {
      state.texts.push(part);
      state.lines.push(i);
    }
  });
  for (const s of byPackage.values()) {
    for (let k = 0; k < s.texts.length; k++) visit(s.texts[k] as string, s.lines[k] as number);
  }
}
