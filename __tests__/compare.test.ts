import { describe, expect, it } from 'vitest';
import { compareMetrics, compareResults, environmentWarnings } from '../src/compare/compare.ts';
import { decide, type ShiftEvidence } from '../src/compare/decide.ts';
import { type CompareOptions, DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import {
  type Better,
  type Metric,
  RESULTS_SCHEMA,
  type ResultsDocument,
  type RunEnvironment,
} from '../src/model/results.ts';
import { benjaminiHochberg } from '../src/stats/fdr.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';

const options: CompareOptions = { ...DEFAULT_COMPARE_OPTIONS };

function metric(id: string, samples: number[] | undefined, extra: Partial<Metric> = {}): Metric {
  const [suite, ...rest] = id.split('/');
  const m = makeMetric({
    suite: suite as string,
    name: rest.join('/'),
    unit: extra.unit ?? 'ms',
    better: extra.better ?? 'lower',
    ...(samples ? { samples } : { stats: { n: 1, mean: 10, median: 10, min: 10, max: 10 } }),
  });
  return { ...m, ...extra };
}

/** n lognormal replicates around `level` with log-sd `sd`. */
function replicates(rng: () => number, n: number, level: number, sd = 0.03): number[] {
  return Array.from({ length: n }, () => level * Math.exp(sd * normalDraw(rng)));
}

const env: RunEnvironment = { os: 'linux', arch: 'x64', cpu: 'AMD EPYC 7763', cores: 4, node: 'v24.1.0' };

function doc(metrics: Metric[], overrides: Partial<ResultsDocument> = {}): ResultsDocument {
  const suites = [...new Set(metrics.map((m) => m.suite))].map((name) => ({
    name,
    kind: 'bench',
    ok: true,
    durationMs: 1,
    metrics: metrics.filter((m) => m.suite === name),
  }));
  return { schema: RESULTS_SCHEMA, createdAt: '2026-01-01T00:00:00Z', env, suites, ...overrides };
}

describe('compareMetrics', () => {
  it('flags a uniform 30% slowdown of a 4-metric suite with 5 replicates at 99% confidence', () => {
    const rng = makeRng(1);
    const ids = ['graph/plan', 'graph/layout', 'graph/route', 'graph/render'];
    for (let run = 0; run < 20; run++) {
      const base = ids.map((id) => metric(id, replicates(rng, 5, 40)));
      const head = ids.map((id) => metric(id, replicates(rng, 5, 52)));
      const { comparisons, details } = compareMetrics(base, head, options);
      for (const c of comparisons) {
        expect(c.verdict).toBe('regressed');
        // The exact floor of 5 vs 5, unchanged by the adjustment when all four are at it.
        expect(c.p).toBeCloseTo(2 / 252, 12);
        expect(details[c.id]?.pRaw).toBeCloseTo(2 / 252, 12);
        expect(c.ratio as number).toBeGreaterThan(1.2);
        expect(c.ratio as number).toBeLessThan(1.4);
        const [lo, hi] = c.ci as [number, number];
        expect(lo).toBeGreaterThan(1);
        expect(lo).toBeLessThanOrEqual(c.ratio as number);
        expect(hi).toBeGreaterThanOrEqual(c.ratio as number);
      }
    }
  });

  it('reports medians, the ratio head/base and a detail record per row', () => {
    const base = [metric('s/a', [10, 11, 12, 13, 14])];
    const head = [metric('s/a', [20, 22, 24, 26, 28])];
    const { comparisons, details } = compareMetrics(base, head, options);
    expect(comparisons[0]).toMatchObject({ id: 's/a', unit: 'ms', better: 'lower', base: 12, head: 24 });
    expect(comparisons[0]?.ratio).toBeCloseTo(2, 1);
    expect(details['s/a']).toMatchObject({ nBase: 5, nHead: 5, scale: 'log', method: 'exact' });
    expect(details['s/a']?.noise).toBeGreaterThan(0);
  });

  it('applies Benjamini-Hochberg across the run: one changed metric among twenty cannot pass at 5 vs 5', () => {
    const rng = makeRng(2);
    const base: Metric[] = [];
    const head: Metric[] = [];
    for (let i = 0; i < 20; i++) {
      base.push(metric(`s/m${i}`, replicates(rng, 5, 10)));
      head.push(metric(`s/m${i}`, replicates(rng, 5, i === 0 ? 13 : 10)));
    }
    const { comparisons, details } = compareMetrics(base, head, options);
    const raw = comparisons.map((c) => details[c.id]?.pRaw as number);
    const adjusted = benjaminiHochberg(raw);
    comparisons.forEach((c, i) => {
      expect(c.p).toBeCloseTo(adjusted[i] as number, 14);
    });
    expect(raw[0]).toBeLessThan(0.01);
    expect(comparisons[0]?.verdict).toBe('inconclusive');
    expect(details['s/m0']?.reason).toMatch(/correct/);
    // It says how many replicates would settle it: 8 per side is the least at which 20 × p can drop below 1%.
    expect(details['s/m0']?.needed).toBeGreaterThanOrEqual(8);
    expect(comparisons.slice(1).some((c) => c.verdict === 'regressed' || c.verdict === 'improved')).toBe(false);
  });

  it('is direction-aware: swapping "better" or inverting the values mirrors the verdict', () => {
    const rng = makeRng(3);
    const flip: Record<string, string> = { regressed: 'improved', improved: 'regressed' };
    const seen = new Set<string>();
    for (let t = 0; t < 300; t++) {
      const n = 3 + (t % 8);
      const factor = Math.exp((rng() - 0.5) * 0.5);
      const sd = 0.01 + 0.05 * rng();
      const b = replicates(rng, n, 100, sd);
      const h = replicates(rng, n + (t % 3), 100 * factor, sd);
      const better: Better = t % 2 ? 'lower' : 'higher';
      const other: Better = better === 'lower' ? 'higher' : 'lower';
      const inv = (xs: number[]) => xs.map((v) => 1 / v);
      const plain = compareMetrics([metric('s/x', b, { better })], [metric('s/x', h, { better })], options)
        .comparisons[0];
      const swapped = compareMetrics(
        [metric('s/x', b, { better: other })],
        [metric('s/x', h, { better: other })],
        options,
      ).comparisons[0];
      const inverted = compareMetrics([metric('s/x', inv(b), { better })], [metric('s/x', inv(h), { better })], options)
        .comparisons[0];
      const both = compareMetrics(
        [metric('s/x', inv(b), { better: other })],
        [metric('s/x', inv(h), { better: other })],
        options,
      ).comparisons[0];
      const v = plain?.verdict as string;
      seen.add(v);
      expect(swapped?.verdict).toBe(flip[v] ?? v);
      expect(inverted?.verdict).toBe(flip[v] ?? v);
      expect(both?.verdict).toBe(v);
      expect(inverted?.ratio).toBeCloseTo(1 / (plain?.ratio as number), 9);
      expect(inverted?.p).toBeCloseTo(plain?.p as number, 12);
      if (plain?.ci) {
        expect(inverted?.ci?.[0]).toBeCloseTo(1 / plain.ci[1], 9);
        expect(inverted?.ci?.[1]).toBeCloseTo(1 / plain.ci[0], 9);
      }
    }
    // The scenarios exercised every verdict, so the mirror was checked where it matters.
    expect([...seen].sort()).toEqual(['improved', 'inconclusive', 'regressed', 'unchanged']);
  });

  it('converts the baseline to the head unit, and refuses units of another dimension', () => {
    const rng = makeRng(4);
    const seconds = replicates(rng, 6, 0.1);
    const ms = replicates(rng, 6, 130);
    const out = compareMetrics([metric('s/t', seconds, { unit: 's' })], [metric('s/t', ms, { unit: 'ms' })], options);
    expect(out.comparisons[0]?.unit).toBe('ms');
    expect(out.comparisons[0]?.base).toBeGreaterThan(90);
    expect(out.comparisons[0]?.base).toBeLessThan(110);
    expect(out.comparisons[0]?.ratio).toBeGreaterThan(1.2);
    expect(out.comparisons[0]?.verdict).toBe('regressed');
    expect(out.warnings).toEqual([]);
    const same = compareMetrics(
      [metric('s/t', seconds, { unit: 's' })],
      [
        metric(
          's/t',
          seconds.map((v) => v * 1000),
          { unit: 'ms' },
        ),
      ],
      options,
    );
    expect(same.comparisons[0]?.ratio).toBeCloseTo(1, 9);
    expect(same.comparisons[0]?.verdict).toBe('unchanged');

    const bad = compareMetrics(
      [metric('s/t', seconds, { unit: 'ms' })],
      [metric('s/t', ms, { unit: 'req/s' })],
      options,
    );
    expect(bad.comparisons[0]?.verdict).toBe('inconclusive');
    expect(bad.comparisons[0]?.base).toBeUndefined();
    expect(bad.warnings.join('\n')).toMatch(/"s\/t".*cannot be converted/);
  });

  it('marks metrics only in the head as new and only in the baseline as missing, in a stable order', () => {
    const base = [metric('s/kept', [1, 2, 3]), metric('s/gone', [4, 5, 6])];
    const head = [metric('s/fresh', [7, 8, 9]), metric('s/kept', [1, 2, 3])];
    const { comparisons, details } = compareMetrics(base, head, options);
    expect(comparisons.map((c) => [c.id, c.verdict])).toEqual([
      ['s/fresh', 'new'],
      ['s/kept', comparisons[1]?.verdict],
      ['s/gone', 'missing'],
    ]);
    expect(comparisons[0]).toMatchObject({ head: 8 });
    expect(comparisons[0]?.base).toBeUndefined();
    expect(comparisons[2]).toMatchObject({ base: 5 });
    expect(details['s/gone']).toMatchObject({ nBase: 3, nHead: 0 });
    const none = compareMetrics(undefined, head, options);
    expect(none.comparisons.every((c) => c.verdict === 'new')).toBe(true);
  });

  it('leaves out ids matching the ignore globs, also from the multiple-testing family', () => {
    const rng = makeRng(5);
    const ids = ['api/create/latency_max', 'api/create/latency', 'api/list/latency_max', 'deep/a/b/error_rate', 's/x'];
    const base = ids.map((id) => metric(id, replicates(rng, 6, 10)));
    const head = ids.map((id) => metric(id, replicates(rng, 6, 10)));
    const ignoring = { ...options, ignore: ['api/*/latency_max', '**/error_rate'] };
    const out = compareMetrics(base, head, ignoring);
    expect(out.comparisons.map((c) => c.id)).toEqual(['api/create/latency', 's/x']);
    const alone = compareMetrics(
      base.slice(1, 2).concat(base[4] as Metric),
      head.slice(1, 2).concat(head[4] as Metric),
      options,
    );
    expect(out.comparisons.map((c) => c.p)).toEqual(alone.comparisons.map((c) => c.p));
    // Ignored base-only metrics are not reported missing either.
    expect(compareMetrics(base, [], ignoring).comparisons.map((c) => c.id)).toEqual(['api/create/latency', 's/x']);
  });

  it('is inconclusive with fewer than two replicates, falling back to the summary median', () => {
    const base = [metric('s/one', undefined), metric('s/two', [10, 10.1])];
    const head = [metric('s/one', undefined), metric('s/two', [13])];
    const { comparisons, details } = compareMetrics(base, head, options);
    expect(comparisons[0]).toMatchObject({ verdict: 'inconclusive', base: 10, head: 10, ratio: 1 });
    expect(comparisons[0]?.p).toBeUndefined();
    expect(details['s/one']).toMatchObject({ nBase: 1, nHead: 1, reason: 'fewer than 2 replicates on a side' });
    expect(details['s/one']?.needed).toBeGreaterThanOrEqual(5);
    expect(comparisons[1]?.verdict).toBe('inconclusive');
    expect(comparisons[1]?.ratio).toBeGreaterThan(1.2);
  });

  it('handles zeros (counts, error rates) on the raw scale', () => {
    const zeros = [0, 0, 0, 0, 0];
    const same = compareMetrics(
      [metric('q/lost', zeros, { unit: 'count' })],
      [metric('q/lost', zeros, { unit: 'count' })],
      options,
    );
    expect(same.comparisons[0]).toMatchObject({ verdict: 'unchanged', base: 0, head: 0 });
    expect(same.details['q/lost']?.scale).toBe('linear');
    const lost = compareMetrics(
      [metric('q/lost', zeros, { unit: 'count' })],
      [metric('q/lost', [3, 1, 4, 2, 5], { unit: 'count' })],
      options,
    );
    // Nothing to divide by: no ratio, but the losses are a regression all the same.
    expect(lost.comparisons[0]?.verdict).toBe('regressed');
    expect(lost.comparisons[0]?.ratio).toBeUndefined();
    const rate = compareMetrics(
      [metric('api/err', [1, 1.2, 0.9, 1.1, 1, 0], { unit: '%' })],
      [metric('api/err', [2, 2.3, 1.9, 2.2, 2.1, 2.4], { unit: '%' })],
      options,
    );
    expect(rate.comparisons[0]?.ratio).toBeGreaterThan(1.8);
    expect(JSON.parse(JSON.stringify(rate.comparisons[0]))).toEqual(rate.comparisons[0]);
  });

  it('calls quiet, equal metrics unchanged and says so with a narrow interval', () => {
    const rng = makeRng(6);
    const base = [metric('s/q', replicates(rng, 10, 50, 0.005))];
    const head = [metric('s/q', replicates(rng, 10, 50, 0.005))];
    const out = compareMetrics(base, head, options);
    expect(out.comparisons[0]?.verdict).toBe('unchanged');
    const [lo, hi] = out.comparisons[0]?.ci ?? [0, Number.POSITIVE_INFINITY];
    expect(lo).toBeGreaterThan(1 / 1.05);
    expect(hi).toBeLessThan(1.05);
    expect(out.details['s/q']?.needed).toBeUndefined();
  });

  it('warns about duplicates and a changed direction; ids cannot reach the prototype', () => {
    const out = compareMetrics(
      [metric('s/a', [1, 2, 3], { better: 'higher' }), metric('s/a', [9, 9, 9])],
      [metric('s/a', [1, 2, 3]), metric('s/p', [1, 2], { id: '__proto__' })],
      options,
    );
    expect(out.warnings.some((w) => /"s\/a" appears twice in the baseline/.test(w))).toBe(true);
    expect(out.warnings.some((w) => /better.*changed from higher to lower/.test(w))).toBe(true);
    expect(Object.getPrototypeOf(out.details)).toBe(Object.prototype);
    expect(Object.hasOwn(out.details, '__proto__')).toBe(true);
  });

  it('rejects nonsensical options', () => {
    expect(() => compareMetrics([], [], { ...options, confidence: 99 })).toThrow(RangeError);
    expect(() => compareMetrics([], [], { ...options, minEffect: -0.1 })).toThrow(RangeError);
  });
});

describe('decide', () => {
  const rule = { minEffect: 0.05, confidence: 0.99 };
  // q is the adjusted p-value; the raw p equals it unless given.
  const ev = (
    estimate: number,
    lower: number,
    upper: number,
    q?: number,
    better: Better = 'lower',
    p = q,
  ): ShiftEvidence => ({
    estimate: Math.log(estimate),
    lower: Math.log(lower),
    upper: Math.log(upper),
    ...(q !== undefined ? { q } : {}),
    ...(p !== undefined ? { p } : {}),
    better,
    nBase: 10,
    nHead: 10,
  });

  it('needs significance, a one-sided interval and a change beyond min-effect for a regression', () => {
    expect(decide(ev(1.2, 1.1, 1.3, 0.001), rule).verdict).toBe('regressed');
    expect(decide(ev(1.2, 1.1, 1.3, 0.02), rule).verdict).toBe('inconclusive');
    expect(decide(ev(1.2, 0.99, 1.3, 0.001), rule).verdict).toBe('inconclusive');
    // Significant but within min-effect, and the interval stays inside it: unchanged.
    expect(decide(ev(1.02, 1.01, 1.03, 0.001), rule).verdict).toBe('unchanged');
    // Significant, small estimate, but the interval reaches past min-effect: cannot say.
    expect(decide(ev(1.03, 1.01, 1.08, 0.001), rule).verdict).toBe('inconclusive');
    expect(decide(ev(1.2, 1.1, 1.3, 0.001, 'higher'), rule).verdict).toBe('improved');
    expect(decide(ev(1 / 1.2, 1 / 1.3, 1 / 1.1, 0.001), rule).verdict).toBe('improved');
  });

  it('calls a small, insignificant change unchanged only when changes of twice min-effect are ruled out', () => {
    expect(decide(ev(1.01, 0.95, 1.09, 0.5), rule).verdict).toBe('unchanged');
    expect(decide(ev(1.01, 0.9, 1.11, 0.5), rule).verdict).toBe('inconclusive');
    expect(decide(ev(1.06, 0.99, 1.09, 0.5), rule).verdict).toBe('inconclusive');
    // Not significant after the correction, but plainly significant on its own: not waved through as unchanged.
    expect(decide(ev(1.04, 1.01, 1.09, 0.03, 'lower', 0.001), rule)).toEqual({
      verdict: 'inconclusive',
      reason: 'a small change is likely, but the interval reaches beyond min-effect',
    });
    expect(decide({ ...ev(1, 0.99, 1.01, 0.5), nHead: 1 }, rule).verdict).toBe('inconclusive');
    expect(decide(ev(1, 0, Number.POSITIVE_INFINITY, 1), rule).reason).toMatch(/finite interval/);
  });
});

describe('environments', () => {
  it('says nothing when the machines match and names each difference otherwise', () => {
    expect(environmentWarnings(env, { ...env, runner: 'other-runner' })).toEqual([]);
    const w = environmentWarnings(env, { os: 'darwin', arch: 'arm64', cpu: 'Apple M3', cores: 8, node: 'v22.3.0' });
    expect(w).toHaveLength(4);
    expect(w.join('\n')).toMatch(/CPU \(baseline: AMD EPYC 7763; this run: Apple M3\)/);
    expect(w.join('\n')).toMatch(/Node\.js version \(baseline: v24\.1\.0; this run: v22\.3\.0\)/);
    expect(w.join('\n')).toMatch(/platform \(baseline: linux\/x64; this run: darwin\/arm64\)/);
    expect(w.join('\n')).toMatch(/cores \(baseline: 4; this run: 8\)/);
  });

  it('compareResults adds environment warnings and names baseline suites that did not run', () => {
    const base = doc([metric('a/x', [1, 2, 3]), metric('b/y', [1, 2, 3])]);
    const head = doc([metric('a/x', [1, 2, 3])], { env: { ...env, cpu: 'Intel Xeon' } });
    const out = compareResults(base, head, options);
    expect(out.warnings[0]).toMatch(/different CPU/);
    expect(
      out.warnings.some((w) =>
        /suite "b" is in the baseline but did not run; its 1 metric is reported as missing/.test(w),
      ),
    ).toBe(true);
    expect(out.comparisons.find((c) => c.id === 'b/y')?.verdict).toBe('missing');
    expect(compareResults(undefined, head, options).warnings).toEqual([]);
  });
});
