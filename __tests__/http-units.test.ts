// The http kind's pure parts: templates, JSON-path captures, SSE event counting, load shapes and the
// open-model schedule, response judging, and config errors that name the key and the fix.

import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText } from '../src/index.ts';
import { SuiteSetupError } from '../src/runner/suite-kind.ts';
import { compileRequests, RequestConfigError } from '../suites/http/compile.ts';
import { applyCaptures, judgeOutcome } from '../suites/http/engine.ts';
import { judgeGenerator } from '../suites/http/health.ts';
import { compileJsonPath, JsonPathError, readJsonPath } from '../suites/http/jsonpath.ts';
import { makePlan } from '../suites/http/plan.ts';
import { type HttpConfig, httpSchema } from '../suites/http/schema.ts';
import { ArrivalSchedule, closedStages, levelAt } from '../suites/http/shape.ts';
import { SseCounter } from '../suites/http/sse.ts';
import { compileJson, compileTemplate, type RenderScope, TemplateError } from '../suites/http/template.ts';

function scope(vars: Record<string, string> = {}): RenderScope {
  let n = 0;
  return { vars: new Map(Object.entries(vars)), nextSeq: () => n++ };
}

const config = (raw: Record<string, unknown>): HttpConfig => ({
  name: 'api',
  kind: 'http',
  ...httpSchema.parse({ target: 'http://127.0.0.1:1', load: { users: 1, duration: '1s' }, ...raw }),
});

describe('templates', () => {
  it('renders every placeholder kind and lists the captured variables it reads', () => {
    const t = compileTemplate(
      '/w/{{wid}}/{{ seq }}/{{seq}}?u={{uuid}}&n={{int 3 5}}&c={{pick red blue}}&h={{env.HOME_X}}',
      {
        HOME_X: 'hx',
      },
    );
    expect(t.vars).toEqual(['wid']);
    expect(t.constant).toBe(false);
    const s = scope({ wid: 'w9' });
    for (let i = 0; i < 50; i++) {
      const m = /^\/w\/w9\/(\d+)\/(\d+)\?u=([0-9a-f-]{36})&n=(\d)&c=(red|blue)&h=hx$/.exec(t.render(s));
      expect(m).not.toBeNull();
      expect(Number(m?.[2])).toBe(Number(m?.[1]) + 1);
      expect([3, 4, 5]).toContain(Number(m?.[4]));
    }
    const picks = new Set(Array.from({ length: 60 }, () => compileTemplate('{{pick a b c}}').render(s)));
    expect(picks).toEqual(new Set(['a', 'b', 'c']));
  });

  it('keeps constant text constant and rejects unknown placeholders and unset environment variables', () => {
    expect(compileTemplate('/health').constant).toBe(true);
    expect(compileTemplate('/health').render(scope())).toBe('/health');
    expect(() => compileTemplate('{{int 5 1}}')).toThrow(TemplateError);
    expect(() => compileTemplate('{{int 5 1}}')).toThrow(/int MIN MAX/);
    expect(() => compileTemplate('{{random 1}}')).toThrow(/not a known placeholder/);
    expect(() => compileTemplate('{{env.NOPE_NOT_SET}}', {})).toThrow(/NOPE_NOT_SET is not set/);
  });

  it('renders JSON bodies: strings templated, a lone number placeholder stays a number, keys stay literal', () => {
    const j = compileJson(
      { id: '{{uuid}}', n: '{{int 7 7}}', tag: 'x-{{seq}}', nested: [{ w: '{{wid}}' }], k: true },
      {},
    );
    expect(j.vars).toEqual(['wid']);
    const doc = JSON.parse(j.render(scope({ wid: 'abc' })));
    expect(doc).toMatchObject({ n: 7, tag: 'x-0', nested: [{ w: 'abc' }], k: true });
    expect(doc.id).toMatch(/^[0-9a-f-]{36}$/);
    const fixed = compileJson({ a: 1, b: 'plain' });
    expect(fixed.render(scope())).toBe('{"a":1,"b":"plain"}');
  });
});

describe('JSON path captures', () => {
  const doc = { workflow_id: 'w1', items: [{ id: 7 }, { id: 8, meta: { 'odd key': 'ok' } }], auth: { token: 't' } };

  it('reads keys, indices and quoted keys; missing steps give undefined', () => {
    expect(readJsonPath(doc, compileJsonPath('$.workflow_id'))).toBe('w1');
    expect(readJsonPath(doc, compileJsonPath('$.items[1].id'))).toBe(8);
    expect(readJsonPath(doc, compileJsonPath("$.items[1].meta['odd key']"))).toBe('ok');
    expect(readJsonPath(doc, compileJsonPath('$'))).toBe(doc);
    expect(readJsonPath(doc, compileJsonPath('$.items[5].id'))).toBeUndefined();
    expect(readJsonPath(doc, compileJsonPath('$.auth.token.length'))).toBeUndefined();
  });

  it('rejects malformed paths with the position', () => {
    expect(() => compileJsonPath('workflow_id')).toThrow(JsonPathError);
    expect(() => compileJsonPath('workflow_id')).toThrow(/must start with "\$"/);
    expect(() => compileJsonPath('$.items[x]')).toThrow(/position 7/);
  });

  it('stores captures in the session, and reports a missing value or a non-JSON body as a failure', () => {
    const plan = compileRequests(
      config({ requests: [{ name: 'c', path: '/', capture: { wid: '$.workflow_id', first: '$.items[0]' } }] }),
      {},
    );
    const req = plan.requests[0];
    if (!req) throw new Error('no request');
    const vars = new Map<string, string>();
    expect(applyCaptures(req, JSON.stringify(doc), vars)).toBeUndefined();
    expect(Object.fromEntries(vars)).toEqual({ wid: 'w1', first: '{"id":7}' });
    expect(applyCaptures(req, '{"x":1}', new Map())).toMatch(/capture wid: not in response/);
    expect(applyCaptures(req, '<html>', new Map())).toMatch(/not JSON/);
  });
});

