// Turns the requests of perf.yml into ready-to-send recipes: templates compiled, capture paths parsed,
// expectations normalised. Runs once in the main thread (to report config errors with the request's name)
// and once in every worker thread (functions do not cross threads).

import { compileJsonPath, type PathStep } from './jsonpath.ts';
import type { HttpConfig, RequestConfig } from './schema.ts';
import { compileJson, compileTemplate, type JsonTemplate, type RenderScope, type Template } from './template.ts';

export interface Expectation {
  status?: ReadonlySet<number>;
  statusText?: string;
  latencyMs?: number;
  inclusive: boolean;
  bodyContains?: string;
}

export interface CompiledRequest {
  /** Index into the recorder's series: setup requests come after the loop requests. */
  index: number;
  name: string;
  method: string;
  weight: number;
  /** Captured variables this request needs: listed in `requires` or used in its templates. */
  requires: string[];
  captures: [string, PathStep[]][];
  expect: Expectation;
  timeoutMs: number;
  stream?: 'sse' | 'chunked';
  /** The body must be kept for captures or body checks; otherwise it is discarded as it arrives. */
  keepBody: boolean;
  build(scope: RenderScope): BuiltRequest;
  /** `until:` the status poll that ends this request's latency. */
  until?: CompiledUntil;
}

export interface CompiledUntil {
  /** The GET of the status URL (suite headers included); its variables come from this request's captures. */
  build(scope: RenderScope): BuiltRequest;
  /** poll: GET every interval; sse: one GET read as an event stream, each event's data checked. */
  follow: 'poll' | 'sse';
  steps: PathStep[];
  /** Written as in perf.yml; a polled value matches when its text (strings as-is, else JSON) is this. */
  equals: string;
  json: string;
  intervalMs: number;
  timeoutMs: number;
}

export interface BuiltRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export class RequestConfigError extends Error {
  override name = 'RequestConfigError';
}

function compileOne(
  r: RequestConfig,
  index: number,
  where: string,
  suiteHeaders: Record<string, string>,
  defaultTimeout: number,
  env: NodeJS.ProcessEnv,
  isSetup = false,
): CompiledRequest {
  const fail = (what: string, err: unknown): never => {
    throw new RequestConfigError(`${where} (${r.name}) ${what}: ${(err as Error).message}`);
  };
  const vars = new Set<string>(r.requires ?? []);
  const tpl = (text: string, what: string): Template => {
    try {
      const t = compileTemplate(text, env);
      for (const v of t.vars) vars.add(v);
      return t;
    } catch (err) {
      return fail(what, err);
    }
  };
  const path = tpl(r.path, 'path');
  const query = Object.entries(r.query ?? {}).map(([k, v]) => [k, tpl(v, `query.${k}`)] as const);
  const own = new Set(Object.keys(r.headers ?? {}).map((k) => k.toLowerCase()));
  const headers = Object.entries({ ...suiteHeaders, ...(r.headers ?? {}) }).map(([k, v]) => {
    // A setup request (the login) runs before the suite-wide headers' variables exist: it sends them empty
    // instead of waiting for them.
    if (!isSetup || own.has(k.toLowerCase())) return [k.toLowerCase(), tpl(v, `headers.${k}`)] as const;
    try {
      return [k.toLowerCase(), compileTemplate(v, env)] as const;
    } catch (err) {
      return fail(`headers.${k}`, err);
    }
  });
  if (r.json !== undefined && r.body !== undefined) {
    throw new RequestConfigError(`${where} (${r.name}): use either json or body, not both`);
  }
  let json: JsonTemplate | undefined;
  if (r.json !== undefined) {
    try {
      json = compileJson(r.json, env);
    } catch (err) {
      fail('json', err);
    }
    for (const v of json?.vars ?? []) vars.add(v);
  }
  const body = r.body !== undefined ? tpl(r.body, 'body') : undefined;
  const captures = Object.entries(r.capture ?? {}).map(([name, p]): [string, PathStep[]] => {
    try {
      return [name, compileJsonPath(p)];
    } catch (err) {
      return fail(`capture.${name}`, err);
    }
  });
  const statuses = r.expect?.status === undefined ? undefined : [r.expect.status].flat();
  const hasType = headers.some(([k]) => k === 'content-type');
  const build = (scope: RenderScope): BuiltRequest => {
    let p = path.render(scope);
    if (query.length > 0) {
      const qs = query.map(([k, t]) => `${encodeURIComponent(k)}=${encodeURIComponent(t.render(scope))}`).join('&');
      p += (p.includes('?') ? '&' : '?') + qs;
    }
    const h: Record<string, string> = {};
    for (const [k, t] of headers) h[k] = t.render(scope);
    if (json) {
      if (!hasType) h['content-type'] = 'application/json';
      return { method: r.method, path: p, headers: h, body: json.render(scope) };
    }
    if (body) return { method: r.method, path: p, headers: h, body: body.render(scope) };
    return { method: r.method, path: p, headers: h };
  };
  let until: CompiledUntil | undefined;
  if (r.until) {
    const u = r.until;
    const poll = compileOne(
      { name: r.name, method: 'GET', path: u.path, weight: 1 } as RequestConfig,
      index,
      `${where}.until`,
      suiteHeaders,
      defaultTimeout,
      env,
    );
    let steps: PathStep[] = [];
    try {
      steps = compileJsonPath(u.json);
    } catch (err) {
      fail('until.json', err);
    }
    until = {
      build: poll.build,
      steps,
      equals: u.equals,
      json: u.json,
      follow: u.follow,
      intervalMs: u.interval,
      timeoutMs: u.timeout,
    };
  }
  return {
    ...(until ? { until } : {}),
    index,
    name: r.name,
    method: r.method,
    weight: r.weight,
    requires: [...vars],
    captures,
    expect: {
      ...(statuses ? { status: new Set(statuses), statusText: statuses.join(' or ') } : {}),
      ...(r.expect?.latency ? { latencyMs: r.expect.latency.ms } : {}),
      inclusive: r.expect?.latency?.inclusive ?? true,
      ...(r.expect?.['body-contains'] ? { bodyContains: r.expect['body-contains'] } : {}),
    },
    timeoutMs: r.timeout ?? defaultTimeout,
    ...(r.stream ? { stream: r.stream } : {}),
    keepBody: captures.length > 0 || r.expect?.['body-contains'] !== undefined,
    build,
  };
}

