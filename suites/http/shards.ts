// One http load split over several runners (`load.shards`): each leg runs some of the load threads of one
// plan, numbered globally, and records their encoded HDR histograms and window counts. Merging the legs is
// aggregating all those threads' records, as if one runner had run every thread: percentiles come from
// histograms added bucket by bucket (exact), throughput and errors are summed window by window.

import { z } from 'zod';
import type { Metric } from '../../src/model/results.ts';
import { aggregate } from './metrics.ts';
import type { HttpPlan, WorkerResult } from './protocol.ts';

export interface HttpShardData {
  /** Request names, in plan order (the index of each worker's request records). */
  names: string[];
  plan: HttpPlan;
  /** This leg's threads are global threads first..first+workers-1 of `total`. */
  first: number;
  workers: number;
  total: number;
  results: WorkerResult[];
}

const series = z.object({ full: z.string(), windows: z.array(z.string().nullable()) });
const dataShape = z.object({
  names: z.array(z.string()),
  plan: z.looseObject({ windows: z.number().int().min(1), windowMs: z.number().positive(), model: z.string() }),
  first: z.number().int().min(0),
  workers: z.number().int().min(1),
  total: z.number().int().min(1),
  results: z.array(
    z.looseObject({
      requests: z.array(
        z.looseObject({
          latency: series,
          counts: z.array(z.number()),
          errors: z.array(z.number()),
          failures: z.record(z.string(), z.number()),
          ttfb: series.optional(),
          firstEvent: series.optional(),
          eventRates: z.array(z.tuple([z.number(), z.number()])),
        }),
      ),
      dropped: z.array(z.number()),
      late: z.array(z.number()),
    }),
  ),
});

/** Joins the legs' records (one per leg) into the suite's metrics over the whole load. */
export function mergeHttpShards(suite: string, parts: unknown[]): Metric[] {
  const legs = parts.map((p, i) => {
    const r = dataShape.safeParse(p);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new Error(
        `leg ${i + 1} of suite ${suite} carries no readable http record (${issue?.path.join('.') || 'data'}: ${issue?.message}); ` +
          'were its results written by this version of perf-action?',
      );
    }
    return r.data as unknown as HttpShardData;
  });
  const [head] = legs;
  if (!head) throw new Error(`suite ${suite}: no leg to merge`);
  for (const [i, leg] of legs.entries()) {
    const where = `suite ${suite}, leg ${i + 1}`;
    if (leg.names.join('\n') !== head.names.join('\n')) {
      throw new Error(
        `${where} sent other requests than leg 1 (${leg.names.join(', ')}): every leg needs the same perf.yml`,
      );
    }
    if (leg.plan.windows !== head.plan.windows || Math.abs(leg.plan.windowMs - head.plan.windowMs) > 1e-6) {
      throw new Error(
        `${where} measured ${leg.plan.windows} windows of ${leg.plan.windowMs} ms, leg 1 ${head.plan.windows} of ${head.plan.windowMs} ms: every leg needs the same load`,
      );
    }
    if (leg.total !== head.total) {
      throw new Error(
        `${where} split the load over ${leg.total} threads, leg 1 over ${head.total}: the legs' runners have different core counts; set workers: in the suite so they agree`,
      );
    }
  }
  // Every global thread must be covered once: a gap is load nobody generated, an overlap load counted twice.
  const covered = new Array<number>(head.total).fill(0);
  for (const leg of legs)
    for (let t = leg.first; t < leg.first + leg.workers && t < head.total; t++) covered[t] = (covered[t] ?? 0) + 1;
  const wrong = covered.findIndex((c) => c !== 1);
  if (wrong >= 0) {
    throw new Error(
      `suite ${suite}: load thread ${wrong + 1} of ${head.total} was run ${covered[wrong]} times over the legs; ` +
        'each leg must be a different --shard i/n of the same run',
    );
  }
  return aggregate(
    suite,
    head.names,
    head.plan,
    legs.flatMap((l) => l.results),
  ).metrics;
}
