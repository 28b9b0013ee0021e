// The `http` suite kind: HTTP load tests on undici keep-alive pools spread over worker threads, closed
// (users) or open (arrival rate) model, with per-request latency percentiles from merged HDR histograms,
// throughput, error rate, and for streams ttfb, first event and events per second.
//
// Only the schema and what config loading needs are imported here; the run and the worker threads' code
// (undici) load when a suite runs. The bundler keeps them in the one file ("eager" mode) yet evaluates them
// only then: a split chunk would run its worker threads from the chunk instead of the bundle.

import type { Metric } from '../../src/model/results.ts';
import { defineSuiteKind } from '../../src/runner/suite-kind.ts';
import { WORKER_ROLE } from './protocol.ts';
import { httpSchema } from './schema.ts';
import { HTTP_METRIC_UNITS } from './units.ts';

export { type HttpConfig, httpSchema } from './schema.ts';

export const httpKind = defineSuiteKind({
  name: 'http',
  description: 'HTTP load test: closed or open model, latency percentiles, throughput, error rate, streams',
  schema: httpSchema,
  metricUnits: HTTP_METRIC_UNITS,
  roles: {
    [WORKER_ROLE]: async () => {
      const { runHttpWorker } = await import(/* webpackMode: "eager" */ './worker.ts');
      await runHttpWorker();
    },
  },
  loadShards: (config) => (config as { load?: { shards?: number } }).load?.shards,
  shardMerger: async () => (await import(/* webpackMode: "eager" */ './shards.ts')).mergeHttpShards,
  async *run(ctx): AsyncIterable<Metric> {
    const { runHttp } = await import(/* webpackMode: "eager" */ './runtime.ts');
    yield* runHttp(ctx);
  },
});
