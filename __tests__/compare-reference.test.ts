// The machine's speed taken out by the suite's reference workload (compare/reference.ts): a bench suite times
// a fixed piece of work in every replicate process; a run on a slower machine is slower there too, and the
// head and the history are scaled to the baseline's reference speed before comparing.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument, historyRunFrom, parseHistory } from '../src/baseline/history.ts';
import { compareResults } from '../src/compare/compare.ts';
import { judge } from '../src/compare/judge.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import {
  type Elasticity,
  elasticityOf,
  MAX_POWER,
  metricElasticities,
  planReferences,
  referenceRatio,
  referenceTracking,
  type SuiteScaling,
  scaledHistory,
  scaleMetric,
} from '../src/compare/reference.ts';
import { syntheticMetric } from '../src/compare/simulate.ts';
import { loadConfig } from '../src/config/load.ts';
import type { Better, Metric, ResultsDocument, SuiteReference } from '../src/model/results.ts';
import { parseResults } from '../src/model/results.ts';
import { renderMarkdown } from '../src/report/index.ts';
import { runSuites } from '../src/runner/run.ts';
import { median } from '../src/stats/quantile.ts';
import { normalDraw, type Uniform } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { REFERENCE_PARTS, REFERENCE_WORKLOAD } from '../suites/bench/reference.ts';
import { resultsAt } from './helpers/documents.ts';
import { scratchDir } from './helpers/scratch.ts';

const options = DEFAULT_COMPARE_OPTIONS; // 5% min-effect, 99% confidence
const env = { os: 'linux 6.1', arch: 'x64', cpu: 'Test CPU', cores: 2, node: 'v20.0.0' };
const WORKLOAD = 'js-mix@1';

interface RunShape {
  /** Machine-wide log level of the run (slower positive). */
  machine: number;
  /** Every kernel's code slowed by this factor (the reference never is). */
  factor?: number;
  /** How closely the reference follows the machine: its own log noise per run. */
  refOwn?: number;
  /** The reference sees none of the machine's level (an I/O-bound suite's machine is not the CPU's). */
  refBlind?: boolean;
  /** Kernels' own log noise per run. */
  own?: number;
  /** The suite moves this much per unit the reference moves (memory-bound kernels feel a busy machine more). */
  gain?: number;
  /** Kernels (by index) that do not feel the machine at all. */
  still?: readonly number[];
}

/**
 * One run of a 12-kernel bench suite with 10 replicates and its reference: processes often land in a slow
 * mode (so the runs are compared by their best replicate) and the reference shares the process's machine.
 */
function run(rng: Uniform, hour: number, s: RunShape): ResultsDocument {
  const factor = s.factor ?? 1;
  const metrics: Metric[] = Array.from({ length: 12 }, (_, i) => {
    const better: Better = i % 4 === 3 ? 'higher' : 'lower';
    const own = (s.own ?? 0.004) * normalDraw(rng);
    const samples = Array.from({ length: 10 }, () => {
      const machine = s.still?.includes(i) ? 0 : s.machine;
      let t = (i + 1) * factor * Math.exp(machine + own + 0.008 * normalDraw(rng));
      if (rng() < 0.4) t *= 1.5 + 0.3 * rng();
      return better === 'lower' ? t : 1000 / t;
    });
    return syntheticMetric(`gate/k${i}`, better, samples);
  });
  const refLevel = (s.refBlind ? 0 : s.machine / (s.gain ?? 1)) + (s.refOwn ?? 0.003) * normalDraw(rng);
  // Five parts, each with its own noise and its own slow modes.
  const parts = Object.fromEntries(
    ['integer', 'float', 'sort', 'map', 'string'].map((part, p) => {
      const own = (s.refOwn ?? 0.003) * normalDraw(rng);
      const times = Array.from({ length: 10 }, () => {
        const t = 0.001 * (p + 1) * Math.exp(refLevel + own + 0.008 * normalDraw(rng));
        return rng() < 0.4 ? t * (1.5 + 0.3 * rng()) : t;
      });
      return [part, times];
    }),
  );
  const reference: SuiteReference = { workload: WORKLOAD, unit: 'ms', parts };
  const doc = resultsAt(hour, env, metrics);
  (doc.suites[0] as (typeof doc.suites)[number]).reference = reference;
  return doc;
}

