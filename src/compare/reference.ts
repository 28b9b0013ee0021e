// Taking the machine's speed out of a suite's changes. A bench suite times a fixed reference workload in every
// replicate process (results' `reference`): when the head's run met a slower machine than the baseline's, the
// reference is slower by about as much, so the head's times are scaled by base/head reference before
// comparing, and every history run likewise to the baseline's reference. The machine-wide drift the history
// then shows is what the reference did not follow, and the comparison's allowance shrinks with it.
//
// Two views, because a run's best replicate and its median move differently on a busy machine (slow modes
// move medians, level.ts): best-replicate comparisons are scaled by the reference's fastest replicates,
// median comparisons by its medians (on the development machine the gate suite's machine-wide level moved
// with the reference's fastest replicates at r = 0.8 on a calm hour and 0.98 on a busy one, with its medians
// at 0.6 to 0.9, and across the views at 0.6).
//
// A suite is scaled in a view only when its history (4 runs or more that timed the reference) shows that the
// reference follows the suite: scaled, its machine-wide level steps between runs by at most half the variance
// it has as measured. How strongly it follows (the elasticity: a memory-bound suite may move 1.5% for each
// 1% of the reference) comes from the same steps. A reference that does not follow (an I/O-bound suite)
// would only add its own noise.
//
// Metrics of one suite do not all follow the machine alike: in a busy hour a memory-bound kernel's median
// moved 3 to 6% for each 1% of the reference (slow modes), a pure arithmetic kernel's 0.3%. Each metric gets
// its own elasticity from its own steps against the reference's, pulled towards the suite's by how uncertain
// it is (empirical Bayes: a quiet metric keeps its own, a noisy one takes the suite's), so that scaling by the
// suite's alone does not turn the arithmetic kernel's unmoved time into a regression.

import type { HistoryDocument, HistoryMetric, HistoryRun } from '../baseline/history.ts';
import type { Metric, ResultsDocument, SuiteReference } from '../model/results.ts';
import { median } from '../stats/quantile.ts';
import { bestOf, MIN_HISTORY_RUNS, sameMachine } from './noise.ts';

export type ReferenceView = 'median' | 'best';
export const REFERENCE_VIEWS: readonly ReferenceView[] = ['median', 'best'];

/** How one suite is scaled: per view, the head's reference level against the baseline's, when used. */
export interface SuiteScaling {
  suite: string;
  /**
   * Per view, the head's reference time over the baseline's (1.05: the head's machine ran the reference 5%
   * slower), when that view is scaled.
   */
  reference: Partial<Record<ReferenceView, number>>;
  /**
   * Per view, how strongly the suite follows its reference (elasticity: 1.5 when the suite's machine-wide
   * level moves 1.5% for each 1% of the reference), from the history.
   */
  power: Partial<Record<ReferenceView, number>>;
  /** Per view, the standard error of `power`. */
  powerSd: Partial<Record<ReferenceView, number>>;
  /**
   * Per view, the factor the head's machine put on the suite's times: reference ^ power (each metric's own by
   * its elasticity: headFactor).
   */
  head: Partial<Record<ReferenceView, number>>;
  /**
   * Per view, each metric's own elasticity and its standard error (metricElasticities), where the history
   * had enough of its runs; other metrics take the suite's (`power`).
   */
  metrics: Partial<Record<ReferenceView, ReadonlyMap<string, Elasticity>>>;
  /** Why a view is not scaled, for the note. */
  skipped: Partial<Record<ReferenceView, string>>;
  /** Per view: history runs the decision rested on, when it had enough that timed the reference. */
  runs: Partial<Record<ReferenceView, number>>;
}

/** How strongly a metric follows its suite's reference, and the standard error of that. */
export interface Elasticity {
  power: number;
  sd: number;
}

/** A part's level in a view: the median of its replicates or the fastest one. */
function partLevel(times: readonly number[], view: ReferenceView): number {
  return view === 'best' ? Math.min(...times) : median(times);
}

/**
 * How much slower run `a` ran the reference than run `b`, in a view: the median over the parts both timed of
 * each part's ratio a/b (a part in a slow mode in one run does not move it). Undefined when they share no
 * part or the workloads differ.
 */
export function referenceRatio(
  a: SuiteReference | undefined,
  b: SuiteReference | undefined,
  view: ReferenceView,
): number | undefined {
  if (!comparable(a, b)) return undefined;
  const logs: number[] = [];
  for (const [part, times] of Object.entries((a as SuiteReference).parts)) {
    const other = Object.hasOwn((b as SuiteReference).parts, part) ? (b as SuiteReference).parts[part] : undefined;
    if (!other || other.length === 0 || times.length === 0) continue;
    const [x, y] = [partLevel(times, view), partLevel(other, view)];
    if (x > 0 && y > 0) logs.push(Math.log(x / y));
  }
  return logs.length > 0 ? Math.exp(median(logs)) : undefined;
}

