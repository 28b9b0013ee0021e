// A best replicate that is one lone process in a fast mode (stats/order.ts, noise.ts withSamplingFloor):
// a short history can catch that process every run, and a head whose processes all land in the usual mode
// then looks a mode's gap slower. The best's own sampling, from each run's replicates drawn again, is the
// floor of its drift.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { compareResults } from '../src/compare/compare.ts';
import { historyBestNoise, type RunNoise, withSamplingFloor } from '../src/compare/noise.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { syntheticMetric } from '../src/compare/simulate.ts';
import { type Better, type Metric, parseResults, type ResultsDocument } from '../src/model/results.ts';
import { resampledMinVariance } from '../src/stats/order.ts';
import { normalDraw, randomIndex, type Uniform } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { branchOf, resultsAt } from './helpers/documents.ts';

const options = DEFAULT_COMPARE_OPTIONS; // 5% min-effect, 99% confidence
const env = { os: 'linux 6.1', arch: 'x64', cpu: 'Test CPU', cores: 2, node: 'v20.0.0' };

/** Variance of the minimum of resamples drawn with a seeded generator: what the exact formula replaces. */
function monteCarloMinVariance(values: readonly number[], rng: Uniform, resamples: number): number {
  let sum = 0;
  let square = 0;
  for (let r = 0; r < resamples; r++) {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < values.length; i++) min = Math.min(min, values[randomIndex(rng, values.length)] as number);
    sum += min;
    square += min * min;
  }
  const mean = sum / resamples;
  return (square - resamples * mean * mean) / (resamples - 1);
}

describe('the variance of a resampled minimum', () => {
  it('agrees with drawing the resamples, for samples of every shape', () => {
    const rng = makeRng(41);
    for (let t = 0; t < 12; t++) {
      const n = 3 + (t % 10);
      // Normal noise, a lone low value, or a long right tail.
      const values = Array.from({ length: n }, (_, i) => {
        const z = normalDraw(rng);
        if (t % 3 === 1 && i === 0) return -3 + 0.1 * z;
        return t % 3 === 2 ? Math.exp(z) : z;
      });
      const exact = resampledMinVariance(values);
      const drawn = monteCarloMinVariance(values, rng, 40_000);
      expect(exact).toBeGreaterThan(0);
      expect(Math.abs(exact / drawn - 1)).toBeLessThan(0.06);
    }
  });

  it('is large for a lone low value and small where the lowest sit together', () => {
    const n = 10;
    // A lone value 0.12 below nine equal ones: found by a resample with chance 1 − (1 − 1/n)^n.
    const p = 1 - (1 - 1 / n) ** n;
    const lone = [0, ...Array.from({ length: n - 1 }, () => 0.12)];
    expect(resampledMinVariance(lone)).toBeCloseTo(p * (1 - p) * 0.12 ** 2, 14);
    // The same gap with three processes in the fast mode: a resample rarely misses all three.
    const three = [0, 0.001, 0.002, ...Array.from({ length: n - 3 }, () => 0.12)];
    expect(resampledMinVariance(three)).toBeLessThan(resampledMinVariance(lone) / 5);
    // Moved or scaled, the variance moves with the scale only; fewer than two values have none.
    const scaled = lone.map((v) => 5 + 3 * v);
    expect(resampledMinVariance(scaled)).toBeCloseTo(9 * resampledMinVariance(lone), 12);
    expect(resampledMinVariance([lone[1] as number, ...lone.slice(2), 0])).toBeCloseTo(resampledMinVariance(lone), 14);
    expect(resampledMinVariance([1])).toBe(0);
    expect(resampledMinVariance([])).toBe(0);
    expect(resampledMinVariance([2, 2, 2])).toBe(0);
  });
});

