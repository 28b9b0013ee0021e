// Evaluating criteria against measured metrics. A selector may pick many metrics (or, for scaling, many
// series; for ratio and diff, many pairs); each one is a check, and the criterion passes only when every check
// passes: a silent pass is a defect, so anything that cannot be checked makes the criterion `missing`, never `pass`.

import { suggest } from '../config/suggest.ts';
import { selectorMatches } from '../model/glob.ts';
import { formatParams, type Params, splitParams } from '../model/metric-id.ts';
import type { Metric } from '../model/results.ts';
import { convert, type Dimension, dimensionOf, exampleFor, formatValue, round } from '../model/units.ts';
import type { CriterionStatus } from '../model/verdict.ts';
import { logLogSlope } from '../stats/fit.ts';
import { summarize } from '../stats/summary.ts';
import {
  CriteriaConfigError,
  CriterionSyntaxError,
  type ParsedCriterion,
  parseCriterion,
  pointAt,
  type RelativeKind,
  type Selector,
  syntaxProblem,
} from './parse.ts';
import type {
  CriterionConfig,
  EvaluatedCriterion,
  Op,
  RelativeEvidence,
  RelativePair,
  RelativeSide,
  Stat,
} from './types.ts';

/** Relative tolerance for equality, so unit conversions (0.1s -> 100.00000000000001ms) do not flip a verdict. */
const REL_TOL = 1e-9;

export function evaluateCriteria(
  criteria: readonly CriterionConfig[],
  metrics: readonly Metric[],
): EvaluatedCriterion[] {
  return criteria.map((config, i) => evaluateOne(i + 1, config, metrics));
}

type Outcome = Omit<EvaluatedCriterion, 'name' | 'expect'>;

/** One metric (or one scaling series) checked against the criterion. */
interface Check {
  status: CriterionStatus;
  actual?: number;
  unit?: string;
  /** How far inside the limit, relative to it; negative when failing. Picks the worst check to report. */
  margin: number;
  text: string;
}

function evaluateOne(index: number, config: CriterionConfig, metrics: readonly Metric[]): EvaluatedCriterion {
  let parsed: ParsedCriterion;
  try {
    parsed = parseCriterion(config.expect);
  } catch (err) {
    if (err instanceof CriterionSyntaxError) throw new CriteriaConfigError([syntaxProblem(index, config, err)]);
    throw err;
  }
  const { selector } = parsed;
  const outcome =
    selector.kind === 'scaling'
      ? evaluateScaling(parsed, selector.param, metrics)
      : selector.kind === 'ratio' || selector.kind === 'diff'
        ? evaluateRelative(index, config, parsed, selector, metrics)
        : evaluateMetrics(index, config, parsed, metrics);
  const warnLevel = config.level === 'warn';
  return {
    ...(config.name !== undefined ? { name: config.name } : {}),
    expect: config.expect,
    ...outcome,
    // A missed target warns; a target that matched nothing is still a config mistake and stays missing.
    ...(warnLevel && outcome.status === 'fail' ? { status: 'warn' as const } : {}),
    ...(warnLevel ? { level: 'warn' as const } : {}),
  };
}

function evaluateMetrics(
  index: number,
  config: CriterionConfig,
  parsed: ParsedCriterion,
  metrics: readonly Metric[],
): Outcome {
  const { pattern } = parsed.selector;
  const matches = metrics.filter((m) => selectorMatches(pattern, m.id));
  if (matches.length === 0) return { status: 'missing', detail: nothingMatched(pattern, metrics) };
  // Resolve every threshold first, so a unit mismatch is reported whatever the measurements say.
  const limits = matches.map((m) => limitFor(index, config, parsed, m));
  const checks = matches.map((m, i): Check => {
    const { limit, op, inverted } = limits[i] as Limit;
    const actual = readStat(m, parsed.stat);
    if (typeof actual === 'string') return { status: 'missing', margin: 0, text: actual };
    const pass = compare(actual, op, limit);
    // A rate limit on a time per operation is read as operations per second: 1 / time.
    const asRate = inverted && actual > 0 ? ` = ${round(1000 / convert(actual, m.unit, 'ms'))}/s` : '';
    return {
      status: pass ? 'pass' : 'fail',
      actual,
      unit: m.unit,
      margin: margin(actual, op, limit),
      text: `${m.id} ${parsed.stat} = ${showActual(actual, limit, m.unit)}${asRate} (needs ${parsed.op} ${parsed.valueText})`,
    };
  });
  return aggregate(checks, 'matches');
}