function comparable(a: SuiteReference | undefined, b: SuiteReference | undefined): boolean {
  return a !== undefined && b !== undefined && a.workload === b.workload && a.unit === b.unit;
}

/** The suite of a metric id: its first segment. */
export function suiteOf(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

/** A history metric's level in a view, oriented so that a slower machine makes it larger (log). */
function orientedLog(m: HistoryMetric, view: ReferenceView): number | undefined {
  const v = view === 'median' ? m.median : m.samples?.length ? bestOf(m.samples, m.better) : undefined;
  if (v === undefined || !(v > 0)) return undefined;
  return m.better === 'lower' ? Math.log(v) : -Math.log(v);
}

/**
 * Mean square step between consecutive runs of the suite's machine-wide level (median over its metrics of
 * each metric's centred log level), as measured and with each run's log reference level taken out.
 */
export function referenceTracking(
  runs: ReadonlyArray<{ metrics: ReadonlyMap<string, number>; reference: number }>,
): { raw: number; scaled: number; power: number; powerSd: number } | undefined {
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
  // Steps of the suite's level and of the reference's between consecutive runs.
  const pairs: Array<[number, number]> = [];
  for (let i = 1; i < runs.length; i++) {
    const [a, b] = [levels[i - 1], levels[i]];
    if (a === undefined || b === undefined) continue;
    const ra = (runs[i - 1]?.reference as number) - refCentre;
    const rb = (runs[i]?.reference as number) - refCentre;
    pairs.push([b - a, rb - ra]);
  }
  if (pairs.length < MIN_HISTORY_RUNS - 1) return undefined;
  // The elasticity by least squares through the origin on the steps (a slow trend of either barely moves
  // it), kept within [1/2, 2]: a young history's estimate is rough, and outside that range the reference
  // hardly says anything about the suite.
  const sxy = pairs.reduce((acc, [l, r]) => acc + l * r, 0);
  const sxx = pairs.reduce((acc, [, r]) => acc + r * r, 0);
  const power = sxx > 0 ? Math.min(MAX_POWER, Math.max(1 / MAX_POWER, sxy / sxx)) : 1;
  const raw = pairs.reduce((acc, [l]) => acc + l * l, 0) / pairs.length;
  const scaled = pairs.reduce((acc, [l, r]) => acc + (l - power * r) ** 2, 0) / pairs.length;
  // The estimate's standard error: the residual steps' variance (one parameter fitted) over Σ r².
  const powerSd = sxx > 0 ? Math.sqrt((scaled * pairs.length) / (pairs.length - 1) / sxx) : 0;
  return { raw, scaled, power, powerSd };
}

/** The elasticity of a suite against its reference is kept within [1 / MAX_POWER, MAX_POWER]. */
export const MAX_POWER = 2;

/**
 * Each metric's elasticity against the reference, from its own steps between consecutive runs (least squares
 * through the origin, as for the suite), shrunk towards the suite's `suite` elasticity: the metrics' own
 * estimates scatter around the suite's by their sampling error plus a true spread τ² (moment estimate); each
 * is weighted by τ² / (τ² + its se²), and its standard error is that of the weighted estimate, the suite's
 * own error carried by the remaining weight. Kept within [0, MAX_POWER]: a metric may not follow the
 * machine at all, and a steeper estimate is as likely noise. Metrics with fewer than MIN_HISTORY_RUNS − 1
 * steps take the suite's.
 */
export function metricElasticities(
  runs: ReadonlyArray<{ metrics: ReadonlyMap<string, number>; reference: number }>,
  suite: Elasticity,
): Map<string, Elasticity> {
  const ids = new Set(runs.flatMap((r) => [...r.metrics.keys()]));
  const own: Array<{ id: string; power: number; se2: number }> = [];
  for (const id of ids) {
    let sxy = 0;
    let sxx = 0;
    const steps: Array<[number, number]> = [];
    for (let i = 1; i < runs.length; i++) {
      const a = runs[i - 1]?.metrics.get(id);
      const b = runs[i]?.metrics.get(id);
      if (a === undefined || b === undefined) continue;
      const r = (runs[i]?.reference as number) - (runs[i - 1]?.reference as number);
      steps.push([b - a, r]);
      sxy += (b - a) * r;
      sxx += r * r;
    }
    if (steps.length < MIN_HISTORY_RUNS - 1 || !(sxx > 0)) continue;
    const power = sxy / sxx;
    const residual = steps.reduce((acc, [l, r]) => acc + (l - power * r) ** 2, 0) / (steps.length - 1);
    own.push({ id, power, se2: residual / sxx });
  }
  const out = new Map<string, Elasticity>();
  if (own.length === 0) return out;
  const spread = own.reduce((acc, o) => acc + (o.power - suite.power) ** 2, 0) / own.length;
  const sampling = own.reduce((acc, o) => acc + o.se2, 0) / own.length;
  const tau2 = Math.max(0, spread - sampling);
  for (const o of own) {
    const w = tau2 > 0 ? tau2 / (tau2 + o.se2) : 0;
    const power = Math.min(MAX_POWER, Math.max(0, suite.power + w * (o.power - suite.power)));
    out.set(o.id, { power, sd: Math.sqrt(w * o.se2 + (1 - w) ** 2 * suite.sd ** 2) });
  }
  return out;
}

/** The elasticity a metric is scaled with in a view: its own, or its suite's; undefined when not scaled. */
export function elasticityOf(plan: SuiteScaling, view: ReferenceView, id: string): Elasticity | undefined {
  const power = plan.power[view];
  if (plan.head[view] === undefined || power === undefined) return undefined;
  return plan.metrics[view]?.get(id) ?? { power, sd: plan.powerSd[view] ?? 0 };
}

/**
 * The factor the head's machine put on one metric in a view (reference ^ elasticity) and the standard
 * deviation of its log from the elasticity's error, se · |log reference| (compare.ts widenByScaling adds it
 * to the metric's drift); undefined when the view is not scaled.
 */
export function headFactor(
  plan: SuiteScaling,
  view: ReferenceView,
  id: string,
): { factor: number; uncertainty: number } | undefined {
  const e = elasticityOf(plan, view, id);
  const ratio = plan.reference[view];
  if (!e || ratio === undefined) return undefined;
  return { factor: ratio ** e.power, uncertainty: e.sd * Math.abs(Math.log(ratio)) };
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
    const plan: SuiteScaling = {
      suite: suite.name,
      reference: {},
      power: {},
      powerSd: {},
      head: {},
      metrics: {},
      skipped: {},
      runs: {},
    };
    const ofSuite = runs.filter((r) => Object.keys(r.metrics).some((id) => suiteOf(id) === suite.name));
    const withRef = ofSuite.filter((r) => referenceRatio(r.references?.[suite.name], b, 'median') !== undefined);
    for (const view of REFERENCE_VIEWS) {
      const ratio = referenceRatio(h, b, view);
      if (ratio === undefined) continue;
      const use = (power: number, powerSd: number, metrics: ReadonlyMap<string, Elasticity>) => {
        plan.reference[view] = ratio;
        plan.power[view] = power;
        plan.powerSd[view] = powerSd;
        plan.head[view] = ratio ** power;
        plan.metrics[view] = metrics;
      };
      // Only a history can show that the reference follows the suite: a reference in a slow mode of its own
      // would otherwise move every metric of the suite by its error.
      if (withRef.length < MIN_HISTORY_RUNS) {
        plan.skipped[view] =
          `only ${withRef.length} of the history's ${ofSuite.length} runs of the suite timed the reference ` +
          `(${b.workload})`;
        continue;
      }
      const levels = withRef.map((r) => ({
        metrics: new Map(
          Object.entries(r.metrics)
            .filter(([id]) => suiteOf(id) === suite.name)
            .map(([id, m]) => [id, orientedLog(m, view)] as const)
            .filter((e): e is readonly [string, number] => e[1] !== undefined),
        ),
        reference: Math.log(referenceRatio(r.references?.[suite.name], b, view) as number),
      }));
      const tracking = referenceTracking(levels);
      plan.runs[view] = withRef.length;
      if (!tracking) {
        plan.skipped[view] = 'the history has too few runs with both the suite and its reference';
      } else if (tracking.scaled <= tracking.raw / 2) {
        const suiteElasticity = { power: tracking.power, sd: tracking.powerSd };
        use(tracking.power, tracking.powerSd, metricElasticities(levels, suiteElasticity));
      } else {
        plan.skipped[view] =
          `over the history's ${withRef.length} runs the reference did not follow the suite (it explains ` +
          `${Math.max(0, Math.round((1 - tracking.scaled / tracking.raw) * 100))}% of the suite's steps between runs, ` +
          'under half)';
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
  const bySuite = new Map(plans.filter((p) => p.head[view] !== undefined).map((p) => [p.suite, p]));
  const inBase = new Set(base.suites.flatMap((s) => s.metrics.map((m) => m.id)));
  return head.suites.flatMap((s) => {
    const plan = bySuite.get(s.name);
    if (!plan) return s.metrics;
    return s.metrics.map((m) => {
      const found = inBase.has(m.id) ? headFactor(plan, view, m.id) : undefined;
      return found ? scaleMetric(m, found.factor) : m;
    });
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
      const plan = scaled.find((p) => p.suite === suite);
      if (!plan) {
        metrics[id] = m;
        continue;
      }
      const found = referenceRatio(run.references?.[suite], baseRefs.get(suite), view);
      if (found === undefined) continue;
      const ratio = found ** (elasticityOf(plan, view, id)?.power ?? 1);
      const f = m.better === 'lower' ? 1 / ratio : ratio;
      metrics[id] = { ...m, median: m.median * f, ...(m.samples ? { samples: m.samples.map((v) => v * f) } : {}) };
    }
    return { ...run, metrics };
  });
  return { ...history, runs };
}
