// Comparing by each run's best replicate (compare/level.ts): when processes land in slow modes, the median
// of a run moves with how many did, while the best shows the speed the code reaches. The history decides
// which level a suite is compared by; these tests hold it to both sides of that choice.

import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { compareMetrics, compareResults } from '../src/compare/compare.ts';
import { judge } from '../src/compare/judge.ts';
import { BEST_MARGIN, chooseBestLevels, SLOW_TAIL_FACTOR } from '../src/compare/level.ts';
import { bestOf, historyBestNoise, historyNoise, historySlowTail, type RunNoise } from '../src/compare/noise.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { recheckOf, recheckOptions } from '../src/compare/recheck.ts';
import { syntheticMetric } from '../src/compare/simulate.ts';
import { allMetrics, type Better, type Metric, type ResultsDocument } from '../src/model/results.ts';
import { renderMarkdown } from '../src/report/index.ts';
import { normalDraw, type Uniform } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { studentSf } from '../src/stats/student.ts';
import { resultsAt } from './helpers/documents.ts';

const options = DEFAULT_COMPARE_OPTIONS; // 5% min-effect, 99% confidence
const env = { os: 'linux 6.1', arch: 'x64', cpu: 'Test CPU', cores: 2, node: 'v20.0.0' };

interface Machine {
  /** Share of a run's processes that land slow, per metric: drawn per run from this range. */
  slow?: [number, number];
  /** Log sd of a fast replicate. */
  sd?: number;
  metrics?: number;
  n?: number;
}

/**
 * One run of a 20-kernel bench suite on a machine where each process, for each kernel, lands in a slow mode
 * (50-80% slower) with a chance that changes from run to run; the rest of a run's noise is small. `factor`
 * slows every kernel (1.2: 20% slower; rates, every fourth metric, lose as much).
 */
function machineRun(rng: Uniform, factor: number, m: Machine = {}): Metric[] {
  const [lo, hi] = m.slow ?? [0.1, 0.5];
  const sd = m.sd ?? 0.01;
  const n = m.n ?? 10;
  const shared = 0.01 * normalDraw(rng);
  const p = lo + (hi - lo) * rng();
  return Array.from({ length: m.metrics ?? 20 }, (_, i) => {
    const better: Better = i % 4 === 3 ? 'higher' : 'lower';
    const own = 0.005 * normalDraw(rng);
    const samples = Array.from({ length: n }, () => {
      let t = (i + 1) * factor * Math.exp(shared + own + sd * normalDraw(rng));
      if (rng() < p) t *= 1.5 + 0.3 * rng();
      return better === 'lower' ? t : 1000 / t;
    });
    return syntheticMetric(`gate/k${i}`, better, samples);
  });
}

/** `runs` unchanged runs saved as baselines, each with the history up to it; the last is the baseline. */
function mainBranch(rng: Uniform, runs: number, m: Machine): { base: ResultsDocument; history: HistoryDocument } {
  let history: HistoryDocument | undefined;
  let base: ResultsDocument | undefined;
  for (let r = 0; r < runs; r++) {
    base = resultsAt(r, env, machineRun(rng, 1, m));
    history = appendToHistory(history, base);
  }
  return { base: base as ResultsDocument, history: history as HistoryDocument };
}

const regressed = (out: ReturnType<typeof compareResults>) =>
  out.comparisons.filter((c) => c.verdict === 'regressed').length;

function noise(band: number): RunNoise {
  return { runs: 10, spread: band / 3, drift: band / 3, df: 6, band };
}

