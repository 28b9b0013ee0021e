// A rate limit on a bench's time per operation: `>= 50/s` is "at most 20 ms per operation", quantile by
// quantile, so bench suites gate on throughput without a second metric.

import { describe, expect, it } from 'vitest';
import { evaluateCriteria } from '../src/criteria/index.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import { makeRng } from '../src/stats/rng.ts';

const op = (ms: number[]) => makeMetric({ suite: 'graph', name: 'plan', unit: 'ms', better: 'lower', samples: ms });

describe('rate criteria on times per operation', () => {
  it('reads a rate limit as the inverse time, with the operator flipped', () => {
    const fast = op([18, 19, 20, 21, 19]); // median 19 ms: 52.6 ops/s
    const [pass] = evaluateCriteria([{ expect: 'graph/plan >= 50/s' }], [fast]);
    expect(pass?.status).toBe('pass');
    expect(pass?.detail).toMatch(/graph\/plan median = 19 ms = 52\.6\/s \(needs >= 50\/s\)/);
    const [fail] = evaluateCriteria([{ expect: 'graph/plan >= 60/s' }], [fast]);
    expect(fail?.status).toBe('fail');
    // The p95 time is the slowest operations: the rate most operations at least reach.
    const [p95] = evaluateCriteria([{ expect: 'graph/plan p95 > 40/s' }], [op([10, 10, 10, 10, 30])]);
    expect(p95?.status).toBe('fail');
    expect(evaluateCriteria([{ expect: 'graph/plan < 100/min' }], [fast])[0]?.status).toBe('fail');
  });

  it('agrees with the time criterion it stands for, on random data (property)', () => {
    const rng = makeRng(7);
    for (let i = 0; i < 300; i++) {
      const samples = Array.from({ length: 5 }, () => 1 + rng() * 50);
      const rate = 5 + rng() * 200;
      const ms = 1000 / rate;
      const m = op(samples);
      for (const [rateOp, timeOp] of [
        ['>=', '<='],
        ['>', '<'],
        ['<=', '>='],
        ['<', '>'],
      ] as const) {
        const [byRate] = evaluateCriteria([{ expect: `graph/plan ${rateOp} ${rate}/s` }], [m]);
        const [byTime] = evaluateCriteria([{ expect: `graph/plan ${timeOp} ${ms}ms` }], [m]);
        expect(byRate?.status, `${rateOp} ${rate}/s on ${samples.join(',')}`).toBe(byTime?.status);
      }
    }
  });
});