function withoutReference(doc: ResultsDocument): ResultsDocument {
  return { ...doc, suites: doc.suites.map(({ reference: _r, ...s }) => s) };
}

/** Main-branch runs at the machine levels given, each saved with the history up to it; the last is the baseline. */
function branch(rng: Uniform, machine: readonly number[], shape: Omit<RunShape, 'machine'> = {}) {
  let history: HistoryDocument | undefined;
  let base: ResultsDocument | undefined;
  machine.forEach((c, r) => {
    base = run(rng, r, { ...shape, machine: c });
    history = appendToHistory(history, base);
  });
  return { base: base as ResultsDocument, history: history as HistoryDocument };
}

/** Oriented so that slower is above 1. */
const slower = (c: { better: Better; ratio?: number }) => (c.better === 'lower' ? c.ratio : 1 / (c.ratio ?? 1)) ?? 1;

describe('the reference workload in results and history', () => {
  it('a bench suite times it once in every replicate process, unless told not to', async () => {
    const dir = scratchDir('perf-reference');
    writeFileSync(
      path.join(dir, 'sum.bench.mjs'),
      'let s = 0;\nexport default { benches: { sum: () => { for (let i = 0; i < 100; i++) s += i; return s; } } };\n',
    );
    const yml = (extra: string) =>
      `version: 1\nsuites:\n  - name: b\n    kind: bench\n    file: sum.bench.mjs\n    replicates: 3\n    time: 20ms\n    warmup: 5ms\n${extra}`;
    writeFileSync(path.join(dir, 'perf.yml'), yml(''));
    const { results } = await runSuites(await loadConfig(path.join(dir, 'perf.yml'), { env: {} }), {
      logDir: dir,
      speedProbe: false,
    });
    const suite = results.suites[0];
    expect(suite?.ok).toBe(true);
    expect(suite?.metrics.map((m) => m.id)).toEqual(['b/sum']);
    expect(suite?.reference?.workload).toBe(REFERENCE_WORKLOAD);
    expect(suite?.reference?.unit).toBe('ms');
    const parts = suite?.reference?.parts ?? {};
    expect(Object.keys(parts).sort()).toEqual(Object.keys(REFERENCE_PARTS).sort());
    for (const times of Object.values(parts)) {
      expect(times).toHaveLength(3);
      for (const t of times) expect(t).toBeGreaterThan(0);
    }
    expect(parseResults(JSON.stringify(results), 'r.json').suites[0]?.reference).toEqual(suite?.reference);
    expect(() =>
      parseResults(
        JSON.stringify({
          ...results,
          suites: [{ ...suite, reference: { ...suite?.reference, parts: { sort: [0] } } }],
        }),
        'r.json',
      ),
    ).toThrow(/reference/);

    writeFileSync(path.join(dir, 'perf.yml'), yml('    reference: false\n'));
    const off = await runSuites(await loadConfig(path.join(dir, 'perf.yml'), { env: {} }), {
      logDir: dir,
      speedProbe: false,
    });
    expect(off.results.suites[0]?.ok).toBe(true);
    expect(off.results.suites[0]?.reference).toBeUndefined();
  });

  it('keeps each suite reference in the history and reads it back', () => {
    const doc = run(makeRng(1), 0, { machine: 0 });
    const entry = historyRunFrom(doc);
    expect(entry.references?.gate?.workload).toBe(WORKLOAD);
    expect(Object.keys(entry.references?.gate?.parts ?? {})).toHaveLength(5);
    expect(entry.references?.gate?.parts.sort).toHaveLength(10);
    const again = parseHistory(JSON.stringify(appendToHistory(undefined, doc)), 'history.json');
    expect(again.runs[0]?.references?.gate?.parts).toEqual(entry.references?.gate?.parts);
    // A crashed suite's reference is left out with its metrics.
    const crashed = { ...doc, suites: doc.suites.map((s) => ({ ...s, ok: false })) };
    expect(historyRunFrom(crashed).references).toBeUndefined();
  });

  it('compares two runs part by part: the median of the parts, each by its median or its fastest replicate', () => {
    const ref = (parts: Record<string, number[]>): SuiteReference => ({ workload: WORKLOAD, unit: 'ms', parts });
    const base = ref({ a: [1, 1.2, 1.1], b: [2, 2.4, 2.2], c: [3, 3.6, 3.3] });
    // Every part 10% slower: the run is 10% slower in both views.
    const slow = ref({ a: [1.1, 1.32, 1.21], b: [2.2, 2.64, 2.42], c: [3.3, 3.96, 3.63] });
    expect(referenceRatio(slow, base, 'median')).toBeCloseTo(1.1, 12);
    expect(referenceRatio(slow, base, 'best')).toBeCloseTo(1.1, 12);
    // One part in a slow mode in every process does not move the run's reference.
    const oneSlow = ref({ a: [1.25, 1.5, 1.4], b: [2, 2.4, 2.2], c: [3, 3.6, 3.3] });
    expect(referenceRatio(oneSlow, base, 'best')).toBeCloseTo(1, 12);
    // The views differ where a part's slow replicates are many: the median moves, the fastest does not.
    const manySlow = ref({ a: [1, 1.6, 1.7], b: [2, 3.2, 3.4], c: [3, 4.8, 5.1] });
    expect(referenceRatio(manySlow, base, 'best')).toBeCloseTo(1, 12);
    expect(referenceRatio(manySlow, base, 'median')).toBeCloseTo(1.6 / 1.1, 12);
    // Only the parts both runs timed count; none shared, or another workload: no ratio.
    expect(referenceRatio(ref({ a: [1.1], z: [9] }), base, 'best')).toBeCloseTo(1.1, 12);
    expect(referenceRatio(ref({ z: [9] }), base, 'best')).toBeUndefined();
    expect(referenceRatio({ ...slow, workload: 'js-mix@9' }, base, 'best')).toBeUndefined();
  });

  it('scales times down and rates up by a slower run reference', () => {
    const time = syntheticMetric('gate/t', 'lower', [10, 11, 12]);
    const rate = syntheticMetric('gate/r', 'higher', [100, 110, 120]);
    expect(scaleMetric(time, 1.1).samples?.[0]).toBeCloseTo(10 / 1.1, 12);
    expect(scaleMetric(time, 1.1).stats.median).toBeCloseTo(11 / 1.1, 12);
    expect(scaleMetric(time, 1.1).stats.n).toBe(3);
    expect(scaleMetric(rate, 1.1).samples?.[2]).toBeCloseTo(132, 12);
  });
});