describe('choosing the level a suite is compared by', () => {
  it('takes the best replicate for metrics with slow modes, or whose interval is clearly narrower', () => {
    const suites = new Map([
      ['modes', ['modes/a', 'modes/b', 'modes/c', 'modes/alu']],
      ['steady', ['steady/a', 'steady/b']],
      ['young', ['young/a']],
    ]);
    const medianNoise = new Map([
      ['modes/a', noise(0.4)],
      ['modes/b', noise(0.5)],
      ['modes/c', noise(0.3)],
      ['modes/alu', noise(0.04)],
      ['steady/a', noise(0.04)],
      ['steady/b', noise(0.05)],
      ['young/a', noise(0.3)],
    ]);
    const bestNoise = new Map([
      ['modes/a', noise(0.08)],
      ['modes/b', noise(0.06)],
      ['modes/c', noise(0.09)],
      // A kernel that never lands slow: its median is the steadier level, as on a steady machine.
      ['modes/alu', noise(0.06)],
      // Narrower, but not by enough to leave the rank tests on all replicates.
      ['steady/a', noise(0.04 * BEST_MARGIN * 1.01)],
      ['steady/b', noise(0.05 * BEST_MARGIN * 1.01)],
    ]);
    // The expected half-width of a level's interval, here simply its band; no slow tails.
    const evidence = { medianNoise, bestNoise, slowTail: new Map(), width: (n: RunNoise) => n.band, minEffect: 0.05 };
    const choices = chooseBestLevels(suites, evidence);
    // A kernel with slow modes far beyond min-effect takes the best even where its median looked steadier.
    const tails = new Map([
      ['modes/alu', Math.log1p(SLOW_TAIL_FACTOR * 0.05) * 1.01],
      ['steady/a', Math.log1p(SLOW_TAIL_FACTOR * 0.05) * 0.99],
    ]);
    expect(chooseBestLevels(suites, { ...evidence, slowTail: tails })[0]?.metrics).toEqual([
      'modes/a',
      'modes/b',
      'modes/c',
      'modes/alu',
    ]);
    expect(chooseBestLevels(suites, { ...evidence, slowTail: tails })).toHaveLength(1);
    expect(choices).toEqual([
      {
        suite: 'modes',
        metrics: ['modes/a', 'modes/b', 'modes/c'],
        candidates: 4,
        medianAllowance: 0.4,
        bestAllowance: 0.08,
      },
    ]);
  });

  it("tests the best with Student's t against the history's drift, within the run's false-discovery control", () => {
    // 20 metrics compared by their best, history drift 2% per run (df 30): a ×1.10 change has p ≈ 0.002.
    const drift: RunNoise = { runs: 10, spread: 0.02, drift: 0.02, df: 30, band: 0.06 };
    const ids = Array.from({ length: 20 }, (_, i) => `gate/k${i}`);
    const best = new Map(ids.map((id) => [id, drift]));
    const metric = (id: string, better: Better, factor: number) => {
      const times = Array.from({ length: 10 }, (_, r) => (10 + r) * factor);
      return syntheticMetric(id, better, better === 'lower' ? times : times.map((t) => 1000 / t));
    };
    const run = (slowed: number, better: Better = 'lower') => {
      const base = ids.map((id) => metric(id, better, 1));
      const head = ids.map((id, i) => metric(id, better, i < slowed ? 1.1 : 1));
      return compareMetrics(base, head, options, { best });
    };
    const all = run(20);
    const pRaw = 2 * studentSf(Math.log(1.1) / (Math.SQRT2 * 0.02), 30);
    expect(pRaw).toBeGreaterThan((1 - options.confidence) / 20);
    expect(pRaw).toBeLessThan(1 - options.confidence);
    for (const c of all.comparisons) {
      expect(all.details[c.id]?.pRaw).toBeCloseTo(pRaw, 12);
      expect(all.details[c.id]?.method).toBe('history-t');
      expect(c.verdict).toBe('regressed');
      // Twenty discoveries of twenty: each interval at the unadjusted level, excluding no change.
      expect(all.details[c.id]?.ciConfidence).toBeCloseTo(options.confidence, 12);
      expect(c.ci?.[0]).toBeGreaterThan(1);
    }
    // The same change in one metric alone is not enough evidence against twenty tests: its interval is then
    // Bonferroni's, and reaches below no change.
    const one = run(1);
    expect(one.comparisons.filter((c) => c.verdict === 'regressed')).toHaveLength(0);
    expect(one.details['gate/k0']?.ciConfidence).toBeCloseTo(1 - (1 - options.confidence) / 20, 12);
    expect(one.comparisons[0]?.ci?.[0]).toBeLessThan(1);
    // The unchanged ones: a drift of 2% per run cannot rule out 5% at that level either.
    expect(one.comparisons.slice(1).every((c) => c.verdict === 'inconclusive' && c.ratio === 1)).toBe(true);
    // Mirrored for rates: the same slowdown is the same regression.
    const rates = run(20, 'higher');
    expect(rates.comparisons.every((c) => c.verdict === 'regressed')).toBe(true);
    expect(rates.comparisons[0]?.ratio).toBeCloseTo(1 / 1.1, 12);
    // A flagged row's interval excludes no change exactly when its adjusted p is under α, whatever the mix.
    for (const out of [all, one, rates, run(7), run(3)]) {
      for (const c of out.comparisons) {
        const [lo, hi] = c.ci as [number, number];
        expect(lo > 1 || hi < 1).toBe((c.p as number) < 1 - options.confidence);
      }
    }
  });
});