describe('SSE counting', () => {
  it('counts events on blank-line boundaries, whatever the chunking', () => {
    const stream = 'data: a\n\ndata: b\nid: 2\n\n: comment\ndata: c\r\n\r\ndata: d\n\n';
    const whole = new SseCounter().push(stream);
    expect(whole).toBe(4);
    for (const size of [1, 2, 3, 5, 7]) {
      const c = new SseCounter();
      let n = 0;
      for (let i = 0; i < stream.length; i += size) n += c.push(stream.slice(i, i + size));
      expect(n).toBe(4);
    }
    expect(new SseCounter().push('data: partial\n')).toBe(0);
  });
});

describe('load shapes', () => {
  it('ramps users at the spawn rate, then holds; stages interpolate linearly', () => {
    const s = closedStages(50, 10, 10_000);
    expect(levelAt(s, 0)).toBe(0);
    expect(levelAt(s, 1000)).toBeCloseTo(10);
    expect(levelAt(s, 5000)).toBeCloseTo(50);
    expect(levelAt(s, 9000)).toBeCloseTo(50);
    expect(levelAt(closedStages(8, undefined, 1000), 0)).toBe(8);
    const stages = [
      { durationMs: 1000, target: 10 },
      { durationMs: 1000, target: 10 },
      { durationMs: 1000, target: 0 },
    ];
    expect(levelAt(stages, 500)).toBeCloseTo(5);
    expect(levelAt(stages, 1500)).toBeCloseTo(10);
    expect(levelAt(stages, 2500)).toBeCloseTo(5);
  });

  it('schedules open-model arrivals exactly at a constant rate and along a ramp', () => {
    const flat = new ArrivalSchedule([{ durationMs: 2000, target: 100 }], 100);
    expect(flat.arrivalTime(0)).toBe(0);
    expect(flat.arrivalTime(50)).toBeCloseTo(500);
    expect(flat.arrivalTime(200)).toBe(Number.POSITIVE_INFINITY);
    const ramp = new ArrivalSchedule([{ durationMs: 1000, target: 200 }]);
    // Rate 0 -> 200/s over 1 s: 100 arrivals in all; count(t) = 100 t^2, so arrival k is at sqrt(k/100) s.
    expect(ramp.countAt(1000)).toBeCloseTo(100);
    expect(ramp.arrivalTime(25)).toBeCloseTo(500, 5);
    for (const k of [1, 10, 60, 99]) expect(ramp.countAt(ramp.arrivalTime(k))).toBeCloseTo(k, 6);
  });
});

describe('judging a response', () => {
  const plan = compileRequests(
    config({
      requests: [
        { name: 'strict', path: '/', expect: { status: [200, 201], latency: '<100ms', 'body-contains': 'ok' } },
        { name: 'loose', path: '/' },
      ],
    }),
    {},
  );
  const [strict, loose] = plan.requests;
  if (!strict || !loose) throw new Error('missing requests');
  const base = { events: 0, endAt: 0 };

  it('names the reason: transport error, status, latency, body', () => {
    expect(judgeOutcome(strict, { ...base, error: 'timeout' }, 5)).toBe('timeout');
    expect(judgeOutcome(strict, { ...base, status: 500, body: 'ok' }, 5)).toBe('status 500 (expected 200 or 201)');
    expect(judgeOutcome(strict, { ...base, status: 201, body: 'ok' }, 100)).toBe('slower than <100ms');
    expect(judgeOutcome(strict, { ...base, status: 201, body: 'nope' }, 5)).toMatch(/body lacks "ok"/);
    expect(judgeOutcome(strict, { ...base, status: 201, body: 'is ok' }, 99)).toBeUndefined();
    expect(strict.keepBody).toBe(true);
    expect(loose.keepBody).toBe(false);
    expect(judgeOutcome(loose, { ...base, status: 404 }, 5)).toBe('status 404');
    expect(judgeOutcome(loose, { ...base, status: 302 }, 5)).toBeUndefined();
  });
});

