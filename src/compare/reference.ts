// Taking the machine's speed out of a suite's changes. A bench suite times a fixed reference workload in every
// replicate process (results' `reference`): when the head's run met a slower machine than the baseline's, the
// reference is slower by about as much, so the head's times are scaled by base/head reference before
// comparing, and every history run likewise to the baseline's reference. The machine-wide drift the history
// then shows is what the reference did not follow, and the comparison's allowance shrinks with it.
//
// Two views, because a run's best replicate and its median move differently on a busy machine (slow modes
// move medians, level.ts): best-replicate comparisons are scaled by the reference's fastest replicate,
// median comparisons by its median (on the development machine, 20 kernels' machine-wide level followed a
// mix of 4 of them at r = 0.93 to 0.96 in matching views, 0.6 across them).
//
// A suite is scaled in a view only when its history (when it has enough runs of the suite) shows that the
// reference follows the suite: its machine-wide level steps less between runs once scaled than as measured.
// A reference that does not follow (an I/O-bound suite) would only add its own noise.

import type { HistoryDocument, HistoryMetric, HistoryRun } from '../baseline/history.ts';
import type { Metric, ResultsDocument, SuiteReference } from '../model/results.ts';
import { median } from '../stats/quantile.ts';
import { MIN_HISTORY_RUNS, sameMachine } from './noise.ts';

export type ReferenceView = 'median' | 'best';
export const REFERENCE_VIEWS: readonly ReferenceView[] = ['median', 'best'];

/** How one suite is scaled: per view, the head's reference level against the baseline's, when used. */
export interface SuiteScaling {
  suite: string;
  /**
   * Per view, the head's reference time over the baseline's (1.05: the head's machine ran the reference 5%
   * slower), when that view is scaled.
   */
  head: Partial<Record<ReferenceView, number>>;
  /** Why a view is not scaled, for the note. */
  skipped: Partial<Record<ReferenceView, string>>;
  /** Per view: history runs the decision rested on (0 when the history had too few runs of the suite). */
  runs: Partial<Record<ReferenceView, number>>;
}

/** The reference's level in a view: the median of its replicates or the fastest one. */
export function referenceLevel(ref: SuiteReference, view: ReferenceView): number {
  return view === 'best' ? Math.min(...ref.samples) : median(ref.samples);
}

function comparable(a: SuiteReference | undefined, b: SuiteReference | undefined): boolean {
  return a !== undefined && b !== undefined && a.workload === b.workload && a.unit === b.unit;
}