describe('the best replicates in the false-discovery family', () => {
  it('do not get a lower bar from rank tests that cannot see drift between runs', () => {
    // One metric by its best (10% slower, p ≈ 0.004 against the history's drift) and three by their medians
    // (3 times slower, rank p ≈ 1e-5). Counted together, Benjamini-Hochberg would flag the best at rank 4 of 4
    // (p ≤ 4·α/4); the rank tests' p-values ignore drift, so for the best they count as 1: p·4 > α.
    const times = Array.from({ length: 10 }, (_, r) => 10 + r);
    const drift: RunNoise = { runs: 20, spread: 0.02342, drift: 0.02342, df: 1000, band: 0.1 };
    const ids = ['m/best', 'm/a', 'm/b', 'm/c'];
    const base = ids.map((id) => syntheticMetric(id, 'lower', times));
    const head = ids.map((id, i) =>
      syntheticMetric(
        id,
        'lower',
        times.map((t) => t * (i === 0 ? 1.1 : 3)),
      ),
    );
    const out = compareMetrics(base, head, options, { best: new Map([['m/best', drift]]) });
    const p = out.details['m/best']?.pRaw as number;
    expect(p).toBeGreaterThan((1 - options.confidence) / 4);
    expect(p).toBeLessThan(1 - options.confidence);
    expect(out.comparisons.slice(1).every((c) => c.verdict === 'regressed' && (c.p as number) < 0.001)).toBe(true);
    expect(out.comparisons[0]?.p).toBeCloseTo(p * 4, 12);
    expect(out.comparisons[0]?.verdict).toBe('inconclusive');
    // Alone among bests, the same p is what it is: flagged once the family is one.
    const alone = compareMetrics(base.slice(0, 1), head.slice(0, 1), options, { best: new Map([['m/best', drift]]) });
    expect(alone.comparisons[0]?.verdict).toBe('regressed');
  });
});

describe("the history's best replicates", () => {
  it("counts only the runs with as many replicates as the head, in the head's unit, on the same machine", () => {
    const rng = makeRng(15);
    let history: HistoryDocument | undefined;
    const other = { ...env, cpu: 'Other CPU' };
    // Six runs of 10 replicates (two in seconds), three of 5, two on another machine.
    for (let r = 0; r < 11; r++) {
      const metrics = machineRun(rng, 1, { n: r >= 6 && r < 9 ? 5 : 10, metrics: 6 });
      const inSeconds =
        r < 2
          ? metrics.map((m) => ({
              ...m,
              unit: m.better === 'lower' ? 's' : m.unit,
              samples: m.better === 'lower' ? m.samples?.map((v) => v / 1000) : m.samples,
            }))
          : metrics;
      history = appendToHistory(history, resultsAt(r, r >= 9 ? other : env, inSeconds));
    }
    const h = history as HistoryDocument;
    const shapes = new Map([
      ['gate/k0', { unit: 'ms', better: 'lower' as Better, n: 10 }],
      ['gate/k3', { unit: 'req/s', better: 'higher' as Better, n: 10 }],
    ]);
    const mine = historyBestNoise(h, shapes, 0.99, env);
    expect(mine.get('gate/k0')?.runs).toBe(6);
    expect(mine.get('gate/k3')?.runs).toBe(6);
    // The two runs in seconds sit at the same level once converted: no jump of ×1000 in the spread.
    expect(mine.get('gate/k0')?.spread).toBeLessThan(0.2);
    expect(
      historyBestNoise(h, new Map([['gate/k0', { unit: 'ms', better: 'lower' as Better, n: 5 }]]), 0.99, env).size,
    ).toBe(0);
    expect(bestOf([3, 1, 2], 'lower')).toBe(1);
    expect(bestOf([3, 1, 2], 'higher')).toBe(3);
  });
});

