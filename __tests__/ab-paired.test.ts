// The paired analysis of same-runner A/B mode: planned looks, the decision on pairs, and simulations with
// fixed seeds where runner drift hits both sides of a pair (the noise this mode exists to cancel).

import { describe, expect, it } from 'vitest';
import {
  analyzePairs,
  lookConfidence,
  needsMoreRounds,
  type PairedSeries,
  plannedLooks,
  roundOrder,
} from '../src/ab/paired.ts';
import type { Better } from '../src/model/results.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';

interface World {
  /** Drift shared by base and head within one round (log sd), e.g. a slower hour on the runner. */
  drift: number;
  /** Independent noise of each run (log sd). */
  noise: number;
  /** Share of runs hit by an outlier (×1.3 slower). */
  outliers: number;
}

/** One simulated A/B run of `metrics` metrics; metric 0 is slowed by `slowdown` on head. */
function simulate(
  rng: () => number,
  world: World,
  metrics: number,
  rounds: number,
  slowdown = 1,
  better: Better = 'lower',
): PairedSeries[] {
  const series: PairedSeries[] = [];
  for (let m = 0; m < metrics; m++) series.push({ id: `s/m${m}`, unit: 'ms', better, base: [], head: [] });
  for (let r = 0; r < rounds; r++) {
    const drift = world.drift * normalDraw(rng);
    for (let m = 0; m < metrics; m++) {
      const s = series[m] as PairedSeries;
      const draw = () => {
        let log = drift + world.noise * normalDraw(rng);
        if (rng() < world.outliers) log += Math.log(1.3);
        return Math.exp(log);
      };
      const factor = m === 0 ? slowdown : 1;
      // A slowdown is more time, or less throughput.
      s.base.push(better === 'lower' ? 10 * draw() : 1000 / draw());
      s.head.push(better === 'lower' ? 10 * draw() * factor : 1000 / (draw() * factor));
    }
  }
  return series;
}

/** Sequential looks as run-ab does them: stop at the first look where nothing is inconclusive. */
function sequential(series: PairedSeries[], first: number, max: number, confidence: number, minEffect: number) {
  const plan = plannedLooks({ first, max }, confidence, series.length);
  let last = analyzePairs([], { confidence: plan.confidence, minEffect });
  let used = 0;
  for (const n of plan.looks) {
    const cut = series.map((s) => ({ ...s, base: s.base.slice(0, n), head: s.head.slice(0, n) }));
    last = analyzePairs(cut, { confidence: plan.confidence, minEffect });
    used = n;
    if (!needsMoreRounds(last)) break;
  }
  return { analyses: last, used };
}

const noisyRunner: World = { drift: 0.08, noise: 0.01, outliers: 0.03 };

describe('planned looks', () => {
  it('spreads α over the looks and drops looks too small to ever reach significance', () => {
    expect(plannedLooks({ first: 10, max: 30 }, 0.99)).toEqual({
      looks: [10, 20, 30],
      confidence: lookConfidence(0.99, 3),
    });
    // 6 pairs can give at best p = 2/64 > 0.005, so that look would only waste α.
    expect(plannedLooks({ first: 6, max: 12 }, 0.99)).toEqual({ looks: [12], confidence: 0.99 });
    expect(plannedLooks({ first: 5, max: 5 }, 0.9)).toEqual({ looks: [5], confidence: 0.9 });
    expect(() => plannedLooks({ first: 1, max: 5 }, 0.99)).toThrow(/first/);
    // With 20 metrics sharing α through Benjamini-Hochberg, 10 pairs cannot show even a lone clear change.
    expect(plannedLooks({ first: 10, max: 30 }, 0.99, 20)).toEqual({ looks: [20, 30], confidence: 0.995 });
  });

  it('alternates base-first and head-first rounds in ABBA order', () => {
    const rng = makeRng(1);
    expect([0, 1, 2, 3].map((i) => roundOrder(i, 'abba', rng)[0])).toEqual(['base', 'head', 'base', 'head']);
    const random = Array.from({ length: 40 }, (_, i) => roundOrder(i, 'random', makeRng(i + 7))[0]);
    expect(new Set(random)).toEqual(new Set(['base', 'head']));
  });
});

