// The last lines a run printed (stdout and stderr interleaved as they arrive), for error messages, and a hook
// that sees each complete line, for `ready: { log: ... }`.

const MAX_LINE = 1000;

export class OutputTail {
  private readonly lines: string[] = [];
  private readonly partial = { stdout: '', stderr: '' };

  constructor(
    private readonly max: number,
    private readonly onLine?: (line: string) => void,
  ) {}

  write(stream: 'stdout' | 'stderr', text: string): void {
    const parts = (this.partial[stream] + text).split('\n');
    // The last part has no newline yet; cap it so a process printing without newlines cannot grow it forever.
    this.partial[stream] = (parts.pop() ?? '').slice(-MAX_LINE);
    for (const raw of parts) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      this.onLine?.(line);
      this.lines.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
      if (this.lines.length > this.max) this.lines.shift();
    }
  }

  /** The last lines, including unfinished ones, without trailing blank lines. */
  text(): string {
    const all = [...this.lines];
    for (const rest of [this.partial.stdout, this.partial.stderr]) if (rest) all.push(rest);
    return all.slice(-this.max).join('\n').trimEnd();
  }
}