interface Limit {
  limit: number;
  op: Op;
  /** A rate VALUE against a time per operation: the limit is 1 / VALUE and the op flipped. */
  inverted?: boolean;
}

const FLIPPED: Record<Op, Op> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/**
 * The limit in the metric's unit. `bench/op >= 50/s` on a time per operation means "at most 20 ms per
 * operation": a rate and a time per operation are each other's inverse, so the limit is inverted and the
 * operator flipped (quantiles follow: the p95 time is the p5 rate; the mean time gives the overall rate).
 */
export function limitFor(
  index: number,
  config: CriterionConfig,
  parsed: ParsedCriterion,
  m: Pick<Metric, 'id' | 'unit'>,
): Limit {
  const metricDim = dimensionOf(m.unit);
  const valueDim = dimensionOf(parsed.value.unit);
  const crossed = parsed.stat !== 'n' && parsed.stat !== 'sd' && valueDim === 'rate' && metricDim === 'time';
  // Only this way round: a time limit on a throughput (req/s of concurrent users) is no time per operation.
  if (!crossed) return { limit: thresholdFor(index, config, parsed, m), op: parsed.op };
  const perSecond = convert(parsed.value.value, parsed.value.unit, '/s');
  return { limit: convert(1 / perSecond, 's', m.unit), op: FLIPPED[parsed.op], inverted: true };
}

/** VALUE in the metric's unit; a unit of another dimension is a configuration error, not a failed check. */
export function thresholdFor(
  index: number,
  config: CriterionConfig,
  parsed: ParsedCriterion,
  m: Pick<Metric, 'id' | 'unit'>,
): number {
  const { value, valueText, stat } = parsed;
  // The parser already insisted on a plain number for n, which counts samples whatever the metric's unit.
  if (stat === 'n') return value.value;
  const metricDim = dimensionOf(m.unit);
  const bad = (message: string): never => configProblem(index, config, message);
  if (value.unit === '') {
    // Counts have no unit to give; an unknown metric unit leaves the number to be read in that unit.
    if (metricDim === 'count' || metricDim === undefined) return value.value;
    return bad(`${valueText} has no unit but ${m.id} is measured in ${m.unit}; give a unit, ${exampleFor(metricDim)}`);
  }
  if (value.unit === m.unit) return value.value;
  const valueDim = dimensionOf(value.unit);
  if (metricDim === undefined) {
    return bad(
      `${valueText} is ${dimensionName(valueDim)} but ${m.id} is measured in "${m.unit}", which cannot be converted; write the value in ${m.unit}`,
    );
  }
  if (valueDim !== metricDim) {
    return bad(`${valueText} is ${dimensionName(valueDim)} but ${m.id} is measured in ${unitName(m.unit)}`);
  }
  return convert(value.value, value.unit, m.unit);
}

/** A criterion that cannot be checked as written, found only against the measured metrics. */
function configProblem(index: number, config: CriterionConfig, message: string): never {
  throw new CriteriaConfigError([
    {
      index,
      ...(config.where ? { where: config.where } : {}),
      ...(config.name ? { name: config.name } : {}),
      expect: config.expect,
      message,
    },
  ]);
}

function dimensionName(dim: Dimension | undefined): string {
  switch (dim) {
    case 'time':
      return 'a duration';
    case 'rate':
      return 'a rate';
    case 'percent':
      return 'a percentage';
    case 'size':
      return 'a size';
    case 'bandwidth':
      return 'a byte rate';
    case 'count':
      return 'a count';
    default:
      return 'in an unknown unit';
  }
}

function unitName(unit: string): string {
  return unit === '' ? 'plain numbers (no unit)' : unit;
}