describe('paired analysis', () => {
  it('calls a clear slowdown regressed with an interval around the true ratio, and the rest unchanged', () => {
    const series = simulate(makeRng(11), noisyRunner, 5, 20, 1.2);
    const out = analyzePairs(series, { confidence: 0.99, minEffect: 0.05 });
    const slowed = out[0];
    expect(slowed?.decision.verdict).toBe('regressed');
    expect(slowed?.ci?.[0]).toBeLessThan(1.2);
    expect(slowed?.ci?.[1]).toBeGreaterThan(1.2);
    // The others: never regressed; an outlier can leave one inconclusive (honestly), most are unchanged.
    const others = out.slice(1).map((a) => a.decision.verdict);
    expect(others).not.toContain('regressed');
    expect(others.filter((v) => v === 'unchanged').length).toBeGreaterThanOrEqual(2);
  });

  it('mirrors verdicts for higher-is-better metrics', () => {
    const lower = analyzePairs(simulate(makeRng(5), noisyRunner, 3, 20, 1.15, 'lower'), {
      confidence: 0.99,
      minEffect: 0.05,
    });
    const higher = analyzePairs(simulate(makeRng(5), noisyRunner, 3, 20, 1.15, 'higher'), {
      confidence: 0.99,
      minEffect: 0.05,
    });
    expect(higher.map((a) => a.decision.verdict)).toEqual(lower.map((a) => a.decision.verdict));
    expect(higher[0]?.decision.verdict).toBe('regressed');
    expect(higher[0]?.ratio).toBeCloseTo(1 / (lower[0]?.ratio ?? 0), 6);
  });

  it('says inconclusive with too few pairs, and which change it would have caught', () => {
    const series = simulate(makeRng(3), { drift: 0.05, noise: 0.04, outliers: 0 }, 1, 8, 1.06);
    const [a] = analyzePairs(series, { confidence: 0.99, minEffect: 0.05 });
    expect(a?.decision.verdict).toBe('inconclusive');
    // Only a change larger than the one measured would have cleared the interval (or none: unbounded).
    const d = a?.decision.detectable;
    if (d !== undefined) expect(Math.expm1(d)).toBeGreaterThan(0.06);
    else expect(a?.ci).toBeUndefined();
    expect(needsMoreRounds(a ? [a] : [])).toBe(true);
  });

  it('ignores rounds where a side measured nothing', () => {
    const s: PairedSeries = {
      id: 'x',
      unit: 'ms',
      better: 'lower',
      base: [1, Number.NaN, 1, 1],
      head: [2, 2, Number.NaN, 2],
    };
    expect(analyzePairs([s], { confidence: 0.9, minEffect: 0.05 })[0]?.n).toBe(2);
  });
});

describe('simulation (fixed seeds): runner drift of ±8% shared within each pair, 1% run noise, 3% outliers ×1.3', () => {
  it('A/A: at most 1% of 20-metric runs call anything regressed, over sequential looks', () => {
    const rng = makeRng(2024);
    let alarms = 0;
    const runs = 300;
    for (let i = 0; i < runs; i++) {
      const { analyses } = sequential(simulate(rng, noisyRunner, 20, 30), 10, 30, 0.99, 0.05);
      if (analyses.some((a) => a.decision.verdict === 'regressed')) alarms++;
    }
    expect(alarms / runs).toBeLessThanOrEqual(0.01);
  });

  it('detects a 10% slowdown in at least 95% of runs, and 5% in at least 80% with a 2% min-effect, within 30 pairs', () => {
    const rng = makeRng(77);
    const runs = 200;
    let ten = 0;
    let five = 0;
    for (let i = 0; i < runs; i++) {
      const a = sequential(simulate(rng, noisyRunner, 20, 30, 1.1), 10, 30, 0.99, 0.05);
      if (a.analyses[0]?.decision.verdict === 'regressed') ten++;
      const b = sequential(simulate(rng, noisyRunner, 20, 30, 1.05), 10, 30, 0.99, 0.02);
      if (b.analyses[0]?.decision.verdict === 'regressed') five++;
    }
    expect(ten / runs).toBeGreaterThanOrEqual(0.95);
    expect(five / runs).toBeGreaterThanOrEqual(0.8);
  });

  it('stops at the first look when every metric is clear, and goes on while one is not', () => {
    const quiet: World = { drift: 0.08, noise: 0.01, outliers: 0 };
    const clear = sequential(simulate(makeRng(31), quiet, 20, 30, 1.2), 10, 30, 0.99, 0.05);
    expect(clear.used).toBe(20); // the first look 20 metrics can use
    expect(clear.analyses[0]?.decision.verdict).toBe('regressed');
    // A 7% change, just beyond the 5% min-effect on a runner with 6% noise per run, cannot be settled at the first
    // look: more rounds are taken.
    const close = sequential(simulate(makeRng(32), { ...quiet, noise: 0.06 }, 20, 30, 1.07), 10, 30, 0.99, 0.05);
    expect(close.used).toBe(30);
  });

  it('the same drift defeats an unpaired view: the pairs are what cancel it', () => {
    // Unpaired, ±8% drift swamps a 5% change; paired, the change stands out.
    const series = simulate(makeRng(9), noisyRunner, 1, 20, 1.05);
    const paired = analyzePairs(series, { confidence: 0.99, minEffect: 0.02 })[0];
    expect(paired?.decision.verdict).toBe('regressed');
    const shuffled = { ...(series[0] as PairedSeries), head: [...(series[0] as PairedSeries).head].reverse() };
    const broken = analyzePairs([shuffled], { confidence: 0.99, minEffect: 0.02 })[0];
    expect(broken?.decision.verdict).not.toBe('regressed');
  });
});
