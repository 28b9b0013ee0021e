// Sharded runs: which suites a leg takes, how a split http load deals its threads, and how merge joins the
// legs (a missing or duplicated leg, a failed part, services started on every leg).

import { describe, expect, it } from 'vitest';
import { makeMetric } from '../src/model/make-metric.ts';
import { RESULTS_SCHEMA, type ResultsDocument, type SuiteResult } from '../src/model/results.ts';
import { parseShard, parseStartAt, ShardError, suitesForShard } from '../src/runner/shard.ts';
import { MergeError, MISSING_LEG_KIND, mergeLegs } from '../src/shard/merge.ts';
import { makePlan } from '../suites/http/plan.ts';
import { type HttpConfig, httpSchema } from '../suites/http/schema.ts';

describe('parseShard', () => {
  it('reads i/n and rejects what is not a leg', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/2', '3/2', '2', 'a/b', '1/0', '1/257', '-1/2', '1.5/2']) {
      expect(() => parseShard(bad), bad).toThrow(ShardError);
    }
    expect(() => parseShard('3/2')).toThrow(/--shard "3\/2".*1 <= i <= n/);
  });

  it('reads --start-at as ISO or epoch milliseconds, and names the flag otherwise', () => {
    expect(parseStartAt('2026-12-04T10:00:00Z')).toBe(Date.UTC(2026, 11, 4, 10));
    expect(parseStartAt('1764842400000')).toBe(1764842400000);
    expect(() => parseStartAt('soon')).toThrow(/--start-at "soon" is not a time/);
  });
});

