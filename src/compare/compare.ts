// Baseline (and its history) against the head's runs, metric by metric: one level per run (level.ts), one
// test per row (tests.ts), one family for the run and one rule (decide.ts). Which test:
//   exact      every value on each side equal, with two or more on each (or a zero baseline)
//   history    MIN_HISTORY_RUNS or more earlier main runs measured the metric
//   rank       no such history, and replicates (not windows) on both sides
//   threshold  one level per run on a side, and no history

import type { HistoryDocument, HistoryMetric, HistoryRun } from '../baseline/history.ts';
import { matchesGlob } from '../model/glob.ts';
import { wholePercent } from '../model/percent.ts';
import type { Better, Metric, ResultsDocument, SuiteReference } from '../model/results.ts';
import { convert } from '../model/units.ts';
import { type Comparison, type Evidence, type VerdictWarning, warning } from '../model/verdict.ts';
import { fitVariancePrior, moderateVariance } from '../stats/moderate.ts';
import { quantile } from '../stats/quantile.ts';
import { decideRow, familyLevels, type RowDecision } from './decide.ts';
import { environmentWarnings } from './environment.ts';
import { effectSize, levelName, levelOf, orient, type RunValues, type Scale, scaleFor, unorient } from './level.ts';
import type { CompareOptions } from './options.ts';
import {
  exactShift,
  fitHistory,
  type HistoryFit,
  historyShift,
  rankShift,
  type Shift,
  thresholdShift,
} from './tests.ts';

export interface CompareInput {
  base?: ResultsDocument;
  /** The head's runs: the first, then any the gate added to decide. */
  heads: readonly ResultsDocument[];
  history?: HistoryDocument;
  options: CompareOptions;
}

export interface CompareOutcome {
  comparisons: Comparison[];
  warnings: VerdictWarning[];
}

interface Row {
  id: string;
  unit: string;
  better: Better;
  scale: Scale;
  level: Evidence['level'];
  shift: Shift;
  /** The history test's pieces, kept until the variances are moderated. */
  history?: { fit: HistoryFit; heads: number[]; reference?: number };
}

const valuesOf = (m: Metric): number[] => (m.samples && m.samples.length > 0 ? m.samples : [m.stats.median]);
const allEqual = (xs: readonly number[]): boolean => xs.every((x) => x === xs[0]);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function index(doc: ResultsDocument): Map<string, { metric: Metric; suite: string }> {
  const out = new Map<string, { metric: Metric; suite: string }>();
  for (const s of doc.suites)
    for (const m of s.metrics) if (!out.has(m.id)) out.set(m.id, { metric: m, suite: s.name });
  return out;
}

/** A suite's reference workload as one log level per run: the mean over its parts of log(lower quartile). */
export function referenceLevel(ref: SuiteReference | undefined, workload?: string): number | undefined {
  if (!ref || (workload !== undefined && ref.workload !== workload)) return undefined;
  const parts = Object.values(ref.parts).filter((t) => t.length > 0);
  if (parts.length === 0) return undefined;
  return mean(parts.map((t) => Math.log(quantile(t, 0.25))));
}

/** The history's runs without the baseline run (compareResults adds the baseline's level once, as the newest). */
export function historyRuns(history: HistoryDocument | undefined, base: ResultsDocument | undefined): HistoryRun[] {
  const runs = [...(history?.runs ?? [])];
  return runs.filter((r) => !base || r.createdAt !== base.createdAt || r.git?.sha !== base.git?.sha);
}

function historyLevel(m: HistoryMetric, windows: boolean): number {
  if (m.level !== undefined) return m.level;
  if (m.samples && m.samples.length > 0) return levelOf({ values: m.samples, windows }, m.better);
  return m.median;
}