describe('slow modes in the history', () => {
  it("tell a kernel whose processes land slow from one with ordinary noise, from the runs' own tails", () => {
    const rng = makeRng(16);
    const shapes = new Map([
      ['gate/k0', { unit: 'ms', better: 'lower' as Better, n: 10 }],
      ['gate/k3', { unit: 'req/s', better: 'higher' as Better, n: 10 }],
    ]);
    const tail = Math.log1p(SLOW_TAIL_FACTOR * options.minEffect);
    const modal = historySlowTail(mainBranch(rng, 8, {}).history, shapes, env);
    const steady = historySlowTail(mainBranch(rng, 8, { slow: [0, 0], sd: 0.02 }).history, shapes, env);
    for (const id of shapes.keys()) {
      expect(modal.get(id)).toBeGreaterThan(tail);
      expect(steady.get(id)).toBeLessThan(tail);
      expect(steady.get(id)).toBeGreaterThan(0);
    }
    // Another count of replicates than the head's: nothing to say.
    const five = new Map([['gate/k0', { unit: 'ms', better: 'lower' as Better, n: 5 }]]);
    expect(historySlowTail(mainBranch(rng, 8, {}).history, five, env).size).toBe(0);
  });

  it('pools the runs: a mode most runs barely show still counts when a tenth of all processes landed in it', () => {
    // Two runs of five with four slow processes of ten (60% slower), three with one: each run's 90th
    // percentile is slow in two runs only, so their median looked like ordinary noise.
    let history: HistoryDocument | undefined;
    for (const [r, slow] of [4, 1, 1, 4, 1].entries()) {
      const times = Array.from({ length: 10 }, (_, i) => (10 + 0.01 * i) * (i >= 10 - slow ? 1.6 : 1));
      history = appendToHistory(history, resultsAt(r, env, [syntheticMetric('gate/k0', 'lower', times)]));
    }
    const shapes = new Map([['gate/k0', { unit: 'ms', better: 'lower' as Better, n: 10 }]]);
    const tail = historySlowTail(history as HistoryDocument, shapes, env).get('gate/k0') as number;
    expect(tail).toBeGreaterThan(Math.log1p(SLOW_TAIL_FACTOR * options.minEffect));
    expect(tail).toBeCloseTo(Math.log(1.6), 1);
  });
});

describe('comparing by the best replicate', () => {
  it('is chosen on a machine whose processes land in slow modes, and keeps an unchanged head unchanged', () => {
    const rng = makeRng(11);
    const { base, history } = mainBranch(rng, 12, {});
    const head = resultsAt(20, env, machineRun(rng, 1));
    const out = compareResults(base, head, options, history);
    const note = out.warnings.find((w) => w.includes('best replicate'));
    expect(note).toMatch(
      /^suite "gate": \d+ of 20 metrics compared by each run's best replicate \(fastest process, highest rate\), for which drift between earlier runs allows ±\d+% against ±\d+% for the median/,
    );
    expect(Object.values(out.details).filter((d) => d.level === 'best').length).toBeGreaterThanOrEqual(15);
    expect(regressed(out)).toBe(0);
    // Base and head are the best replicates: the fastest time, the highest rate.
    for (const c of out.comparisons.filter((x) => out.details[x.id]?.level === 'best')) {
      const h = head.suites[0]?.metrics.find((m) => m.id === c.id)?.samples ?? [];
      expect(c.head).toBe(c.better === 'lower' ? Math.min(...h) : Math.max(...h));
      expect(out.details[c.id]?.ciConfidence).toBeGreaterThanOrEqual(options.confidence);
    }
    // Without the history, the medians of two such runs differ by far more than min-effect: the rank tests
    // on all replicates are left to judge them, and the history's drift widens their intervals.
    const medians = compareResults(base, head, options);
    expect(Object.values(medians.details).some((d) => d.level === 'best')).toBe(false);
  });

  it('catches a 20% slowdown that the median comparison misses on the same runs', () => {
    const rng = makeRng(12);
    const { base, history } = mainBranch(rng, 12, {});
    const head = resultsAt(20, env, machineRun(rng, 1.2));
    const out = compareResults(base, head, options, history);
    expect(regressed(out)).toBeGreaterThanOrEqual(15);
    // The PR comment says what was compared, beside the change, and carries the note.
    const { verdict, details } = judge({ head, baseline: { results: base, source: 'test', history }, options });
    const markdown = renderMarkdown({ verdict, head, base, details });
    expect(markdown).toMatch(/gate\/k0.*n=10\/10, best replicate, .*between runs ±/);
    expect(markdown).toMatch(
      /- suite &quot;gate&quot;: \d+ of 20 metrics compared by each run&#39;s best replicate .*slow mode\n/,
    );
    // The same runs by their medians, widened by the medians' drift in the same history: nothing is called.
    const units = new Map(allMetrics(head).map((m) => [m.id, m.unit]));
    const medians = compareMetrics(allMetrics(base), allMetrics(head), options, {
      noise: historyNoise(history, units, options.confidence, base.env),
    });
    expect(medians.comparisons.filter((c) => c.verdict === 'regressed')).toHaveLength(0);
    for (const c of out.comparisons) {
      const change = c.better === 'lower' ? c.ratio : 1 / (c.ratio as number);
      expect(change).toBeGreaterThan(1.1);
      expect(change).toBeLessThan(1.3);
    }
  });

  it('keeps the rank tests on a steady machine, where the median is the steadier level', () => {
    const rng = makeRng(13);
    const steady: Machine = { slow: [0, 0], sd: 0.02 };
    const { base, history } = mainBranch(rng, 12, steady);
    const out = compareResults(base, resultsAt(20, env, machineRun(rng, 1.2, steady)), options, history);
    expect(out.warnings.some((w) => w.includes('best replicate'))).toBe(false);
    expect(Object.values(out.details).some((d) => d.level === 'best')).toBe(false);
    expect(regressed(out)).toBeGreaterThanOrEqual(15);
  });

  it('compares a best of n only with bests of n: another replicate count falls back to the medians', () => {
    const rng = makeRng(14);
    const { base, history } = mainBranch(rng, 12, {});
    const out = compareResults(base, resultsAt(20, env, machineRun(rng, 1, { n: 8 })), options, history);
    expect(Object.values(out.details).some((d) => d.level === 'best')).toBe(false);
    expect(out.comparisons.every((c) => c.verdict !== 'new' && c.verdict !== 'missing')).toBe(true);
  });
});