describe('generator health', () => {
  it('flags a saturated generator and stays quiet for an idle one', () => {
    expect(judgeGenerator([{ elu: 0.3, lagP99Ms: 2, lagMaxMs: 5 }], 0.2).saturated).toBe(false);
    const busy = judgeGenerator(
      [
        { elu: 0.4, lagP99Ms: 2, lagMaxMs: 5 },
        { elu: 0.97, lagP99Ms: 12, lagMaxMs: 40 },
      ],
      0.95,
    );
    expect(busy.saturated).toBe(true);
    expect(busy.message).toMatch(/97% busy.*bounded by the generator/);
    expect(judgeGenerator([{ elu: 0.5, lagP99Ms: 80, lagMaxMs: 90 }], 0.5).saturated).toBe(true);
  });
});

describe('config errors', () => {
  const yaml = (suite: string) => `version: 1
suites:
  - name: api
    kind: http
    target: http://127.0.0.1:8002
${suite}`;

  it('reads units, ranges and defaults from perf.yml', () => {
    const suite = parseConfigText(
      yaml(`    load: { users: 20, spawn-rate: 5/s, duration: 3s, think-time: 10ms..50ms, warmup: 500ms }
    requests:
      - { name: create, method: post, path: /w, json: { id: "{{uuid}}" }, expect: { status: 201, latency: "<100ms" } }
`),
      'perf.yml',
    ).suites[0] as Record<string, unknown>;
    expect(suite).toMatchObject({
      load: {
        model: 'closed',
        users: 20,
        'spawn-rate': 5,
        duration: 3000,
        warmup: 500,
        'think-time': { min: 10, max: 50 },
      },
      requests: [
        { name: 'create', method: 'POST', weight: 1, expect: { status: 201, latency: { ms: 100, inclusive: false } } },
      ],
      'request-timeout': 30_000,
    });
  });

  it('names a misspelled key with its line and a suggestion', () => {
    const text = yaml(`    load: { users: 2, duration: 1s }
    requests:
      - { name: a, path: /, wieght: 2 }
`);
    expect(() => parseConfigText(text, 'perf.yml')).toThrow(ConfigError);
    expect(() => parseConfigText(text, 'perf.yml')).toThrow(/perf\.yml:8.*weight|weight.*perf\.yml:8/s);
    const badThink = yaml(`    load: { users: 2, duration: 1s, think-time: 50ms..10ms }
    requests: [{ name: a }]
`);
    expect(() => parseConfigText(badThink, 'perf.yml')).toThrow(/think-time.*MIN <= MAX|MIN <= MAX/s);
    const badName = yaml(`    load: { users: 2, duration: 1s }
    requests: [{ name: all }]
`);
    expect(() => parseConfigText(badName, 'perf.yml')).toThrow(/"all" names the aggregate/);
  });

  it('rejects keys of the other model and missing shapes with the key to change', () => {
    const plan = (load: Record<string, unknown>) => makePlan(config({ load, requests: [{ name: 'a' }] }), 2);
    expect(() => plan({ users: 5, rate: '10/s', duration: '1s' })).toThrow(SuiteSetupError);
    expect(() => plan({ users: 5, rate: '10/s', duration: '1s' })).toThrow(/load\.rate belongs to the open model/);
    expect(() => plan({ model: 'open', duration: '1s' })).toThrow(/load\.rate is required/);
    expect(() => plan({ users: 5 })).toThrow(/load\.duration is required/);
    expect(() => plan({ model: 'open', stages: [{ duration: '1s', target: 'fast' }] })).toThrow(
      /load\.stages\[0\]\.target.*rate/,
    );
    expect(() => plan({ stages: [{ duration: '1s', target: 3 }], warmup: '2s' })).toThrow(/warmup/);
    const ok = plan({
      model: 'open',
      stages: [
        { duration: '1s', target: '100/s' },
        { duration: '2s', target: '2k/s' },
      ],
    });
    expect(ok.plan.stages.map((s) => s.target)).toEqual([100, 2000]);
    expect(ok.plan.runMs).toBe(3000);
    // 3 windows of 1 s would be too few replicates for the gate: 5 windows of 600 ms instead.
    expect(ok.plan.windows).toBe(5);
    expect(ok.plan.windowMs).toBe(600);
  });

  it('rejects variables nobody captures, and duplicate names', () => {
    const uncaptured = config({ requests: [{ name: 'get', path: '/w/{{wid}}' }] });
    expect(() => compileRequests(uncaptured, {})).toThrow(RequestConfigError);
    expect(() => compileRequests(uncaptured, {})).toThrow(/requests\[0\] \(get\) uses \{\{wid\}\}.*capture: \{ wid/);
    const dup = config({ requests: [{ name: 'a' }, { name: 'a' }] });
    expect(() => compileRequests(dup, {})).toThrow(/"a" is already used by requests\[0\]/);
    const badTemplate = config({ requests: [{ name: 'x', path: '/{{int 1}}' }] });
    expect(() => compileRequests(badTemplate, {})).toThrow(/requests\[0\] \(x\) path: \{\{int 1\}\}/);
  });
});