export function compareResults(input: CompareInput): CompareOutcome {
  const { base, heads, options } = input;
  const first = heads[0];
  if (!first) throw new RangeError('compareResults: at least one head run');
  if (!(options.confidence > 0 && options.confidence < 1)) {
    throw new RangeError(`compare confidence must lie strictly between 0 and 1 (got ${options.confidence})`);
  }
  const ignored = (id: string) => options.ignore.some((g) => matchesGlob(g, id));
  const headIndex = heads.map(index);
  const baseIndex = base ? index(base) : new Map<string, { metric: Metric; suite: string }>();
  const earlier = historyRuns(input.history, base);
  const warnings: VerdictWarning[] = [];
  const comparisons: Comparison[] = [];
  const rows: Row[] = [];
  const mismatched: string[] = [];

  for (const [id, { metric: h, suite }] of headIndex[0] as Map<string, { metric: Metric; suite: string }>) {
    if (ignored(id)) continue;
    const runs = headIndex.flatMap((ix) => {
      const m = ix.get(id)?.metric;
      return m ? [m] : [];
    });
    const windows = h.sampling === 'windows';
    const headRuns: RunValues[] = runs.map((m) => ({ values: valuesOf(m), windows }));
    const headLevels = headRuns.map((r) => levelOf(r, h.better));
    const b = baseIndex.get(id)?.metric;
    if (!b) {
      comparisons.push({ id, unit: h.unit, better: h.better, head: mean(headLevels), verdict: 'new' });
      continue;
    }
    let baseValues: number[];
    let toHead: (v: number) => number;
    try {
      toHead = (v: number) => convert(v, b.unit, h.unit);
      baseValues = valuesOf(b).map(toHead);
    } catch {
      mismatched.push(id);
      comparisons.push({ id, unit: h.unit, better: h.better, head: mean(headLevels), verdict: 'inconclusive' });
      continue;
    }
    const baseRun: RunValues = { values: baseValues, windows: b.sampling === 'windows' || windows };
    const baseLevel = levelOf(baseRun, h.better);
    const past = earlier.flatMap((run) => {
      const m = run.metrics[id];
      if (!m) return [];
      try {
        return [{ level: convert(historyLevel(m, windows), m.unit, h.unit), run }];
      } catch {
        return [];
      }
    });
    past.push({
      level: baseLevel,
      run: { createdAt: base?.createdAt ?? '', env: (base ?? first).env, metrics: {} } as HistoryRun,
    });
    const headValues = headRuns.flatMap((r) => r.values);
    const scale = scaleFor([...baseValues, ...headValues, ...past.map((p) => p.level)]);
    const o = (v: number) => orient(v, h.better, scale);
    const level = levelName(headRuns[0] as RunValues, h.better);
    const rowBase = { id, unit: h.unit, better: h.better, scale, level };

    const exact =
      allEqual(baseValues) &&
      allEqual(headValues) &&
      ((baseValues.length >= 2 && headValues.length >= 2) || baseLevel === 0);
    if (exact) {
      rows.push({
        ...rowBase,
        shift: exactShift(o(baseLevel), o(headValues[0] as number), baseValues.length, headValues.length, runs.length),
      });
      continue;
    }
    if (past.length >= 3) {
      // The reference workload of this metric's suite, in every history run and the head, as a covariate.
      const workload = first.suites.find((s) => s.name === suite)?.reference?.workload;
      const refs = past.map((p, i) =>
        i === past.length - 1
          ? referenceLevel(base?.suites.find((s) => s.name === suite)?.reference, workload)
          : referenceLevel(p.run.references?.[suite], workload),
      );
      const headRefs = heads.map((r) => referenceLevel(r.suites.find((s) => s.name === suite)?.reference, workload));
      const usable = refs.every((r) => r !== undefined) && headRefs.every((r) => r !== undefined) && scale === 'log';
      const fit = fitHistory(
        past.map((p) => o(p.level)),
        usable ? (refs as number[]) : undefined,
      );
      if (fit) {
        const oriented = headLevels.map(o);
        rows.push({
          ...rowBase,
          shift: historyShift(fit, fit, oriented),
          history: { fit, heads: oriented, ...(usable ? { reference: mean(headRefs as number[]) } : {}) },
        });
        continue;
      }
    }
    const replicates = !windows && baseRun.values.length >= 2 && headRuns.every((r) => r.values.length >= 2);
    if (replicates) {
      rows.push({
        ...rowBase,
        shift: rankShift(
          baseValues.map(o),
          headRuns.map((r) => r.values.map(o)),
          {
            base: o(baseLevel),
            heads: headLevels.map(o),
          },
        ),
      });
    } else {
      rows.push({ ...rowBase, shift: thresholdShift(o(baseLevel), headLevels.map(o)) });
    }
  }

  // Moderate the history rows' variances across the run (log scale: comparable across metrics).
  const logHistory = rows.filter((r) => r.history && r.scale === 'log');
  const prior = fitVariancePrior(
    logHistory.map((r) => r.history?.fit.variance as number),
    logHistory.map((r) => r.history?.fit.df as number),
  );
  for (const r of rows) {
    if (!r.history) continue;
    const own = { variance: r.history.fit.variance, df: r.history.fit.df };
    // The prior is worth at most the metric's own degrees of freedom: the metrics' variances share the machine's
    // drift, so the run's metrics together know it no better than one metric's history does, twice over.
    const capped = prior ? { ...prior, df: Math.min(prior.df, own.df) } : undefined;
    const moderated = r.scale === 'log' ? moderateVariance(own.variance, own.df, capped) : own;
    r.shift = historyShift(r.history.fit, moderated, r.history.heads, r.history.reference);
  }

  const looks = Math.max(1, options.runs);
  const family = familyLevels(
    rows.map((r) => r.shift),
    1 - options.confidence,
    looks,
  );
  const undecided: string[] = [];
  const thresholded: string[] = [];
  for (const r of rows) {
    const baseAbs = Math.abs(unorient(r.shift.base, r.better, r.scale));
    const rule = {
      e: effectSize(options.minEffect, r.scale, baseAbs),
      e2: effectSize(2 * options.minEffect, r.scale, baseAbs),
      threshold: effectSize(options.threshold, r.scale, baseAbs),
    };
    const decision = decideRow(r.shift, rule, family);
    if (decision.verdict === 'inconclusive') undecided.push(r.id);
    if (r.shift.test === 'threshold') thresholded.push(r.id);
    comparisons.push(toComparison(r, decision, family, looks, options));
  }

  // Rows in the head's order, missing ones (only the baseline has them) after.
  for (const [id, { metric: b }] of baseIndex) {
    if (ignored(id) || (headIndex[0] as Map<string, unknown>).has(id)) continue;
    comparisons.push({
      id,
      unit: b.unit,
      better: b.better,
      base: levelOf({ values: valuesOf(b), windows: b.sampling === 'windows' }, b.better),
      verdict: 'missing',
    });
  }
  const order = new Map([...(headIndex[0] as Map<string, unknown>).keys()].map((id, i) => [id, i]));
  comparisons.sort((x, y) => (order.get(x.id) ?? Infinity) - (order.get(y.id) ?? Infinity));

  if (base) {
    for (const text of environmentWarnings(
      base.env,
      first.env,
      earlier.map((r) => r.env),
    )) {
      warnings.push(warning('environment', text));
    }
  }
  if (mismatched.length > 0) {
    warnings.push(
      warning(
        'unit-mismatch',
        `${mismatched.length} metric${mismatched.length === 1 ? ' has' : 's have'} a unit of another dimension than the baseline's; they were not compared`,
        mismatched,
      ),
    );
  }
  if (thresholded.length > 0) {
    warnings.push(
      warning(
        'no-history',
        `${thresholded.length} metric${thresholded.length === 1 ? ' has' : 's have'} one value per run and no history yet: judged by the ${wholePercent(options.threshold)} threshold until 3 main runs are saved`,
        thresholded,
        { threshold: options.threshold },
      ),
    );
  }
  if (undecided.length > 0) {
    warnings.push(
      warning(
        'undecided',
        `${undecided.length} metric${undecided.length === 1 ? '' : 's'} could not be decided`,
        undecided,
      ),
    );
  }
  return { comparisons, warnings };
}

