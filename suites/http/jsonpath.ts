// A small JSON path for `capture:` — `$.a.b`, `$.items[0].id`, `$['odd key']`, `$[2]` — compiled once into
// a list of steps. Enough for pulling ids and tokens out of API responses; no filters or wildcards.

export type PathStep = string | number;

export class JsonPathError extends Error {
  override name = 'JsonPathError';
}

export function compileJsonPath(path: string): PathStep[] {
  if (!path.startsWith('$')) {
    throw new JsonPathError(`"${path}" must start with "$" (e.g. "$.id" or "$.items[0].id")`);
  }
  const steps: PathStep[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      const m = /^[A-Za-z0-9_$-]+/.exec(path.slice(i + 1));
      if (!m) throw new JsonPathError(`"${path}": expected a key name after "." at position ${i + 1}`);
      steps.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === '[') {
      const rest = path.slice(i);
      const index = /^\[(\d+)\]/.exec(rest);
      const quoted = /^\[(['"])(.*?)\1\]/.exec(rest);
      if (index) {
        steps.push(Number(index[1]));
        i += index[0].length;
      } else if (quoted) {
        steps.push(quoted[2] as string);
        i += quoted[0].length;
      } else {
        throw new JsonPathError(`"${path}": expected [N] or ['key'] at position ${i}`);
      }
    } else {
      throw new JsonPathError(`"${path}": unexpected "${c}" at position ${i}; use .key, [N] or ['key']`);
    }
  }
  return steps;
}

/** The value at the path, or undefined when any step is missing. */
export function readJsonPath(doc: unknown, steps: readonly PathStep[]): unknown {
  let cur: unknown = doc;
  for (const s of steps) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (typeof s === 'number') {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[s];
    } else {
      if (!Object.hasOwn(cur, s)) return undefined;
      cur = (cur as Record<string, unknown>)[s];
    }
  }
  return cur;
}

/** A captured value as the text templates insert: strings as-is, everything else as JSON. */
export function captureText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
