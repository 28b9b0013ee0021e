// `ladder:` on a one-key grid: climb the values in their order while every ladder criterion holds on that
// step's metrics, stop at the first step that misses one, and report the last step that held as
// `<suite>/max_<key>` (0 when the first step already failed): the highest sustainable rate, users, batch size.

import { evaluateCriteria } from '../criteria/index.ts';
import { makeMetric } from '../model/make-metric.ts';
import type { Params } from '../model/metric-id.ts';
import type { Metric } from '../model/results.ts';

export interface Ladder {
  /** Judges a step's metrics; returns why it failed (the first criterion missed), or undefined to go on. */
  step(params: Params, metrics: Metric[]): string | undefined;
  result(): Metric;
}

export function startLadder(
  suite: string,
  criteria: readonly string[],
  variants: ReadonlyArray<{ params: Params }>,
): Ladder {
  const key = Object.keys(variants[0]?.params ?? {})[0] ?? 'step';
  let held: number | string | undefined;
  return {
    step(params, metrics) {
      const results = evaluateCriteria(
        criteria.map((expect) => ({ expect })),
        metrics,
      );
      const miss = results.find((r) => r.status === 'fail' || r.status === 'missing');
      if (miss) return `${miss.expect}: ${miss.detail ?? miss.status}`;
      held = params[key];
      return undefined;
    },
    result() {
      const value = typeof held === 'number' ? held : held === undefined ? 0 : Number(held);
      return makeMetric({
        suite,
        name: `max_${key}`,
        unit: 'count',
        better: 'higher',
        samples: [Number.isFinite(value) ? value : 0],
      });
    },
  };
}
