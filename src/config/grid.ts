// `grid:` on any suite: run the suite once per combination of parameter values, each run's metrics carrying
// the combination as parameters (`api/all/throughput[users=50]`), so scaling() and ladders work for load
// tests and brokers as they do for benches. `{{grid.NAME}}` in the suite's values is replaced per combination
// before the suite's own schema checks it: a value that is only the placeholder takes the value's type.

import type { Params } from '../model/metric-id.ts';

/** More combinations than this is a mistake (a typo'd list), not a plan: every one is a full suite run. */
export const MAX_GRID_COMBINATIONS = 64;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PLACEHOLDER = /\{\{\s*grid\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export interface GridVariant {
  params: Params;
  /** The suite as written, `grid` removed and its placeholders replaced. */
  raw: Record<string, unknown>;
}

export interface GridProblem {
  /** Path inside the suite, e.g. ['grid', 'users']. */
  path: PropertyKey[];
  message: string;
}

function combinations(grid: Record<string, Array<string | number | boolean>>): Params[] {
  let out: Params[] = [{}];
  for (const [name, values] of Object.entries(grid)) {
    out = out.flatMap((p) => values.map((v) => ({ ...p, [name]: typeof v === 'boolean' ? String(v) : v })));
  }
  return out;
}

function substitute(value: unknown, params: Params, used: Set<string>, unknown: Set<string>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*grid\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(value);
    if (whole) {
      const name = whole[1] as string;
      if (!(name in params)) unknown.add(name);
      else used.add(name);
      return name in params ? params[name] : value;
    }
    return value.replace(PLACEHOLDER, (m, name: string) => {
      if (!(name in params)) {
        unknown.add(name);
        return m;
      }
      used.add(name);
      return String(params[name]);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, params, used, unknown));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, substitute(v, params, used, unknown)]),
    );
  }
  return value;
}

/**
 * The suite's variants, or undefined when it has no `grid`. Problems name the place inside the suite: a grid
 * that is not a mapping of non-empty lists, a placeholder naming no grid key, a key no value uses (it would
 * only repeat the same run), or too many combinations.
 */
export function expandGrid(suite: Record<string, unknown>): { variants?: GridVariant[]; problems: GridProblem[] } {
  if (!('grid' in suite)) {
    return 'ladder' in suite
      ? { problems: [{ path: ['ladder'], message: 'a ladder climbs a grid: add grid: { NAME: [values, in order] }' }] }
      : { problems: [] };
  }
  const grid = suite.grid;
  const problems: GridProblem[] = [];
  if (!grid || typeof grid !== 'object' || Array.isArray(grid) || Object.keys(grid).length === 0) {
    return {
      problems: [
        { path: ['grid'], message: 'expected a mapping of parameter names to lists, e.g. { users: [10, 50, 100] }' },
      ],
    };
  }
  for (const [name, values] of Object.entries(grid)) {
    if (!NAME.test(name)) {
      problems.push({ path: ['grid', name], message: `"${name}" is no parameter name: use letters, digits and "_"` });
    } else if (!Array.isArray(values) || values.length === 0) {
      problems.push({ path: ['grid', name], message: 'expected a non-empty list of values, e.g. [10, 50, 100]' });
    } else if (values.some((v) => !['string', 'number', 'boolean'].includes(typeof v))) {
      problems.push({ path: ['grid', name], message: 'values must be numbers or words, not lists or mappings' });
    } else if (new Set(values.map(String)).size !== values.length) {
      problems.push({ path: ['grid', name], message: 'a value is listed twice: each combination runs once' });
    }
  }
  if (problems.length > 0) return { problems };
  const typed = grid as Record<string, Array<string | number | boolean>>;
  const combos = combinations(typed);
  if (combos.length > MAX_GRID_COMBINATIONS) {
    return {
      problems: [
        {
          path: ['grid'],
          message: `${combos.length} combinations, over the ${MAX_GRID_COMBINATIONS} a suite may run: shorten the lists or split the suite`,
        },
      ],
    };
  }
  if ('ladder' in suite && Object.keys(typed).length !== 1) {
    return { problems: [{ path: ['ladder'], message: 'a ladder climbs one parameter: give grid exactly one key' }] };
  }
  const { grid: _grid, ladder: _ladder, ...rest } = suite;
  const used = new Set<string>();
  const unknown = new Set<string>();
  const variants = combos.map((params) => ({
    params,
    raw: substitute(rest, params, used, unknown) as Record<string, unknown>,
  }));
  for (const name of unknown) {
    problems.push({
      path: [],
      message: `{{grid.${name}}} names no key of grid (keys: ${Object.keys(typed).join(', ')})`,
    });
  }
  for (const name of Object.keys(typed)) {
    if (!used.has(name)) {
      problems.push({
        path: ['grid', name],
        message: `no value uses {{grid.${name}}}: every combination would run the same suite`,
      });
    }
  }
  return problems.length > 0 ? { problems } : { variants, problems };
}
