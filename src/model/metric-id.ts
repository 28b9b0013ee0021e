// Metric ids: `<suite>/<name>[k=v,k2=v2]`. Names may contain '/'; parameters keep declaration order.

export type Params = Record<string, string | number>;

export interface MetricIdParts {
  suite: string;
  name: string;
  params?: Params;
}

export function formatParams(params: Params | undefined): string {
  if (!params) return '';
  const entries = Object.entries(params);
  if (entries.length === 0) return '';
  return `[${entries.map(([k, v]) => `${k}=${v}`).join(',')}]`;
}

export function formatMetricId(suite: string, name: string, params?: Params): string {
  return `${suite}/${name}${formatParams(params)}`;
}

/** Split "a/b[x=1,y=z]" into base "a/b" and params; numeric-looking values become numbers. */
export function splitParams(id: string): { base: string; params?: Params } {
  const open = id.indexOf('[');
  if (open < 0 || !id.endsWith(']')) return { base: id };
  const params: Params = {};
  for (const pair of id.slice(open + 1, -1).split(',')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    const raw = eq < 0 ? '' : pair.slice(eq + 1).trim();
    params[key] = raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return { base: id.slice(0, open), params };
}

export function parseMetricId(id: string): MetricIdParts {
  const { base, params } = splitParams(id);
  const slash = base.indexOf('/');
  if (slash <= 0 || slash === base.length - 1) throw new Error(`metric id "${id}" must look like <suite>/<name>`);
  return { suite: base.slice(0, slash), name: base.slice(slash + 1), ...(params ? { params } : {}) };
}