/** A stat from the summary, else computed from the replicates; a string says why it is unavailable. */
export function readStat(m: Metric, stat: Stat): number | string {
  const direct = m.stats[stat];
  if (typeof direct === 'number' && Number.isFinite(direct)) return direct;
  // p50 is the median by definition, and the median is always in the summary.
  if (stat === 'p50' && Number.isFinite(m.stats.median)) return m.stats.median;
  const samples = (m.samples ?? []).filter(Number.isFinite);
  if (samples.length === 0) return `${m.id} has no ${stat}, and no samples to compute it from`;
  if (stat === 'sd' && samples.length < 2) return `${m.id} has no sd: it needs at least 2 samples, and has 1`;
  const computed = summarize(samples)[stat];
  return typeof computed === 'number' ? computed : `${m.id} has no ${stat}`;
}

function approxEqual(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= REL_TOL * Math.max(Math.abs(a), Math.abs(b));
}

export function compare(actual: number, op: Op, limit: number): boolean {
  const eq = approxEqual(actual, limit);
  switch (op) {
    case '<':
      return actual < limit && !eq;
    case '<=':
      return actual < limit || eq;
    case '>':
      return actual > limit && !eq;
    case '>=':
      return actual > limit || eq;
    case '==':
      return eq;
    case '!=':
      return !eq;
  }
}

/** Distance to the limit on the passing side, relative to the limit so metrics in different units compare. */
function margin(actual: number, op: Op, limit: number): number {
  const scale = Math.abs(limit) || Math.abs(actual) || 1;
  const d = (actual - limit) / scale;
  switch (op) {
    case '<':
    case '<=':
      return -d;
    case '>':
    case '>=':
      return d;
    case '==':
      return -Math.abs(d);
    case '!=':
      return Math.abs(d);
  }
}

/** The actual value, with more digits when the usual three would read the same as the limit. */
function showActual(actual: number, limit: number, unit: string): string {
  const nearLimit = Number(actual.toPrecision(3)) === Number(limit.toPrecision(3));
  if (!nearLimit || approxEqual(actual, limit)) return formatValue(actual, unit);
  return unit === '' ? String(Number(actual.toPrecision(7))) : `${Number(actual.toPrecision(7))} ${unit}`;
}

