// JSON reading with locations: syntax errors get a line and column, shape errors a JSON path.

import { IngestError, show } from './errors.ts';

export type JsonObject = Record<string, unknown>;

/** Parse JSON text; a syntax error (typically a truncated file) names the line and column. */
export function parseJson(text: string, source: string, what: string): unknown {
  if (text.trim() === '') throw new IngestError(source, 'line 1', what, 'an empty file');
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    // V8 gives a position for some errors only: find it ourselves when it does not.
    const pos = /position (\d+)/.exec(message);
    const offset = pos ? Number(pos[1]) : syntaxErrorOffset(text);
    const location = lineColumn(text, offset);
    const truncated = offset >= text.trimEnd().length;
    throw new IngestError(
      source,
      location,
      `complete JSON (${what})`,
      truncated ? 'the end of the file: was it truncated?' : `invalid JSON (${shortMessage(message)})`,
    );
  }
}

function shortMessage(message: string): string {
  return message.replace(/ in JSON at position[\s\S]*$/, '').replace(/, (\.\.\.)?"[\s\S]*" is not valid JSON$/, '');
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}

/** Where JSON text first stops being JSON (its length when it just ends early). */
export function syntaxErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const expect = (c: string) => {
    if (text[i] !== c) fail();
    i++;
  };
  const string = () => {
    expect('"');
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    expect('"');
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          space();
          string();
          space();
          expect(':');
        }
        value();
        space();
        if (text[i] === ',') i++;
        else {
          expect(close);
          return;
        }
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const literal = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!literal) fail();
    i += (literal as RegExpExecArray)[0].length;
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return text.length;
  } catch (err) {
    if (err instanceof SyntaxAt) return err.offset;
    throw err;
  }
}

export function lineColumn(text: string, offset: number): string {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return `line ${line}, column ${end - start + 1}`;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Typed access that throws IngestError with the JSON path. Adapters catch these per entry to skip a bad entry
 * with a warning, and let them escape for the file's overall shape.
 */
export class JsonReader {
  constructor(readonly source: string) {}

  fail(path: string, expected: string, value: unknown): never {
    throw new IngestError(this.source, path, expected, show(value));
  }

  object(value: unknown, path: string): JsonObject {
    if (!isObject(value)) this.fail(path, 'an object', value);
    return value;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'an array', value);
    return value;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string' || value === '') this.fail(path, 'a non-empty string', value);
    return value;
  }

  number(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, 'a number', value);
    return value;
  }

  /** A number, or undefined when the field is absent or null. */
  optionalNumber(value: unknown, path: string): number | undefined {
    return value === undefined || value === null ? undefined : this.number(value, path);
  }

  numbers(value: unknown, path: string): number[] {
    return this.array(value, path).map((v, i) => this.number(v, childPath(path, i)));
  }
}