/** The suite of a metric id: its first segment. */
function suiteOf(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

/** A history metric's level in a view, oriented so that a slower machine makes it larger (log). */
function orientedLog(m: HistoryMetric, view: ReferenceView): number | undefined {
  let v: number | undefined;
  if (view === 'median') v = m.median;
  else if (m.samples && m.samples.length > 0)
    v = m.better === 'lower' ? Math.min(...m.samples) : Math.max(...m.samples);
  if (v === undefined || !(v > 0)) return undefined;
  return m.better === 'lower' ? Math.log(v) : -Math.log(v);
}

/**
 * Mean square step between consecutive runs of the suite's machine-wide level (median over its metrics of
 * each metric's centred log level), as measured and with each run's log reference level taken out.
 */
export function referenceTracking(
  runs: ReadonlyArray<{ metrics: ReadonlyMap<string, number>; reference: number }>,
): { raw: number; scaled: number } | undefined {
  if (runs.length < MIN_HISTORY_RUNS) return undefined;
  const ids = new Set(runs.flatMap((r) => [...r.metrics.keys()]));
  const centre = new Map<string, number>();
  for (const id of ids) {
    const values = runs.map((r) => r.metrics.get(id)).filter((v): v is number => v !== undefined);
    centre.set(id, values.reduce((a, b) => a + b, 0) / values.length);
  }
  const refCentre = runs.reduce((a, r) => a + r.reference, 0) / runs.length;
  const levels = runs.map((r) => {
    const d = [...r.metrics].map(([id, v]) => v - (centre.get(id) as number));
    return d.length > 0 ? median(d) : undefined;
  });
  let raw = 0;
  let scaled = 0;
  let steps = 0;
  for (let i = 1; i < runs.length; i++) {
    const [a, b] = [levels[i - 1], levels[i]];
    if (a === undefined || b === undefined) continue;
    const ra = (runs[i - 1]?.reference as number) - refCentre;
    const rb = (runs[i]?.reference as number) - refCentre;
    raw += (b - a) ** 2;
    scaled += (b - rb - (a - ra)) ** 2;
    steps++;
  }
  if (steps < MIN_HISTORY_RUNS - 1) return undefined;
  return { raw: raw / steps, scaled: scaled / steps };
}

/**
 * Which suites to scale, and by how much, for comparing `head` with `base` (history runs on another machine
 * than the baseline's are left out, as for the noise).
 */
export function planReferences(
  base: ResultsDocument,
  head: ResultsDocument,
  history: HistoryDocument | undefined,
): SuiteScaling[] {
  const out: SuiteScaling[] = [];
  const runs = history ? history.runs.filter((r) => sameMachine(r.env, base.env)) : [];
  for (const suite of head.suites) {
    const h = suite.reference;
    const b = base.suites.find((s) => s.name === suite.name)?.reference;
    if (!h || !b || !comparable(h, b)) continue;
    const plan: SuiteScaling = { suite: suite.name, head: {}, skipped: {}, runs: {} };
    const ofSuite = runs.filter((r) => Object.keys(r.metrics).some((id) => suiteOf(id) === suite.name));
    const withRef = ofSuite.filter((r) => comparable(r.references?.[suite.name], b));
    for (const view of REFERENCE_VIEWS) {
      const ratio = referenceLevel(h, view) / referenceLevel(b, view);
      if (ofSuite.length < MIN_HISTORY_RUNS) {
        // Too little history to tell either way: a bench suite's reference follows its machine (its purpose).
        plan.head[view] = ratio;
        plan.runs[view] = 0;
        continue;
      }
      if (withRef.length < MIN_HISTORY_RUNS) {
        plan.skipped[view] =
          `only ${withRef.length} of the history's ${ofSuite.length} runs of the suite timed the reference ` +
          `(${b.workload})`;
        continue;
      }
      const tracking = referenceTracking(
        withRef.map((r) => ({
          metrics: new Map(
            Object.entries(r.metrics)
              .filter(([id]) => suiteOf(id) === suite.name)
              .map(([id, m]) => [id, orientedLog(m, view)] as const)
              .filter((e): e is readonly [string, number] => e[1] !== undefined),
          ),
          reference: Math.log(referenceLevel(r.references?.[suite.name] as SuiteReference, view)),
        })),
      );
      plan.runs[view] = withRef.length;
      if (!tracking) {
        plan.skipped[view] = 'the history has too few runs with both the suite and its reference';
      } else if (tracking.scaled < tracking.raw) {
        plan.head[view] = ratio;
      } else {
        plan.skipped[view] =
          `over the history's ${withRef.length} runs the reference did not follow the suite (scaled, the ` +
          'suite stepped more between runs than as measured)';
      }
    }
    out.push(plan);
  }
  return out;
}

/** A metric's values scaled by a run's reference `ratio` (that run's reference time over the baseline's). */
export function scaleMetric<M extends Pick<Metric, 'better' | 'samples' | 'stats'>>(m: M, ratio: number): M {
  // A slower machine (ratio > 1) made times larger and rates smaller: divide that out.
  const f = m.better === 'lower' ? 1 / ratio : ratio;
  const stats = { ...m.stats };
  for (const key of Object.keys(stats) as Array<keyof typeof stats>) {
    if (key === 'n') continue;
    const v = stats[key];
    // The sd scales too; every other stat is a value of the metric.
    if (v !== undefined) stats[key] = v * f;
  }
  return { ...m, stats, ...(m.samples ? { samples: m.samples.map((v) => v * f) } : {}) };
}

/**
 * The head's metrics as `view` compares them: in the scaled suites, the values of the metrics the baseline
 * also has at the baseline's machine speed (a new metric is shown as measured: nothing is compared).
 */
export function scaledHead(
  head: ResultsDocument,
  base: ResultsDocument,
  plans: readonly SuiteScaling[],
  view: ReferenceView,
): Metric[] {
  const ratios = new Map(plans.flatMap((p) => (p.head[view] !== undefined ? [[p.suite, p.head[view]]] : [])));
  const inBase = new Set(base.suites.flatMap((s) => s.metrics.map((m) => m.id)));
  return head.suites.flatMap((s) => {
    const ratio = ratios.get(s.name);
    if (ratio === undefined) return s.metrics;
    return s.metrics.map((m) => (inBase.has(m.id) ? scaleMetric(m, ratio) : m));
  });
}

/**
 * The history as `view` compares it: in each scaled suite, every run's metrics at the baseline's reference
 * speed; a run without a comparable reference keeps none of that suite's metrics (its level is unknown).
 */
export function scaledHistory(
  history: HistoryDocument,
  base: ResultsDocument,
  plans: readonly SuiteScaling[],
  view: ReferenceView,
): HistoryDocument {
  const scaled = plans.filter((p) => p.head[view] !== undefined);
  if (scaled.length === 0) return history;
  const baseRefs = new Map(base.suites.map((s) => [s.name, s.reference]));
  const runs = history.runs.map((run): HistoryRun => {
    const metrics: Record<string, HistoryMetric> = Object.create(null);
    for (const [id, m] of Object.entries(run.metrics)) {
      const suite = suiteOf(id);
      if (!scaled.some((p) => p.suite === suite)) {
        metrics[id] = m;
        continue;
      }
      const b = baseRefs.get(suite) as SuiteReference;
      const r = run.references?.[suite];
      if (!r || !comparable(r, b)) continue;
      const ratio = referenceLevel(r, view) / referenceLevel(b, view);
      const f = m.better === 'lower' ? 1 / ratio : ratio;
      metrics[id] = { ...m, median: m.median * f, ...(m.samples ? { samples: m.samples.map((v) => v * f) } : {}) };
    }
    return { ...run, metrics };
  });
  return { ...history, runs };
}