/** Every check must pass. The result reports the worst check: a failing one, else the closest to failing. */
function aggregate(checks: Check[], noun: string): Outcome {
  const failed = checks.filter((c) => c.status === 'fail');
  const missing = checks.filter((c) => c.status === 'missing');
  const measured = checks.filter((c) => c.status !== 'missing');
  const worst = (failed.length > 0 ? failed : measured).reduce<Check | undefined>(
    (w, c) => (w === undefined || c.margin < w.margin ? c : w),
    undefined,
  );
  const values = worst?.actual !== undefined ? { actual: worst.actual, unit: worst.unit ?? '' } : {};
  const total = checks.length;
  const missingNote = missing.length > 0 ? `, ${missing.length} could not be checked` : '';
  if (failed.length > 0 && worst) {
    const text =
      total === 1 ? worst.text : `worst: ${worst.text}; ${failed.length} of ${total} ${noun} failed${missingNote}`;
    return { status: 'fail', ...values, detail: text };
  }
  if (missing.length > 0) {
    const first = missing[0] as Check;
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more)` : '';
    const text =
      total === 1 ? first.text : `${first.text}${more}; ${missing.length} of ${total} ${noun} could not be checked`;
    return { status: 'missing', detail: text };
  }
  const text = total === 1 || !worst ? (worst?.text ?? '') : `closest: ${worst.text}; all ${total} ${noun} pass`;
  return { status: 'pass', ...values, detail: text };
}

/** Why nothing matched, naming the nearest thing that was measured. */
function nothingMatched(pattern: string, metrics: readonly Metric[]): string {
  const head = `no metric matches "${pattern}"`;
  if (metrics.length === 0) return `${head}: no metrics were measured`;
  const sel = splitParams(pattern);
  if (sel.params) {
    // The id is right but the parameters are not: list the parameter sets that were measured.
    const sameBase = metrics.filter((m) => selectorMatches(sel.base, m.id));
    if (sameBase.length > 0) {
      const sets = [...new Set(sameBase.map((m) => formatParams(m.params) || '(no parameters)'))];
      const shown = sets.slice(0, 5).join(', ') + (sets.length > 5 ? `, ... (${sets.length} in all)` : '');
      return `${head}; ${sel.base} was measured with ${shown}`;
    }
  }
  const candidates = [...new Set(metrics.flatMap((m) => [m.id, splitParams(m.id).base]))];
  const hint = suggest(pattern, candidates);
  return hint ? `${head}; did you mean "${hint}"?` : head;
}

function numericParam(params: Params | undefined, name: string): number | undefined {
  const v = params?.[name];
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * scaling(SELECTOR, PARAM): the exponent k in stat ≈ c·PARAM^k, fitted per series. A series is one metric name
 * with one setting of its other parameters, so graph/plan[kind=dense] and [kind=sparse] are judged separately.
 */
function evaluateScaling(parsed: ParsedCriterion, param: string, metrics: readonly Metric[]): Outcome {
  const { pattern } = parsed.selector;
  const matches = metrics.filter((m) => selectorMatches(pattern, m.id));
  if (matches.length === 0) return { status: 'missing', detail: nothingMatched(pattern, metrics) };
  const series = new Map<string, Array<{ x: number; m: Metric }>>();
  for (const m of matches) {
    const params = m.params ?? splitParams(m.id).params;
    const x = numericParam(params, param);
    if (x === undefined) continue;
    const others: Params = {};
    for (const [k, v] of Object.entries(params ?? {})) if (k !== param) others[k] = v;
    const key = `${splitParams(m.id).base}${formatParams(others)}`;
    const list = series.get(key) ?? [];
    list.push({ x, m });
    series.set(key, list);
  }
  if (series.size === 0) {
    const seen = [...new Set(matches.flatMap((m) => Object.keys(m.params ?? splitParams(m.id).params ?? {})))];
    const n = matches.length;
    return {
      status: 'missing',
      detail:
        `${n} ${n === 1 ? 'metric matches' : 'metrics match'} "${pattern}" but none has a numeric parameter "${param}"` +
        (seen.length > 0 ? ` (parameters: ${seen.join(', ')})` : ''),
    };
  }
  const label = series.size > 1;
  const checks = [...series].map(([key, points]) => {
    const check = fitSeries(parsed, param, points);
    return label ? { ...check, text: `${key}: ${check.text}` } : check;
  });
  return aggregate(checks, 'series');
}

function fitSeries(parsed: ParsedCriterion, param: string, points: Array<{ x: number; m: Metric }>): Check {
  const missing = (text: string): Check => ({ status: 'missing', margin: 0, text });
  const distinct = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  if (distinct.length < 2) {
    return missing(`a slope needs at least 2 distinct values of ${param}, found only ${param}=${distinct[0]}`);
  }
  // Series members usually share a unit; when a bench switched between ns and ms, bring them to one.
  const unit = (points[0] as { m: Metric }).m.unit;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const { x, m } of points) {
    const y = readStat(m, parsed.stat);
    if (typeof y === 'string') return missing(y);
    let inUnit: number;
    try {
      inUnit = convert(y, m.unit, unit);
    } catch {
      return missing(`${m.id} is measured in ${unitName(m.unit)} but other points of the series in ${unitName(unit)}`);
    }
    if (!(x > 0) || !(inUnit > 0)) {
      return missing(
        `a log-log slope needs positive values, but ${m.id} has ${param}=${x} and ${parsed.stat} ${formatValue(y, m.unit)}`,
      );
    }
    xs.push(x);
    ys.push(inUnit);
  }
  const slope = logLogSlope(xs, ys).slope;
  const limit = parsed.value.value;
  const pass = compare(slope, parsed.op, limit);
  return {
    status: pass ? 'pass' : 'fail',
    actual: slope,
    unit: '',
    margin: margin(slope, parsed.op, limit),
    text: `slope ${showSlope(slope, limit)} over ${param}=${distinct[0]}..${distinct[distinct.length - 1]} (${points.length} points)`,
  };
}

/** Two decimals, or four when two would print the limit itself for a slope that is not equal to it. */
function showSlope(slope: number, limit: number): string {
  const two = slope.toFixed(2);
  return two === limit.toFixed(2) && !approxEqual(slope, limit) ? slope.toFixed(4) : two;
}

type RelativeSelector = Extract<Selector, { kind: RelativeKind }>;

/** How the metrics of A and B were matched up. */
interface Pairing {
  pairs: Array<[Metric, Metric]>;
  unpaired: RelativeEvidence['unpaired'];
  ambiguous: RelativeEvidence['ambiguous'];
}

/** A metric's parameter set as a key that ignores the order parameters were declared in. */
function paramKey(m: Metric): string {
  const params = m.params ?? splitParams(m.id).params ?? {};
  return Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
}

/**
 * One metric on each side pairs whatever its parameters. Otherwise metrics pair when their parameter sets are
 * identical; a parameter set with one metric on one side and several on the other pairs the one with each of the
 * several (a single reference), and one with several on both sides is ambiguous. A metric is never its own partner.
 */
function pairMetrics(as: readonly Metric[], bs: readonly Metric[]): Pairing {
  if (as.length === 1 && bs.length === 1) {
    const [a, b] = [as[0] as Metric, bs[0] as Metric];
    return a.id === b.id
      ? { pairs: [], unpaired: [], ambiguous: [] }
      : { pairs: [[a, b]], unpaired: [], ambiguous: [] };
  }
  const groups = new Map<string, { a: Metric[]; b: Metric[] }>();
  const group = (key: string) => {
    let g = groups.get(key);
    if (!g) {
      g = { a: [], b: [] };
      groups.set(key, g);
    }
    return g;
  };
  for (const m of as) group(paramKey(m)).a.push(m);
  for (const m of bs) group(paramKey(m)).b.push(m);
  const out: Pairing = { pairs: [], unpaired: [], ambiguous: [] };
  for (const { a, b } of groups.values()) {
    if (b.length === 0) for (const m of a) out.unpaired.push({ side: 'a', id: m.id });
    else if (a.length === 0) for (const m of b) out.unpaired.push({ side: 'b', id: m.id });
    else if (a.length > 1 && b.length > 1) out.ambiguous.push({ a: a.map((m) => m.id), b: b.map((m) => m.id) });
    else for (const ma of a) for (const mb of b) if (ma.id !== mb.id) out.pairs.push([ma, mb]);
  }
  return out;
}

function sameKind(a: string, b: string): boolean {
  if (a === b) return true;
  const da = dimensionOf(a);
  return da !== undefined && da === dimensionOf(b);
}

/** Up to five ids, then how many more. */
function listIds(ids: readonly string[]): string {
  return ids.slice(0, 5).join(', ') + (ids.length > 5 ? `, ... (${ids.length} in all)` : '');
}

/**
 * ratio(A, B) and diff(A, B): stat(A) / stat(B), or stat(A) − stat(B) in A's unit, for every pair of metrics
 * from A and B (see pairMetrics). Every pair must pass; metrics left without a partner are named in the detail.
 */
function evaluateRelative(
  index: number,
  config: CriterionConfig,
  parsed: ParsedCriterion,
  selector: RelativeSelector,
  metrics: readonly Metric[],
): Outcome {
  const { kind, pattern, other } = selector;
  const as = metrics.filter((m) => selectorMatches(pattern, m.id));
  const bs = metrics.filter((m) => selectorMatches(other, m.id));
  const evidence = (pairs: RelativePair[], pairing: Omit<Pairing, 'pairs'>): RelativeEvidence => ({
    kind,
    stat: parsed.stat,
    pairs,
    unpaired: pairing.unpaired,
    ambiguous: pairing.ambiguous,
  });
  if (as.length === 0 || bs.length === 0) {
    const why = [
      ...(as.length === 0 ? [`A: ${nothingMatched(pattern, metrics)}`] : []),
      ...(bs.length === 0 ? [`B: ${nothingMatched(other, metrics)}`] : []),
    ];
    const unpaired = [
      ...as.map((m) => ({ side: 'a' as const, id: m.id })),
      ...bs.map((m) => ({ side: 'b' as const, id: m.id })),
    ];
    return { status: 'missing', detail: why.join('; '), relative: evidence([], { unpaired, ambiguous: [] }) };
  }
  const pairing = pairMetrics(as, bs);
  // Units first, so a criterion that cannot work is reported whatever the measurements say.
  const limits = pairing.pairs.map(([a, b]) => {
    if (parsed.stat !== 'n' && !sameKind(a.unit, b.unit)) {
      const column = selector.columns[1];
      configProblem(
        index,
        config,
        `column ${column}: ${kind}(A, B) needs A and B of the same kind, but ${a.id} is measured in ` +
          `${unitName(a.unit)} and ${b.id} in ${unitName(b.unit)}\n${pointAt(config.expect, column)}`,
      );
    }
    return kind === 'diff' ? thresholdFor(index, config, parsed, a) : parsed.value.value;
  });
  const pairs: RelativePair[] = [];
  const checks = pairing.pairs.map(([a, b], i): Check => {
    const { check, pair } = checkPair(kind, parsed, a, b, limits[i] as number);
    pairs.push(pair);
    return check;
  });
  for (const group of pairing.ambiguous) {
    checks.push({
      status: 'missing',
      margin: 0,
      text:
        `ambiguous pairs: A picks ${listIds(group.a)} and B picks ${listIds(group.b)}, all with the same ` +
        'parameters; narrow A or B so that one side has one metric per parameter set',
    });
  }
  const relative = evidence(pairs, pairing);
  if (checks.length === 0) {
    const same = as.length === 1 && bs.length === 1 && as[0]?.id === bs[0]?.id;
    return {
      status: 'missing',
      detail: same
        ? `A and B both pick ${as[0]?.id}; ${kind}(A, B) compares two different metrics`
        : `no metric of A has the parameters of a metric of B (A: ${listIds(as.map((m) => m.id))}; B: ${listIds(bs.map((m) => m.id))})`,
      relative,
    };
  }
  const outcome = aggregate(checks, 'pairs');
  const alone = pairing.unpaired.map((u) => `${u.id} (${u.side === 'a' ? 'A' : 'B'})`);
  const note = alone.length > 0 ? `; without a partner: ${listIds(alone)}` : '';
  return { ...outcome, detail: `${outcome.detail ?? ''}${note}`, relative };
}

function checkPair(
  kind: RelativeKind,
  parsed: ParsedCriterion,
  a: Metric,
  b: Metric,
  limit: number,
): { check: Check; pair: RelativePair } {
  const { stat, op, valueText } = parsed;
  // n counts samples, whatever the metric measures.
  const unitOf = (m: Metric) => (stat === 'n' ? '' : m.unit);
  const unit = kind === 'ratio' ? 'x' : unitOf(a);
  const va = readStat(a, stat);
  const vb = readStat(b, stat);
  const side = (m: Metric, v: number | string): RelativeSide => ({
    id: m.id,
    ...(typeof v === 'number' ? { value: v } : {}),
    unit: unitOf(m),
  });
  const base = { a: side(a, va), b: side(b, vb), unit, limit };
  const missing = (text: string) => ({
    check: { status: 'missing' as const, margin: 0, text },
    pair: { ...base, status: 'missing' as const },
  });
  if (typeof va === 'string') return missing(va);
  if (typeof vb === 'string') return missing(vb);
  const bInA = stat === 'n' ? vb : convert(vb, b.unit, a.unit);
  const shownA = formatValue(va, unitOf(a));
  const shownB = formatValue(vb, unitOf(b));
  if (kind === 'ratio' && !(bInA > 0)) {
    return missing(`${b.id} ${stat} is ${shownB}; ratio(A, B) needs a positive B`);
  }
  const value = kind === 'ratio' ? va / bInA : va - bInA;
  const pass = compare(value, op, limit);
  const shown = kind === 'ratio' ? `${showActual(value, limit, '')}x` : showActual(value, limit, unit);
  const sign = kind === 'ratio' ? '/' : '-';
  return {
    check: {
      status: pass ? 'pass' : 'fail',
      actual: value,
      unit,
      margin: margin(value, op, limit),
      text: `${a.id} ${sign} ${b.id} ${stat} = ${shownA} ${sign} ${shownB} = ${shown} (needs ${op} ${valueText})`,
    },
    pair: { ...base, value, status: pass ? 'pass' : 'fail' },
  };
}
