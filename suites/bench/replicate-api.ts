// What `import ... from 'perf-action'` gives a benchmark file inside a lean replicate process: the part of the
// public API a benchmark uses (defining benches, building inputs, units, summaries), none of which pulls in
// the engine, the config loader or the other suite kinds. A file that imports any other name is re-run in a
// replicate of the whole bundle (see LEAN_API_MISSING in worker.ts), so this list only decides speed.

import { makeMetric } from '../../src/model/make-metric.ts';
import { formatMetricId, parseMetricId } from '../../src/model/metric-id.ts';
import { convert, formatValue, parseAs, parseDuration, parseQuantity } from '../../src/model/units.ts';
import { summarize } from '../../src/stats/summary.ts';
import { generateDag } from '../../src/workloads/dag.ts';
import { defineBench } from './define.ts';

export const leanBenchApi: Record<string, unknown> = {
  defineBench,
  generateDag,
  makeMetric,
  formatMetricId,
  parseMetricId,
  convert,
  formatValue,
  parseAs,
  parseQuantity,
  parseDuration,
  summarize,
};