describe('which suites are scaled', () => {
  const machine = [0.03, -0.04, 0.05, -0.02, 0.04, -0.05, 0.02, 0.0];

  it('scales nothing without a history that shows the reference following the suite', () => {
    const rng = makeRng(2);
    const base = run(rng, 0, { machine: 0 });
    const head = run(rng, 1, { machine: 0.08 });
    const [plan] = planReferences(base, head, undefined);
    expect(plan?.head).toEqual({});
    expect(plan?.skipped.best).toMatch(/only 0 of the history's 0 runs/);
    // With one: both views scaled by the elasticity times head/base reference.
    const { base: b, history } = branch(rng, machine);
    const h = run(rng, 20, { machine: 0.08 });
    const [scaled] = planReferences(b, h, history);
    const hb = (v: 'median' | 'best') =>
      (referenceRatio(h.suites[0]?.reference, b.suites[0]?.reference, v) as number) ** (scaled?.power[v] as number);
    expect(scaled?.head.best).toBeCloseTo(hb('best'), 12);
    expect(scaled?.head.best).toBeGreaterThan(1.04);
    if (scaled?.head.median !== undefined) expect(scaled.head.median).toBeCloseTo(hb('median'), 12);
  });

  it('scales nothing when either side has no reference or another workload', () => {
    const rng = makeRng(3);
    const base = run(rng, 0, { machine: 0 });
    const head = run(rng, 1, { machine: 0.08 });
    expect(planReferences(withoutReference(base), head, undefined)).toEqual([]);
    expect(planReferences(base, withoutReference(head), undefined)).toEqual([]);
    const other = structuredClone(head);
    (other.suites[0]?.reference as SuiteReference).workload = 'js-mix@2';
    expect(planReferences(base, other, undefined)).toEqual([]);
  });

  it('scales when the history shows the reference following the suite, not when it does not', () => {
    const rng = makeRng(4);
    const follows = branch(rng, machine);
    const head = run(rng, 20, { machine: 0.06 });
    const [plan] = planReferences(follows.base, head, follows.history);
    expect(plan?.head.best).toBeDefined();
    expect(plan?.runs.best).toBe(machine.length);
    // Medians move with how many processes landed slow, the reference's too: the history decides, and says.
    expect((plan?.head.median === undefined) !== (plan?.skipped.median === undefined)).toBe(true);

    // A reference blind to the suite's machine: over 16 runs it cannot look like it follows (over a few
    // runs it may by chance, and then only its elasticity's uncertainty widens the intervals).
    const blind = branch(rng, [...machine, ...machine.map((c) => -0.8 * c)], { refBlind: true, refOwn: 0.03 });
    const blindHead = run(rng, 20, { machine: 0.06, refBlind: true });
    const [skip] = planReferences(blind.base, blindHead, blind.history);
    expect(skip?.head.best).toBeUndefined();
    // Said in the comparison, for the view its rows were compared in.
    const out = compareResults(blind.base, blindHead, options, blind.history);
    expect(out.warnings.some((w) => /not scaled by its reference \(fastest replicate\)/.test(w))).toBe(true);
    expect(Object.values(out.details).every((d) => d.reference === undefined || d.level !== 'best')).toBe(true);
    expect(skip?.skipped.best).toMatch(/did not follow the suite \(it explains \d+% of the suite's steps/);
  });

  it('waits for enough history runs with the reference when older runs lack it', () => {
    const rng = makeRng(5);
    let history: HistoryDocument | undefined;
    let base: ResultsDocument | undefined;
    machine.forEach((c, r) => {
      const doc = run(rng, r, { machine: c });
      // The first six runs came from a version without the reference.
      base = r < 6 ? withoutReference(doc) : doc;
      history = appendToHistory(history, base);
    });
    const [plan] = planReferences(base as ResultsDocument, run(rng, 20, { machine: 0 }), history);
    expect(plan?.head).toEqual({});
    expect(plan?.skipped.best).toMatch(/only 2 of the history's 8 runs/);
  });

  it('drops a suite from the history runs that cannot be scaled, and leaves other suites alone', () => {
    const rng = makeRng(6);
    const { base, history } = branch(rng, machine);
    const other = syntheticMetric('api/latency', 'lower', [5, 6, 7]);
    // The oldest run timed no reference; every run also has a metric of another suite.
    delete history.runs[0]?.references;
    const latency = historyRunFrom(resultsAt(0, env, [other])).metrics['api/latency'];
    for (const r of history.runs) if (latency) r.metrics['api/latency'] = latency;
    const plans = planReferences(base, run(rng, 20, { machine: 0.05 }), history);
    const scaled = scaledHistory(history, base, plans, 'best');
    expect(Object.keys(scaled.runs[0]?.metrics ?? {})).toEqual(['api/latency']);
    expect(scaled.runs[1]?.metrics['api/latency']).toEqual(history.runs[1]?.metrics['api/latency']);
    // A run on a slower machine than the baseline's comes down by its reference's ratio.
    const r = 3;
    expect(plans[0]?.power.best).toBeGreaterThan(0.8);
    expect(plans[0]?.power.best).toBeLessThan(1.25);
    // Each metric by its own elasticity (here all follow alike, so about the suite's).
    const power = elasticityOf(plans[0] as SuiteScaling, 'best', 'gate/k0')?.power as number;
    expect(power).toBeGreaterThan(0.8);
    expect(power).toBeLessThan(1.25);
    const ratio =
      (referenceRatio(history.runs[r]?.references?.gate, base.suites[0]?.reference, 'best') as number) ** power;
    expect(scaled.runs[r]?.metrics['gate/k0']?.median).toBeCloseTo(
      (history.runs[r]?.metrics['gate/k0']?.median as number) / ratio,
      9,
    );
  });

  it('follows a suite that moves more than its reference by the elasticity its history shows', () => {
    const rng = makeRng(16);
    const { base, history } = branch(rng, machine, { gain: 1.5 });
    const head = run(rng, 20, { machine: 0.12, gain: 1.5 });
    const [plan] = planReferences(base, head, history);
    expect(plan?.power.best).toBeGreaterThan(1.3);
    expect(plan?.power.best).toBeLessThan(1.7);
    const out = compareResults(base, head, options, history);
    expect(out.comparisons.filter((c) => c.verdict === 'regressed')).toEqual([]);
    expect(Math.abs(Math.log(median(out.comparisons.map(slower))))).toBeLessThan(0.02);
    const note = out.warnings.find((w) => /by its fastest replicate, suite ×1\.\d\d/.test(w));
    expect(note).toBeDefined();
    expect(note?.length).toBeLessThanOrEqual(300);
  });

  it('gives a kernel that does not follow the machine its own elasticity', () => {
    const rng = makeRng(17);
    const { base, history } = branch(rng, machine, { gain: 1.5, still: [2] });
    const head = run(rng, 20, { machine: 0.12, gain: 1.5, still: [2] });
    const [plan] = planReferences(base, head, history);
    const still = elasticityOf(plan as SuiteScaling, 'best', 'gate/k2') as Elasticity;
    expect(still.power).toBeLessThan(0.4);
    for (const id of ['gate/k0', 'gate/k5', 'gate/k9']) {
      expect(elasticityOf(plan as SuiteScaling, 'best', id)?.power).toBeGreaterThan(1.2);
    }
    // Scaled by the suite's elasticity it would look about 12% faster than it is.
    const out = compareResults(base, head, options, history);
    const k2 = out.comparisons.find((c) => c.id === 'gate/k2');
    expect(out.details['gate/k2']?.reference).toBeLessThan(1.04);
    expect(Math.abs(Math.log(k2?.ratio as number))).toBeLessThan(0.04);
    expect(out.comparisons.filter((c) => c.verdict === 'regressed' || c.verdict === 'improved')).toEqual([]);
  });

  it('pulls each metric towards the suite by how uncertain its own estimate is', () => {
    const suite = { power: 1.5, sd: 0.1 };
    const rng = makeRng(18);
    const refs = Array.from({ length: 12 }, () => 0.03 * normalDraw(rng));
    const runs = (own: (id: number) => number, follow: (id: number) => number) =>
      refs.map((r) => ({
        metrics: new Map(Array.from({ length: 10 }, (_, j) => [`m${j}`, follow(j) * r + own(j) * normalDraw(rng)])),
        reference: r,
      }));
    // Every metric follows alike: no spread beyond sampling, so each takes the suite's.
    const alike = metricElasticities(
      runs(
        () => 0.01,
        () => 1.5,
      ),
      suite,
    );
    for (const e of alike.values()) {
      expect(e.power).toBeCloseTo(1.5, 12);
      expect(e.sd).toBeCloseTo(0.1, 12);
    }
    // Half follow at 2, half at 1, quietly: each keeps about its own, with its own small error.
    const split = metricElasticities(
      runs(
        () => 0.002,
        (j) => (j < 5 ? 2 : 1),
      ),
      suite,
    );
    for (const [id, e] of split) {
      expect(Math.abs(e.power - (Number(id.slice(1)) < 5 ? 2 : 1))).toBeLessThan(0.1);
      expect(e.sd).toBeLessThan(0.1);
    }
    // Never below 0 nor above MAX_POWER.
    const wild = metricElasticities(
      runs(
        () => 0.002,
        (j) => (j < 5 ? -1 : 4),
      ),
      suite,
    );
    for (const e of wild.values()) {
      expect(e.power).toBeGreaterThanOrEqual(0);
      expect(e.power).toBeLessThanOrEqual(MAX_POWER);
    }
  });

  it('measures how much the suite level steps as measured and once scaled', () => {
    const rng = makeRng(8);
    const runs = machine.map((c) => ({
      metrics: new Map(Array.from({ length: 6 }, (_, j) => [`m${j}`, j + c + 0.002 * normalDraw(rng)] as const)),
      reference: c + 0.002 * normalDraw(rng),
    }));
    const t = referenceTracking(runs);
    expect(t?.scaled).toBeLessThan((t?.raw as number) / 20);
    const blind = referenceTracking(runs.map((r) => ({ ...r, reference: 0.04 * normalDraw(rng) })));
    expect(blind?.scaled).toBeGreaterThan(blind?.raw as number);
    expect(referenceTracking(runs.slice(0, 3))).toBeUndefined();
  });
});

describe('comparing runs on machines of different speeds', () => {
  const machine = [0.03, -0.04, 0.05, -0.02, 0.04, -0.05, 0.02, 0.0];

  it('does not call a head on a 9% slower machine regressed, and says why', () => {
    const rng = makeRng(9);
    const { base, history } = branch(rng, machine);
    const head = run(rng, 20, { machine: 0.09 });
    const out = compareResults(base, head, options, history);
    expect(out.comparisons.filter((c) => c.verdict === 'regressed')).toEqual([]);
    const scaled = out.comparisons.filter((c) => out.details[c.id]?.reference !== undefined);
    expect(scaled).toHaveLength(12);
    expect(median(scaled.map((c) => out.details[c.id]?.reference as number))).toBeGreaterThan(1.06);
    expect(out.warnings.some((w) => /reference workload ran \d+\.\d% slower/.test(w))).toBe(true);
    const { verdict, details } = judge({ head, baseline: { results: base, source: 'test', history }, options });
    const md = renderMarkdown({ verdict, head, base, details });
    expect(md).toMatch(/head scaled -\d+\.\d% \(reference\)/);
    // Without the reference the same runs look 9% slower on every kernel.
    const plain = compareResults(withoutReference(base), withoutReference(head), options, stripHistory(history));
    expect(median(plain.comparisons.map(slower))).toBeGreaterThan(1.06);
  });

  it('catches a 10% slowdown of the code measured on a 6% faster machine', () => {
    const rng = makeRng(10);
    const { base, history } = branch(rng, machine);
    const head = run(rng, 20, { machine: -0.06, factor: 1.1 });
    const out = compareResults(base, head, options, history);
    expect(out.comparisons.filter((c) => c.verdict === 'regressed').length).toBeGreaterThanOrEqual(10);
    expect(median(out.comparisons.map(slower))).toBeGreaterThan(1.07);
    const plain = compareResults(withoutReference(base), withoutReference(head), options, stripHistory(history));
    expect(plain.comparisons.filter((c) => c.verdict === 'regressed')).toEqual([]);
  });
});

function stripHistory(history: HistoryDocument): HistoryDocument {
  return { ...history, runs: history.runs.map(({ references: _r, ...r }) => r) };
}

describe('simulation: a busy machine, with and without the reference (fixed seeds)', () => {
  /**
   * Share of trials whose gate fails, the machine's log level scattering by 4% between runs, over a history
   * of `runs` runs, the suite moving `gain` times as much as its reference.
   */
  function gate(factor: number, trials: number, reference: boolean, seed: number, runs = 8, gain = 1): number {
    const rng = makeRng(seed);
    const shape = { own: 0.006, refOwn: 0.005, gain };
    let failed = 0;
    for (let t = 0; t < trials; t++) {
      const levels = Array.from({ length: runs }, () => 0.04 * normalDraw(rng));
      const { base, history } = branch(rng, levels, shape);
      const head = run(rng, 20, { ...shape, machine: 0.04 * normalDraw(rng), factor });
      const out = reference
        ? compareResults(base, head, options, history)
        : compareResults(withoutReference(base), withoutReference(head), options, stripHistory(history));
      if (out.comparisons.some((c) => c.verdict === 'regressed')) failed++;
    }
    return failed / trials;
  }

  it('keeps false alarms at or under 1% and catches 10% slowdowns that the machine hides without it', () => {
    expect(gate(1, 200, true, 11)).toBeLessThanOrEqual(0.01);
    const caught = gate(1.1, 100, true, 12);
    const plain = gate(1.1, 100, false, 12);
    expect(caught).toBeGreaterThanOrEqual(0.8);
    expect(plain).toBeLessThan(caught - 0.3);
  });

  it('learns how strongly the suite follows its reference, without false alarms from young histories', () => {
    // The suite moves 1.5% per 1% of the reference: the history's elasticity scales it right.
    expect(gate(1, 200, true, 13, 8, 1.5)).toBeLessThanOrEqual(0.01);
    expect(gate(1, 200, true, 14, 5, 1.5)).toBeLessThanOrEqual(0.01);
    expect(gate(1.1, 100, true, 15, 8, 1.5)).toBeGreaterThanOrEqual(0.8);
  });
});
