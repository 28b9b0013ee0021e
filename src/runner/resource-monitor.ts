// CPU and memory of the services perf.yml starts, sampled from /proc while the suites run, so a PR that
// makes the server burn more CPU or leak memory shows up next to its latency. Linux only: elsewhere the
// monitor reports nothing rather than guessing.

import { makeMetric } from '../model/make-metric.ts';
import { formatParams, type Params } from '../model/metric-id.ts';
import type { Metric, SuiteResult } from '../model/results.ts';
import { slopeOrZero } from '../stats/fit.ts';
import { type ProcStat, pageBytes, readAllStats, TICK_MS } from './proc-stat.ts';

const TICKS_PER_S = 1000 / TICK_MS;

/** The root and all its descendants among `procs`. */
export function treeOf<P extends { pid: number; ppid: number }>(procs: readonly P[], root: number): P[] {
  const children = new Map<number, P[]>();
  for (const p of procs) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  const out: P[] = [];
  const queue = procs.filter((p) => p.pid === root);
  while (queue.length > 0) {
    const p = queue.shift() as P;
    out.push(p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

interface Track {
  name: string;
  /** Read at every sample: a restarted service (a broker-restart fault) has a new process. */
  service: { readonly pid: number };
  /** The service's process at each sample: CPU ticks only continue within one process. */
  roots: number[];
  times: number[];
  /** CPU ticks of the tree, per sample. */
  ticks: number[];
  rssMb: number[];
  /** The measured period (its key) each sample fell in, if any. */
  during: Array<string | undefined>;
}

export interface ResourceMonitor {
  /**
   * Stop sampling; one pseudo-suite per service (kind "service") with its cpu, rss and rss_slope over the
   * whole run, and the same over each suite's measured period (`[during=<suite>]`).
   */
  stop(): SuiteResult[];
  /**
   * A suite's measured period starts (the parameters its usage metrics get: `during` and a grid run's) or
   * ends (undefined); a sample is taken at each change.
   */
  measuring(period: Params | undefined): void;
}

export function startResourceMonitor(
  services: readonly { name: string; pid: number }[],
  intervalMs = 250,
): ResourceMonitor {
  const live = services.filter((s) => s.pid > 0);
  if (process.platform !== 'linux' || live.length === 0) return { stop: () => [], measuring: () => {} };
  const tracks: Track[] = live.map((s) => ({
    name: s.name,
    service: s,
    roots: [],
    times: [],
    ticks: [],
    rssMb: [],
    during: [],
  }));
  const started = performance.now();
  let current: string | undefined;
  const periods = new Map<string, Params>();
  const sample = () => {
    let procs: ProcStat[];
    try {
      procs = readAllStats();
    } catch {
      return;
    }
    const t = performance.now() - started;
    for (const track of tracks) {
      const root = track.service.pid;
      const tree = root > 0 ? treeOf(procs, root) : [];
      if (tree.length === 0) continue;
      track.roots.push(root);
      track.times.push(t);
      // Own CPU plus that of children already waited for: a worker that exited still counts.
      track.ticks.push(tree.reduce((s, p) => s + p.ownTicks + p.reapedTicks, 0));
      // The stat line already read holds each process's resident pages (VmRSS in pages): no second read.
      track.rssMb.push((tree.reduce((s, p) => s + p.rssPages, 0) * pageBytes()) / 1e6);
      track.during.push(current);
    }
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    measuring(period) {
      const suite = period ? formatParams(period) : undefined;
      if (period && suite) periods.set(suite, period);
      if (suite === current) return;
      // The sample at the change closes the previous period and opens the next at the boundary.
      if (suite !== undefined) {
        current = suite;
        sample();
      } else {
        sample();
        current = undefined;
      }
    },
    stop() {
      clearInterval(timer);
      sample();
      return tracks.flatMap((track): SuiteResult[] => {
        const suite = track.name;
        const n = track.times.length;
        const all = Array.from({ length: n }, (_, i) => i);
        const metrics = usageMetrics(track, suite, all);
        // Per suite, over its measured period: consecutive samples both inside it.
        const phases = [...new Set(track.during.filter((d): d is string => d !== undefined))];
        for (const p of phases) {
          const idx = all.filter((i) => track.during[i] === p);
          metrics.push(...usageMetrics(track, suite, idx, periods.get(p)));
        }
        if (metrics.length === 0) return [];
        const durationMs = Math.round((track.times[n - 1] ?? 0) - (track.times[0] ?? 0));
        return [{ name: suite, kind: 'service', ok: true, durationMs, metrics }];
      });
    },
  };
}

/** cpu (%, per interval between consecutive chosen samples), rss (MB) and rss_slope (MB/s) over `idx`. */
function usageMetrics(track: Track, suite: string, idx: readonly number[], params?: Params): Metric[] {
  if (idx.length < 2) return [];
  const cpu: number[] = [];
  for (let k = 1; k < idx.length; k++) {
    const i = idx[k] as number;
    const j = idx[k - 1] as number;
    if (i !== j + 1) continue; // a gap: the interval between them was outside the period
    if (track.roots[i] !== track.roots[j]) continue; // restarted in between: a new process's ticks start at 0
    const dt = ((track.times[i] as number) - (track.times[j] as number)) / 1000;
    const used = ((track.ticks[i] as number) - (track.ticks[j] as number)) / TICKS_PER_S;
    if (dt > 0) cpu.push(Math.max(0, (used / dt) * 100));
  }
  const rss = idx.map((i) => track.rssMb[i] as number);
  const out: Metric[] = [];
  const p = params ? { params } : {};
  if (cpu.length > 0) {
    out.push(makeMetric({ suite, name: 'cpu', ...p, unit: '%', better: 'lower', samples: cpu, windows: true }));
  }
  out.push(makeMetric({ suite, name: 'rss', ...p, unit: 'MB', better: 'lower', samples: rss, windows: true }));
  const perS = slopeOrZero(
    idx.map((i) => (track.times[i] as number) / 1000),
    rss,
  );
  out.push(makeMetric({ suite, name: 'rss_slope', ...p, unit: 'MB/s', better: 'lower', samples: [perS] }));
  return out;
}