export interface CompiledPlan {
  requests: CompiledRequest[];
  setup: CompiledRequest[];
  /** Every series name in recorder order: loop requests, then setup requests. */
  names: string[];
}

/** Compile and cross-check: names unique, every variable used is captured somewhere. */
export function compileRequests(cfg: HttpConfig, env: NodeJS.ProcessEnv): CompiledPlan {
  const headers = cfg.headers ?? {};
  const timeout = cfg['request-timeout'];
  const requests = cfg.requests.map((r, i) => compileOne(r, i, `requests[${i}]`, headers, timeout, env));
  const setup = (cfg.setup ?? []).map((r, i) =>
    compileOne(r, cfg.requests.length + i, `setup[${i}]`, headers, timeout, env, true),
  );
  const all = [...requests, ...setup];
  const seen = new Map<string, string>();
  for (const [i, r] of all.entries()) {
    const where = i < requests.length ? `requests[${i}]` : `setup[${i - requests.length}]`;
    const before = seen.get(r.name);
    if (before) throw new RequestConfigError(`${where}: the name "${r.name}" is already used by ${before}`);
    seen.set(r.name, where);
  }
  const captured = new Set(all.flatMap((r) => r.captures.map(([v]) => v)));
  for (const [i, r] of requests.entries()) {
    const missing = r.requires.filter((v) => !captured.has(v));
    if (missing.length > 0) {
      const known = [...captured];
      throw new RequestConfigError(
        `requests[${i}] (${r.name}) uses ${missing.map((v) => `{{${v}}}`).join(', ')} but no request captures it; ` +
          `add capture: { ${missing[0]}: "$.field" } to the request that returns it` +
          (known.length > 0 ? ` (captured: ${known.join(', ')})` : ''),
      );
    }
  }
  for (const [i, r] of setup.entries()) {
    const earlier = new Set(setup.slice(0, i).flatMap((s) => s.captures.map(([v]) => v)));
    const missing = r.requires.filter((v) => !earlier.has(v));
    if (missing.length > 0) {
      throw new RequestConfigError(
        `setup[${i}] (${r.name}) uses ${missing.map((v) => `{{${v}}}`).join(', ')}, which no earlier setup request captures`,
      );
    }
  }
  return { requests, setup, names: all.map((r) => r.name) };
}
