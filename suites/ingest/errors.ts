// Errors and warnings about tool output name the file, where in it (line or JSON path), and what was expected,
// so a user can open the file at that spot and see what went wrong.

export class IngestError extends Error {
  override name = 'IngestError';
  constructor(
    /** The file (or stream) the text came from. */
    readonly source: string,
    /** "line 12", "line 3, column 9" or a JSON path like "$.benchmarks[2].stats"; empty for the whole file. */
    readonly location: string,
    /** What the reader needed there. */
    readonly expected: string,
    /** What it found instead, when that helps. */
    readonly found?: string,
  ) {
    super(describeProblem(source, location, expected, found));
  }
}

export function describeProblem(source: string, location: string, expected: string, found?: string): string {
  const where = location ? `${source} at ${location}` : source;
  return `${where}: expected ${expected}${found !== undefined ? `, found ${found}` : ''}`;
}

/** A short, safe rendering of an unexpected value for messages (tool output is untrusted and may be huge). */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