describe("a floor under the best's drift", () => {
  const noise: RunNoise = {
    runs: 6,
    spread: 0.025,
    drift: 0.015,
    df: 4,
    band: 0.09,
    common: { drift: 0.02, df: 3, steps: 5 },
    alone: { drift: 0.024, df: 3.5 },
  };

  it('raises a drift below the sampling of the best, and the spread and band with it', () => {
    const out = withSamplingFloor(noise, 0.05, 0.99);
    expect(out.drift).toBe(0.05);
    expect(out.sampling).toEqual({ sd: 0.05, raised: true });
    // The machine-wide part stays in the spread; the metric's own part is now the floor.
    expect(out.spread ** 2).toBeCloseTo(noise.spread ** 2 - noise.drift ** 2 + 0.05 ** 2, 14);
    expect(out.band).toBeGreaterThan(noise.band);
    expect(out.alone?.drift).toBe(0.05);
    expect(out.df).toBe(noise.df);
    expect(out.common).toEqual(noise.common);
  });

  it('leaves a drift beyond it, or below it by no more than chance allows, and notes the sampling', () => {
    for (const sampling of [0.01, 0.02]) {
      const out = withSamplingFloor(noise, sampling, 0.99);
      expect({ ...out, sampling: undefined }).toEqual({ ...noise, sampling: undefined });
      expect(out.sampling).toEqual({ sd: sampling, raised: false });
    }
    // Where chance stops: df · drift² / sampling² at chi-square's 5% point for 4 degrees of freedom.
    const edge = noise.drift * Math.sqrt(noise.df / 0.7107230213973241);
    expect(withSamplingFloor(noise, edge * 0.999, 0.99).drift).toBe(noise.drift);
    expect(withSamplingFloor(noise, edge * 1.001, 0.99).drift).toBeCloseTo(edge * 1.001, 15);
    expect(withSamplingFloor(noise, 0, 0.99)).toBe(noise);
  });

  it('is not raised by runs that landed mostly slow, only by a best resting on the fastest quarter', () => {
    // Each run's processes land in a slow mode 50-80% slower with chance 60%: a resample of a run with two
    // fast processes misses both a tenth of the time, a fresh run about 0.6% of the time. The quartile cap
    // keeps that out; the drift the history measured stands.
    const rng = makeRng(45);
    const shapes = new Map([['gate/k0', { unit: 'ms', better: 'lower' as Better, n: 10 }]]);
    let raised = 0;
    for (let t = 0; t < 40; t++) {
      const runs = Array.from({ length: 8 }, () =>
        run(rng, 1, { kernels: new Set(), q: 0 }, 0.6).filter((m) => m.id === 'gate/k0'),
      );
      const best = historyBestNoise(branch(runs).history, shapes, options.confidence, env).get('gate/k0');
      expect(best?.sampling?.sd).toBeGreaterThan(0);
      if (best?.sampling?.raised) raised++;
    }
    expect(raised).toBeLessThanOrEqual(2);
  });
});

/** Kernels with a fast mode 12% below their usual one: reached by each process with chance `q`, or by exactly `count`. */
interface FastMode {
  kernels: ReadonlySet<number>;
  q?: number;
  count?: number;
}

/**
 * One run of a suite of 20 kernels (every fourth a rate) on a busy machine: each process lands in a slow mode
 * (50-80% slower) with a chance drawn per run from 10-40% (or `slowShare`), or in the kernel's fast mode (FastMode). `factor`
 * slows every kernel.
 */
function run(rng: Uniform, factor: number, fast: FastMode, slowShare?: number): Metric[] {
  const shared = 0.01 * normalDraw(rng);
  const slow = slowShare ?? 0.1 + 0.3 * rng();
  return Array.from({ length: 20 }, (_, i) => {
    const better: Better = i % 4 === 3 ? 'higher' : 'lower';
    const own = 0.005 * normalDraw(rng);
    const samples = Array.from({ length: 10 }, (_, j) => {
      let t = (i + 1) * factor * Math.exp(shared + own + 0.008 * normalDraw(rng));
      const inFast = fast.kernels.has(i) && (fast.count !== undefined ? j < fast.count : rng() < (fast.q ?? 0));
      if (inFast) t *= 0.88;
      else if (rng() < slow) t *= 1.5 + 0.3 * rng();
      return better === 'lower' ? t : 1000 / t;
    });
    return syntheticMetric(`gate/k${i}`, better, samples);
  });
}

function branch(runs: readonly Metric[][]): { base: ResultsDocument; history: HistoryDocument } {
  return branchOf(env, runs);
}

const regressed = (out: ReturnType<typeof compareResults>) =>
  out.comparisons.filter((c) => c.verdict === 'regressed').map((c) => c.id);