function toComparison(
  r: Row,
  decision: RowDecision,
  family: ReturnType<typeof familyLevels>,
  looks: number,
  options: CompareOptions,
): Comparison {
  const { shift, better, scale } = r;
  // + 0 turns the -0 of a negated zero into 0.
  const base = unorient(shift.base, better, scale) + 0;
  const head = unorient(shift.head, better, scale) + 0;
  // Oriented differences back to the metric's direction: ratios on the log scale, differences on the linear.
  const back = (x: number) => (scale === 'log' ? Math.exp(better === 'lower' ? x : -x) : better === 'lower' ? x : -x);
  // An interval with an unbounded end (too few replicates at this level) is not shown: JSON has no infinity.
  const backInterval = (iv?: [number, number]): [number, number] | undefined =>
    iv?.every(Number.isFinite)
      ? better === 'lower'
        ? [back(iv[0]), back(iv[1])]
        : [back(iv[1]), back(iv[0])]
      : undefined;
  const interval = backInterval(decision.interval);
  const equivalence = backInterval(decision.equivalence);
  const detectable =
    decision.detectable === undefined
      ? undefined
      : scale === 'log'
        ? Math.expm1(decision.detectable)
        : decision.detectable;
  const evidence: Evidence = {
    test: shift.test,
    scale,
    level: r.level,
    nBase: shift.nBase,
    nHead: shift.nHead,
    headRuns: shift.perRun.length,
    ...(shift.historyRuns !== undefined ? { historyRuns: shift.historyRuns } : {}),
    ...(shift.sd !== undefined ? { sd: shift.sd } : {}),
    ...(shift.df !== undefined ? { df: shift.df } : {}),
    ...(shift.covariate !== undefined ? { covariate: shift.covariate } : {}),
    ...(shift.slowSpell ? { slowSpell: true } : {}),
    ...(decision.alpha !== undefined ? { alpha: decision.alpha } : {}),
    ...(shift.pWorse !== undefined ? { family: { size: family.size, rejected: family.rejected, looks } } : {}),
    ...(shift.test === 'threshold' ? { threshold: options.threshold } : {}),
    ...(interval ? { interval } : {}),
    ...(detectable !== undefined && Number.isFinite(detectable) ? { detectable } : {}),
    ...(decision.unconfirmed ? { unconfirmed: true } : {}),
    ...(equivalence ? { equivalence } : {}),
  };
  const ratio = scale === 'log' ? back(shift.d) : base !== 0 ? head / base : undefined;
  return {
    id: r.id,
    unit: r.unit,
    better,
    base,
    head,
    ...(ratio !== undefined && Number.isFinite(ratio) ? { ratio } : {}),
    ...(scale === 'log' && interval ? { ci: interval } : {}),
    ...(shift.pWorse !== undefined ? { p: shift.pWorse } : {}),
    verdict: decision.verdict,
    evidence,
  };
}
