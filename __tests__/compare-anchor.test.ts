// The baseline run moved to the machine's usual level (noise.ts machineAnchor, compare.ts anchoredDrift):
// a stored baseline is one run, and the machine-wide part of its drift is known from the history's other
// runs, so a baseline measured in a slow (or fast) hour no longer passes its hour on to every comparison.

import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { anchoredDrift, compareResults, pooledDrift } from '../src/compare/compare.ts';
import { judge } from '../src/compare/judge.ts';
import { MIN_COMMON_METRICS, machineAnchor, type RunNoise } from '../src/compare/noise.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { syntheticMetric } from '../src/compare/simulate.ts';
import { allMetrics, type Better, type Metric, type ResultsDocument } from '../src/model/results.ts';
import { renderMarkdown } from '../src/report/index.ts';
import { median } from '../src/stats/quantile.ts';
import { normalDraw, type Uniform } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { resultsAt } from './helpers/documents.ts';

const options = DEFAULT_COMPARE_OPTIONS; // 5% min-effect, 99% confidence
const env = { os: 'linux 6.1', arch: 'x64', cpu: 'Test CPU', cores: 2, node: 'v20.0.0' };

/** Log levels of `metrics` metrics over runs whose machine-wide levels are `machine`, with a little own noise. */
function levels(machine: readonly number[], metrics: number, seed = 1): Map<string, Array<number | undefined>> {
  const rng = makeRng(seed);
  return new Map(
    Array.from({ length: metrics }, (_, j) => [
      `m${j}`,
      machine.map((c) => Math.log(j + 1) + c + 0.002 * normalDraw(rng)),
    ]),
  );
}

describe('the baseline run against the machine usual level', () => {
  const steady = [0.01, -0.02, 0.015, 0, -0.01, 0.02, -0.015, 0.005, -0.005, 0.05];

  it('measures how much slower than the history mean the last run was', () => {
    const anchor = machineAnchor(levels(steady, 12), steady.length);
    const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
    expect(anchor?.runs).toBe(10);
    expect(anchor?.offset).toBeCloseTo(0.05 - mean, 2);
    // The levels' scatter around their mean, with runs - 1 degrees of freedom.
    const sd = Math.sqrt(steady.reduce((a, c) => a + (c - mean) ** 2, 0) / 9);
    expect(anchor?.sd).toBeGreaterThan(sd * 0.95);
    expect(anchor?.sd).toBeLessThan(sd * 1.05);
    expect(anchor?.df).toBe(9);
    // A fast last run gives a negative offset, of the same size mirrored.
    const mirrored = machineAnchor(
      levels(
        steady.map((c) => -c),
        12,
      ),
      steady.length,
    );
    expect(mirrored?.offset).toBeCloseTo(-(0.05 - mean), 2);
  });

  it('declines when the level stepped or trended (a change that slowed everything landed)', () => {
    const stepped = [0, 0.005, -0.005, 0.003, 0, 0.1, 0.105, 0.095, 0.1, 0.1];
    expect(machineAnchor(levels(stepped, 12), stepped.length)).toBeUndefined();
    const trend = steady.map((c, r) => c / 4 + 0.02 * r);
    expect(machineAnchor(levels(trend, 12), trend.length)).toBeUndefined();
    // The same scatter in a shuffled order is steady again.
    const shuffled = [0.1, 0, 0.105, 0.005, 0.095, -0.005, 0.1, 0.003, 0, 0.1];
    expect(machineAnchor(levels(shuffled, 12), shuffled.length)).toBeDefined();
  });

  it('needs enough metrics in the last run and enough runs', () => {
    expect(machineAnchor(levels(steady, MIN_COMMON_METRICS - 1), steady.length)).toBeUndefined();
    expect(machineAnchor(levels(steady.slice(-3), 12), 3)).toBeUndefined();
    const gap = levels(steady, 12);
    for (const l of gap.values()) l[steady.length - 1] = undefined;
    expect(machineAnchor(gap, steady.length)).toBeUndefined();
  });

  it('counts the machine part once plus the mean uncertainty, the own part twice', () => {
    const common = { drift: 0.03, df: 7, steps: 9 };
    const noise: RunNoise = { runs: 10, spread: 0.04, drift: 0.01, df: 20, band: 0.1, common };
    // The machine part is a new run's level against the mean of 10: a prediction interval, with 9 df.
    const anchored = anchoredDrift(noise, { offset: 0.02, runs: 10, sd: 0.03, df: 9 });
    expect(anchored.sd).toBeCloseTo(Math.sqrt(0.03 ** 2 * 1.1 + 2 * 0.01 ** 2), 12);
    // Against twice the whole drift, as without the anchor.
    const plain = pooledDrift(noise);
    expect(anchored.sd).toBeLessThan(Math.SQRT2 * plain.sd);
    // Satterthwaite's df lies between the parts' own.
    expect(anchored.df).toBeGreaterThan(9);
    expect(anchored.df).toBeLessThan(20);
  });
});