/**
 * The gate as shipped on one comparison: the regressions of `head`, each kept only if `again` (a second run
 * of the same code, as the recheck measures it) shows it too (compare/recheck.ts).
 */
function gateRegressions(
  base: ResultsDocument,
  head: ResultsDocument,
  again: ResultsDocument,
  history: HistoryDocument,
): string[] {
  const first = compareResults(base, head, options, history);
  const ids = first.comparisons.filter((c) => c.verdict === 'regressed').map((c) => c.id);
  if (ids.length === 0) return [];
  const second = compareResults(base, again, recheckOptions(options), history, new Set(ids));
  const seen = new Map(second.comparisons.map((c) => [c.id, c]));
  return ids.filter((id) => recheckOf(id, seen).confirmed);
}

describe('simulation: the best-replicate gate on a machine with slow modes (fixed seeds)', () => {
  it('keeps false alarms at or under the nominal 1%, covers the true ratio, and catches 20% slowdowns', () => {
    const trials = 150;
    let alarms = 0;
    let caught = 0;
    let bestUsed = 0;
    let intervals = 0;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      const rng = makeRng(1000 + t);
      const { base, history } = mainBranch(rng, 10, {});
      const aaHead = resultsAt(30, env, machineRun(rng, 1));
      const aa = compareResults(base, aaHead, options, history);
      if (Object.values(aa.details).some((d) => d.level === 'best')) bestUsed++;
      const abHead = resultsAt(31, env, machineRun(rng, 1.2));
      const ab = compareResults(base, abHead, options, history);
      // Every interval against the true ratio: 1 unchanged, ×1.2 slower (a rate ×1/1.2).
      for (const [out, truth] of [
        [aa, 1],
        [ab, 1.2],
      ] as const) {
        for (const c of out.comparisons) {
          const t = c.better === 'lower' ? truth : 1 / truth;
          intervals++;
          if (c.ci && c.ci[0] <= t && t <= c.ci[1]) covered++;
        }
      }
      // The recheck's second runs, drawn after everything above so that the first runs stay the same.
      const aaAgain = resultsAt(32, env, machineRun(rng, 1));
      const abAgain = resultsAt(33, env, machineRun(rng, 1.2));
      if (gateRegressions(base, aaHead, aaAgain, history).length > 0) alarms++;
      if (gateRegressions(base, abHead, abAgain, history).length > 0) caught++;
    }
    // Each interval at the level the false-discovery control leaves, never below the configured confidence.
    expect(covered / intervals).toBeGreaterThanOrEqual(options.confidence);
    expect(bestUsed).toBe(trials);
    expect(alarms).toBeLessThanOrEqual(Math.floor(trials * (1 - options.confidence)));
    expect(caught / trials).toBeGreaterThanOrEqual(0.95);
  });
});