describe('a kernel whose best is one process in a fast mode', () => {
  it('does not fail a head whose processes all missed that mode, however steady the history looked', () => {
    const rng = makeRng(42);
    const kernels = new Set([0, 7]);
    // Six main runs, each with exactly one process of each such kernel in the fast mode; none in the head.
    const { base, history } = branch(Array.from({ length: 6 }, () => run(rng, 1, { kernels, count: 1 })));
    const head = resultsAt(6, env, run(rng, 1, { kernels, count: 0 }));
    const out = compareResults(base, head, options, history);
    for (const id of ['gate/k0', 'gate/k7']) {
      const row = out.comparisons.find((c) => c.id === id);
      expect(out.details[id]?.level).toBe('best');
      // The head's best sits the whole gap of the mode slower (a rate the mirror), and that is not a regression.
      const slower = row?.better === 'lower' ? (row?.ratio as number) : 1 / (row?.ratio as number);
      expect(slower).toBeGreaterThan(1.09);
      expect(row?.verdict).not.toBe('regressed');
    }
    expect(regressed(out)).toEqual([]);
    // Said once for the suite, naming both kernels with their band.
    const note = out.warnings.filter((w) => w.includes('fast processes that a run can miss'));
    expect(note).toHaveLength(1);
    expect(note[0]).toMatch(/replicates of "gate\/k(0|7)" \(±\d+\.\d%\), "gate\/k(0|7)" \(±\d+\.\d%\) often rest on/);
    expect(note[0]).toContain('their drift is taken');
    expect(note[0]?.length).toBeLessThanOrEqual(300);
    // The floor holds the kernel's drift to the sampling of its best, about √(p(1 − p)) of the gap.
    const shapes = new Map([
      ['gate/k0', { unit: 'ms', better: 'lower' as Better, n: 10 }],
      ['gate/k7', { unit: 'req/s', better: 'higher' as Better, n: 10 }],
    ]);
    const best = historyBestNoise(history, shapes, options.confidence, env);
    const p = 1 - 0.9 ** 10;
    for (const id of shapes.keys()) {
      const sampling = best.get(id)?.sampling?.sd as number;
      expect(best.get(id)?.sampling?.raised).toBe(true);
      expect(sampling / (Math.sqrt(p * (1 - p)) * -Math.log(0.88))).toBeGreaterThan(0.8);
      expect(sampling / (Math.sqrt(p * (1 - p)) * -Math.log(0.88))).toBeLessThan(1.2);
      expect(best.get(id)?.drift).toBeGreaterThanOrEqual(sampling);
    }
    // Every kernel 20% slower still fails the gate, on the kernels whose best is steady.
    const slowed = resultsAt(6, env, run(rng, 1.2, { kernels, count: 1 }));
    expect(regressed(compareResults(base, slowed, options, history)).length).toBeGreaterThanOrEqual(10);
  });

  // Histories of five main runs, as a young baseline has: a fast mode each process reaches with chance 8%
  // is in a run's best about 57% of the time, so some histories never miss it while some heads do.
  function gate(seed: number, trials: number, factor: number): number {
    const rng = makeRng(seed);
    const fast = { kernels: new Set([0, 5, 10, 15]), q: 0.08 };
    let failed = 0;
    for (let t = 0; t < trials; t++) {
      const { base, history } = branch(Array.from({ length: 5 }, () => run(rng, 1, fast)));
      const head = resultsAt(5, env, run(rng, factor, fast));
      if (regressed(compareResults(base, head, options, history)).length > 0) failed++;
    }
    return failed / trials;
  }

  it('keeps false alarms at or under the nominal level (simulation, fixed seeds)', () => {
    expect(gate(43, 300, 1)).toBeLessThanOrEqual(1 - options.confidence);
  });

  it('still catches every kernel 10% slower in nearly every run', () => {
    expect(gate(44, 60, 1.1)).toBeGreaterThanOrEqual(0.9);
  });
});

describe('recorded runs: a kernel whose fastest process sat 12% below the rest in every run of a short history', () => {
  // bench:gate on the shared 2-core development machine (the busy hour of compare-usual.test.ts): in runs 0,
  // 1, 2, 6 and 11 one process of the horner kernel ran 9-15% faster than all the others. A head whose
  // processes all miss that mode, as about four runs in ten of that hour did, is made here from run 17 by
  // putting its fastest horner process with the rest (the next fastest's time).
  const file = path.join(import.meta.dirname, 'fixtures/gate-runs/busy-hour.json');
  const recorded = (JSON.parse(readFileSync(file, 'utf8')) as { runs: unknown[] }).runs.map((r, i) => {
    const raw = r as { run: number; results: unknown };
    return { run: raw.run, results: parseResults(JSON.stringify(raw.results), `${file} at $.runs[${i}]`) };
  });
  const at = (run: number) => recorded.find((r) => r.run === run)?.results as ResultsDocument;
  let history: HistoryDocument | undefined;
  for (const run of [0, 1, 2, 6, 11]) history = appendToHistory(history, at(run));
  const base = at(11);
  const missed = (doc: ResultsDocument): ResultsDocument => ({
    ...doc,
    suites: doc.suites.map((s) => ({
      ...s,
      metrics: s.metrics.map((m) => {
        if (m.id !== 'gate/horner') return m;
        const sorted = [...(m.samples as number[])].sort((a, b) => a - b);
        const samples = (m.samples as number[]).map((v) => (v === sorted[0] ? (sorted[1] as number) : v));
        return syntheticMetric(m.id, m.better, samples);
      }),
    })),
  });

  it('does not fail the head without the fast process, and names the kernel', () => {
    const head = missed(at(17));
    const out = compareResults(base, head, options, history as HistoryDocument);
    const horner = out.comparisons.find((c) => c.id === 'gate/horner');
    expect(out.details['gate/horner']?.level).toBe('best');
    expect(horner?.ratio).toBeGreaterThan(1.08);
    expect(horner?.verdict).not.toBe('regressed');
    expect(regressed(out)).toEqual([]);
    expect(out.warnings.filter((w) => w.includes('fast processes'))).toEqual([
      expect.stringMatching(
        /^suite "gate": the best replicate of "gate\/horner" \(±\d+\.\d%\) often rests on .* its drift/,
      ),
    ]);
  });
});