/**
 * One run of a 20-kernel suite whose processes often land in a slow mode (so each run is compared by its
 * best replicate), at machine-wide log level `machine`; `factor` slows every kernel.
 */
function run(rng: Uniform, machine: number, factor: number): Metric[] {
  return Array.from({ length: 20 }, (_, i) => {
    const better: Better = i % 4 === 3 ? 'higher' : 'lower';
    const own = 0.004 * normalDraw(rng);
    const samples = Array.from({ length: 10 }, () => {
      let t = (i + 1) * factor * Math.exp(machine + own + 0.008 * normalDraw(rng));
      if (rng() < 0.4) t *= 1.5 + 0.3 * rng();
      return better === 'lower' ? t : 1000 / t;
    });
    return syntheticMetric(`gate/k${i}`, better, samples);
  });
}

/** Main-branch runs at the machine levels given, each saved with the history up to it; the last is the baseline. */
function branch(rng: Uniform, machine: readonly number[]): { base: ResultsDocument; history: HistoryDocument } {
  let history: HistoryDocument | undefined;
  let base: ResultsDocument | undefined;
  machine.forEach((c, r) => {
    base = resultsAt(r, env, run(rng, c, 1));
    history = appendToHistory(history, base);
  });
  return { base: base as ResultsDocument, history: history as HistoryDocument };
}

describe('comparing against a baseline measured in a slow hour', () => {
  const machine = [0.01, -0.02, 0.015, 0, -0.01, 0.02, -0.015, 0.005, -0.005, 0.06];

  it('moves the baseline to the usual level, says so, and keeps head/base exact in the table', () => {
    const rng = makeRng(7);
    const { base, history } = branch(rng, machine);
    const head = resultsAt(20, env, run(rng, 0, 1));
    const out = compareResults(base, head, options, history);
    const best = out.comparisons.filter((c) => out.details[c.id]?.level === 'best');
    expect(best.length).toBeGreaterThanOrEqual(15);
    // Oriented so that slower is above 1: unanchored the head would look 6% faster than the slow baseline.
    const slower = (c: (typeof best)[number]) => (c.better === 'lower' ? c.ratio : 1 / (c.ratio as number)) ?? 1;
    const anchoredRatio = median(best.map(slower));
    expect(Math.abs(Math.log(anchoredRatio))).toBeLessThan(0.02);
    for (const c of best) {
      const d = out.details[c.id];
      expect(d?.anchor).toBeGreaterThan(1.04);
      expect(c.ratio).toBeCloseTo((c.head as number) / (c.base as number), 9);
    }
    // The raw bests: the head's best over the baseline's best, about 6% faster.
    const heads = new Map(allMetrics(head).map((m) => [m.id, m]));
    const bases = new Map(allMetrics(base).map((m) => [m.id, m]));
    const raw = best.map((c) => {
      const h = heads.get(c.id) as Metric;
      const b = bases.get(c.id) as Metric;
      const pick = (v: number[]) => (c.better === 'lower' ? Math.min(...v) : Math.max(...v));
      const r = pick(h.samples as number[]) / pick(b.samples as number[]);
      return c.better === 'lower' ? r : 1 / r;
    });
    expect(median(raw)).toBeLessThan(0.97);
    const { verdict, details } = judge({ head, baseline: { results: base, source: 'test', history }, options });
    const markdown = renderMarkdown({ verdict, head, base, details });
    expect(markdown).toMatch(/best replicate, base moved -\d+\.\d%/);
    expect(verdict.warnings.some((w) => /^the baseline run was \d+\.\d% slower by its best replicates/.test(w))).toBe(
      true,
    );
  });

  it('does not anchor a baseline that is not the history last run', () => {
    const rng = makeRng(8);
    const { base, history } = branch(rng, machine);
    const older = resultsAt(30, env, run(rng, 0, 1));
    const later = appendToHistory(history, older);
    const head = resultsAt(40, env, run(rng, 0, 1));
    const out = compareResults(base, head, options, later);
    expect(Object.values(out.details).some((d) => d.anchor !== undefined)).toBe(false);
  });
});

