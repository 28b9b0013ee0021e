// What Locust's CSV and JSON outputs share: per endpoint (and for all of them) three metrics, named like the
// http suite kind's: `<name>/latency` (ms, lower; stats from Locust's percentiles), `<name>/throughput`
// (req/s, higher) and `<name>/error_rate` (%, lower); the aggregate is `all/...`.
// Names: one id segment per endpoint, so `locust/*/latency` matches every endpoint: Locust's request name with
// its slashes turned into dots (`/api/v1/items/[id]` -> `api.v1.items.(id)`, `GET /agents/` -> `GET_agents`);
// when one name is used with several methods, the method goes in front (`GET_items`, `POST_items`).

import type { Collector } from '../collector.ts';
import { cleanName } from '../names.ts';
import type { SummaryInput } from '../stats.ts';
import { statsFromSummary } from '../stats.ts';

export interface Windows {
  /** Requests per second in each window. */
  throughput: number[];
  /** Mean latency (ms) of each window that saw requests. */
  latency: number[];
  /** Failed share (%) of each window that saw requests. */
  errorRate: number[];
}

export interface Endpoint {
  method: string;
  name: string;
  aggregate: boolean;
  requests: number;
  failures: number;
  /** Per-request latency distribution, ms. */
  latency: SummaryInput;
  /** Whole-run requests per second. */
  rps: number;
  windows?: Windows;
}

export function addEndpoints(endpoints: Endpoint[], out: Collector): void {
  const methodsByName = new Map<string, Set<string>>();
  for (const e of endpoints) {
    if (!e.aggregate) methodsByName.set(e.name, (methodsByName.get(e.name) ?? new Set()).add(e.method));
  }
  for (const e of endpoints) {
    if (e.requests <= 0) continue;
    const several = (methodsByName.get(e.name)?.size ?? 0) > 1;
    const base = e.aggregate ? 'all' : endpointSegment(e.name, several ? e.method : '');
    const w = e.windows;
    out.add({
      name: `${base}/latency`,
      unit: 'ms',
      better: 'lower',
      stats: statsFromSummary({ n: e.requests, ...e.latency }),
      ...(w?.latency.length ? { samples: w.latency } : {}),
    });
    out.add({
      name: `${base}/throughput`,
      unit: 'req/s',
      better: 'higher',
      ...(w?.throughput.length ? { samples: w.throughput } : { stats: statsFromSummary({ mean: e.rps }) }),
    });
    out.add({
      name: `${base}/error_rate`,
      unit: '%',
      better: 'lower',
      ...(w?.errorRate.length
        ? { samples: w.errorRate }
        : { stats: statsFromSummary({ n: e.requests, mean: (e.failures / e.requests) * 100 }) }),
    });
  }
}

/** An endpoint's name as one id segment: no slash inside, so a glob over the endpoint segment sees them all. */
export function endpointSegment(name: string, method: string): string {
  // "GET /agents/" names its path after a space: the slash there only starts the path.
  const flat = cleanName(name.replace(/\s+\/+/g, ' ')).replace(/\//g, '.');
  return method ? `${cleanName(method)}_${flat}` : flat;
}