describe('suitesForShard', () => {
  const suites = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, loadShards: 1 }));

  it('gives every whole suite to exactly one leg, the same way every time', () => {
    for (let n = 1; n <= 7; n++) {
      const legs = Array.from({ length: n }, (_, i) => suitesForShard(suites, { index: i + 1, count: n }));
      const all = legs.flat().map((a) => a.name);
      expect(all.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(legs).toEqual(Array.from({ length: n }, (_, i) => suitesForShard(suites, { index: i + 1, count: n })));
      // Round-robin: leg sizes differ by at most one.
      const sizes = legs.map((l) => l.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('runs a split load on legs 1..k, each with its part, and deals the rest around it', () => {
    const mixed = [{ name: 'load', loadShards: 2 }, ...suites.slice(0, 3)];
    const legs = [1, 2, 3].map((index) => suitesForShard(mixed, { index, count: 3 }));
    expect(legs[0]).toEqual([{ name: 'load', part: { index: 1, count: 2 } }, { name: 'a' }]);
    expect(legs[1]).toEqual([{ name: 'load', part: { index: 2, count: 2 } }, { name: 'b' }]);
    expect(legs[2]).toEqual([{ name: 'c' }]);
  });

  it('refuses a split over more legs than the run has', () => {
    expect(() => suitesForShard([{ name: 'load', loadShards: 4 }], { index: 1, count: 2 })).toThrow(
      /suite load: load.shards is 4 but the run has 2 leg/,
    );
  });
});

describe('makePlan for a split load', () => {
  const config = (load: Record<string, unknown>, workers?: number): HttpConfig => ({
    name: 'api',
    kind: 'http',
    ...httpSchema.parse({
      target: 'http://127.0.0.1:1',
      ...(workers ? { workers } : {}),
      load,
      requests: [{ name: 'root', path: '/' }],
    }),
  });

  it("places each leg's threads among all legs' threads, so n legs run the load of one run", () => {
    for (const [users, legs, workers] of [
      [10, 2, 2],
      [7, 3, 1],
      [64, 4, 3],
    ] as const) {
      const cfg = config({ users, duration: '1s', shards: legs }, workers);
      const parts = Array.from({ length: legs }, (_, i) => makePlan(cfg, 2, { index: i + 1, count: legs }));
      const total = parts[0]?.total ?? 0;
      expect(parts.every((p) => p.total === total)).toBe(true);
      // Global thread indexes: consecutive blocks that cover 0..total-1 once.
      const covered = parts.flatMap((p) => Array.from({ length: p.workers }, (_, j) => p.first + j));
      expect(covered).toEqual(Array.from({ length: total }, (_, t) => t));
      // Users are dealt u = t, t + total, ...: every user lands on exactly one thread of one leg.
      const dealt = covered.flatMap((t) => Array.from({ length: users }, (_, u) => u).filter((u) => u % total === t));
      expect(dealt.sort((x, y) => x - y)).toEqual(Array.from({ length: users }, (_, u) => u));
    }
  });

  it('divides connections and the in-flight cap over all threads of all legs', () => {
    const cfg = config({ model: 'open', rate: '100/s', duration: '1s', shards: 2, 'max-in-flight': 40 }, 2);
    const one = makePlan(cfg, 2);
    const leg = makePlan(cfg, 2, { index: 2, count: 2 });
    expect(leg.total).toBe(2 * one.total);
    expect(leg.plan.maxInFlight * leg.total).toBeGreaterThanOrEqual(40);
    expect(leg.plan.maxInFlight).toBeLessThan(one.plan.maxInFlight);
  });
});

const env = { os: 'linux', arch: 'x64', cpu: 'Test CPU', cores: 2, node: 'v24.0.0' };

function suite(name: string, kind = 'bench', extra: Partial<SuiteResult> = {}): SuiteResult {
  return {
    name,
    kind,
    ok: true,
    durationMs: 10,
    metrics: [makeMetric({ suite: name, name: 'op', unit: 'ms', better: 'lower', samples: [1, 2, 3] })],
    ...extra,
  };
}

function leg(index: number, count: number, suites: SuiteResult[], sha = 'abc'): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    createdAt: `2026-12-04T10:00:0${index}.000Z`,
    git: { sha },
    env,
    shard: { index, count },
    suites,
  };
}

describe('mergeLegs', () => {
  const kinds = [
    {
      name: 'split',
      // Sums the parts: enough to see that every part arrives once, in leg order.
      mergeShards: (name: string, parts: unknown[]) => [
        makeMetric({
          suite: name,
          name: 'sum',
          unit: 'count',
          better: 'higher',
          samples: [parts.map(Number).reduce((a, b) => a + b, 0)],
        }),
        makeMetric({ suite: name, name: 'order', unit: 'count', better: 'higher', samples: [Number(parts.join(''))] }),
      ],
    },
  ];

  it('joins whole suites and merges split parts in leg order', () => {
    const doc = mergeLegs(
      [
        {
          source: 'l2.json',
          doc: leg(2, 2, [suite('b'), suite('load', 'split', { shard: { index: 2, count: 2, data: 7 } })]),
        },
        {
          source: 'l1.json',
          doc: leg(1, 2, [suite('load', 'split', { shard: { index: 1, count: 2, data: 5 } }), suite('a')]),
        },
      ],
      { kinds },
    );
    expect(doc.suites.map((s) => s.name)).toEqual(['load', 'a', 'b']);
    expect(doc.shard).toBeUndefined();
    const load = doc.suites[0] as SuiteResult;
    expect(load.ok).toBe(true);
    expect(load.shard).toBeUndefined();
    expect(load.metrics.map((m) => [m.id, m.samples])).toEqual([
      ['load/sum', [12]],
      ['load/order', [57]],
    ]);
    expect(doc.createdAt).toBe('2026-12-04T10:00:02.000Z');
  });

  it('turns a missing leg into a failed suite that names what it was to run', () => {
    const planned = ['a', 'b', 'c'].map((name) => ({ name, loadShards: 1 }));
    const doc = mergeLegs(
      [
        { source: 'l1.json', doc: leg(1, 3, [suite('a')]) },
        { source: 'l3.json', doc: leg(3, 3, [suite('c')]) },
      ],
      { kinds, planned },
    );
    const missing = doc.suites.find((s) => s.kind === MISSING_LEG_KIND);
    expect(missing?.name).toBe('leg-2-of-3');
    expect(missing?.ok).toBe(false);
    expect(missing?.error).toMatch(/leg 2\/3 sent no results.*it was to run b/);
  });

  it('fails a split suite whose part is missing or failed, keeping the other suites', () => {
    const doc = mergeLegs(
      [
        { source: 'l1.json', doc: leg(1, 2, [suite('load', 'split', { shard: { index: 1, count: 2, data: 5 } })]) },
        {
          source: 'l2.json',
          doc: leg(2, 2, [
            suite('load', 'split', { ok: false, error: 'target down', shard: { index: 2, count: 2, data: 1 } }),
          ]),
        },
      ],
      { kinds },
    );
    expect(doc.suites[0]?.ok).toBe(false);
    expect(doc.suites[0]?.error).toMatch(/split load is incomplete.*leg 2 failed: target down/);
    expect(doc.suites[0]?.metrics).toEqual([]);
    const half = mergeLegs(
      [
        { source: 'l1.json', doc: leg(1, 2, [suite('load', 'split', { shard: { index: 1, count: 2, data: 5 } })]) },
        { source: 'l2.json', doc: leg(2, 2, [suite('other')]) },
      ],
      { kinds },
    );
    expect(half.suites[0]?.error).toMatch(/part 2\/2 is missing/);
  });

  it('keeps a service measured on every leg under one name per leg', () => {
    const doc = mergeLegs(
      [
        { source: 'l1.json', doc: leg(1, 2, [suite('redis', 'service'), suite('a')]) },
        { source: 'l2.json', doc: leg(2, 2, [suite('redis', 'service'), suite('b')]) },
      ],
      { kinds },
    );
    expect(doc.suites.map((s) => s.name)).toEqual(['redis', 'a', 'redis-leg2', 'b']);
    expect(doc.suites[2]?.metrics[0]?.id).toBe('redis-leg2/op');
  });

  it('refuses legs that are not one run, with the files named', () => {
    const one = { source: 'l1.json', doc: leg(1, 2, [suite('a')]) };
    expect(() => mergeLegs([one, { source: 'again.json', doc: leg(1, 2, [suite('b')]) }], { kinds })).toThrow(
      /l1.json and again.json are both leg 1\/2/,
    );
    expect(() => mergeLegs([one, { source: 'l3.json', doc: leg(2, 3, [suite('b')]) }], { kinds })).toThrow(
      /l3.json is leg 2\/3 but l1.json is of 2 legs/,
    );
    expect(() => mergeLegs([one, { source: 'l2.json', doc: leg(2, 2, [suite('b')], 'def') }], { kinds })).toThrow(
      /different commits \(abc, def\)/,
    );
    expect(() => mergeLegs([one, { source: 'l2.json', doc: leg(2, 2, [suite('a')]) }], { kinds })).toThrow(
      /suite a is in l1.json and in l2.json/,
    );
    const plain = { ...leg(1, 1, []), shard: undefined };
    expect(() => mergeLegs([{ source: 'plain.json', doc: plain }], { kinds })).toThrow(MergeError);
    expect(() => mergeLegs([], { kinds })).toThrow(/at least one leg/);
  });
});