describe('simulation: the gate with the baseline moved to the usual level (fixed seeds)', () => {
  /**
   * `trials` pull requests, each against its own main branch of 10 runs whose machine-wide levels follow
   * `levels` (log), the head at `headLevel` and slowed by `factor`: the share whose gate failed.
   */
  function gate(
    seed: number,
    trials: number,
    factor: number,
    levels: (rng: Uniform) => { history: number[]; head: number },
  ): number {
    const rng = makeRng(seed);
    let failed = 0;
    for (let t = 0; t < trials; t++) {
      const l = levels(rng);
      const { base, history } = branch(rng, l.history);
      const head = resultsAt(20, env, run(rng, l.head, factor));
      const out = compareResults(base, head, options, history);
      if (out.comparisons.some((c) => c.verdict === 'regressed')) failed++;
    }
    return failed / trials;
  }
  const sd = 0.02;
  const steady = (rng: Uniform) => ({
    history: Array.from({ length: 10 }, () => sd * normalDraw(rng)),
    head: sd * normalDraw(rng),
  });
  // A change slowing every metric by twice the machine's sd landed halfway: the head runs at the new level.
  const stepped = (rng: Uniform) => ({
    history: Array.from({ length: 10 }, (_, r) => sd * normalDraw(rng) + (r >= 5 ? 2 * sd : 0)),
    head: sd * normalDraw(rng) + 2 * sd,
  });
  // The machine's level wanders (a random walk): the mean of the history lags behind it.
  const wandering = (rng: Uniform) => {
    let level = 0;
    const history = Array.from({ length: 10 }, () => {
      level += sd * normalDraw(rng);
      return level;
    });
    return { history, head: level + sd * normalDraw(rng) };
  };

  it('keeps false alarms at or under the nominal level, steady, after a step, and wandering', () => {
    for (const [levels, seed] of [
      [steady, 100],
      [stepped, 200],
      [wandering, 300],
    ] as const) {
      expect(gate(seed, 150, 1, levels)).toBeLessThanOrEqual(1 - options.confidence);
    }
  });

  it('catches 10% slowdowns of a whole suite on a machine drifting by 2% between runs', () => {
    expect(gate(400, 150, 1.1, steady)).toBeGreaterThanOrEqual(0.6);
    expect(gate(500, 100, 1.2, steady)).toBeGreaterThanOrEqual(0.95);
  });
});

describe('simulation: p-values of metrics compared with a moved baseline (fixed seeds)', () => {
  it('are calibrated: p < 0.05 and p < 0.01 in about 5% and 1% of unchanged metrics', () => {
    const rng = makeRng(31);
    let rows = 0;
    let below05 = 0;
    let below01 = 0;
    let anchored = 0;
    for (let t = 0; t < 1000; t++) {
      const { base, history } = branch(
        rng,
        Array.from({ length: 8 }, () => 0.02 * normalDraw(rng)),
      );
      const head = resultsAt(20, env, run(rng, 0.02 * normalDraw(rng), 1));
      const out = compareResults(base, head, options, history);
      for (const d of Object.values(out.details)) {
        if (d.method !== 'history-t' || d.pRaw === undefined) continue;
        rows++;
        if (d.anchor !== undefined) anchored++;
        if (d.pRaw < 0.05) below05++;
        if (d.pRaw < 0.01) below01++;
      }
    }
    // Most histories pass the steadiness check (it declines about one in ten steady ones by design).
    expect(anchored / rows).toBeGreaterThan(0.8);
    expect(below05 / rows).toBeGreaterThan(0.035);
    expect(below05 / rows).toBeLessThan(0.065);
    expect(below01 / rows).toBeGreaterThan(0.005);
    expect(below01 / rows).toBeLessThan(0.015);
  });
});

describe('a recheck of one metric', () => {
  it('is judged with the noise, level and anchor the whole suite gives, as in the first run', () => {
    const rng = makeRng(9);
    const machine = [0.01, -0.02, 0.015, 0, -0.01, 0.02, -0.015, 0.005, -0.005, 0.03];
    const { base, history } = branch(rng, machine);
    const slowed = (r: Uniform) =>
      run(r, 0, 1).map((m, i) =>
        i === 0
          ? syntheticMetric(
              m.id,
              m.better,
              (m.samples as number[]).map((v) => v * 1.3),
            )
          : m,
      );
    const first = compareResults(base, resultsAt(20, env, slowed(rng)), options, history);
    expect(first.comparisons.filter((c) => c.verdict === 'regressed').map((c) => c.id)).toEqual(['gate/k0']);
    const again = resultsAt(21, env, slowed(rng));
    const second = compareResults(base, again, options, history, new Set(['gate/k0']));
    expect(second.comparisons.map((c) => c.id)).toEqual(['gate/k0']);
    expect(second.comparisons[0]?.verdict).toBe('regressed');
    expect(second.details['gate/k0']).toMatchObject({ level: first.details['gate/k0']?.level });
    expect(second.details['gate/k0']?.anchor).toBe(first.details['gate/k0']?.anchor);
    // Cut down to that metric alone, the suite's machine-wide part could not be told apart at all.
    const alone = {
      ...again,
      suites: again.suites.map((s) => ({ ...s, metrics: s.metrics.filter((m) => m.id === 'gate/k0') })),
    };
    expect(compareResults(base, alone, options, history).details['gate/k0']?.anchor).toBeUndefined();
  });
});
