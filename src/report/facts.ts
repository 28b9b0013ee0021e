// What every report says, computed once so the Markdown comment and the terminal agree on it: the headline,
// the counts, the order of the rows and how a change, its evidence and the environments are described.
// Everything here is trusted text (numbers and fixed words) or data; renderers escape whatever came from the PR,
// including the headline's parts marked as such.

import type { HistoryDocument } from '../baseline/history.ts';
import { formatPercent, percentMagnitude } from '../model/percent.ts';
import type { ResultsDocument, RunEnvironment } from '../model/results.ts';
import { formatValue, round, unitInfo } from '../model/units.ts';
import type {
  Comparison,
  ComparisonVerdict,
  CriterionResult,
  CriterionStatus,
  VerdictDocument,
} from '../model/verdict.ts';

// The renderers take these from here with the rest of what a report says.
export { formatPercent, percentMagnitude };

export interface ReportInput {
  verdict: VerdictDocument;
  head: ResultsDocument;
  base?: ResultsDocument;
  /** Config id: shown in the title, and used in the hidden sticky-comment marker. */
  configId?: string;
  /** Link to the full report (the workflow run: its summary and artifacts). */
  fullReportUrl?: string;
  /** Branch names of head and base, when known (the action: the PR's head and base refs). */
  branches?: { head?: string; base?: string };
  /** Earlier main-branch runs (the baseline's history, oldest first): each metric's trend. */
  history?: HistoryDocument;
}

export const VERDICTS: readonly ComparisonVerdict[] = [
  'regressed',
  'improved',
  'unchanged',
  'inconclusive',
  'new',
  'missing',
];

export type VerdictCounts = Record<ComparisonVerdict, number>;

export function countVerdicts(comparisons: readonly Comparison[]): VerdictCounts {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as VerdictCounts;
  for (const c of comparisons) counts[c.verdict] += 1;
  return counts;
}

/** "2 regressed · 1 improved · 12 unchanged · 1 inconclusive · 0 new · 0 missing" */
/** Only the verdicts that occur: "2 regressed · 14 unchanged". */
export function countsText(counts: VerdictCounts): string {
  const shown = VERDICTS.filter((v) => counts[v] > 0).map((v) => `${counts[v]} ${v}`);
  return shown.length > 0 ? shown.join(' · ') : 'no metrics';
}

/** Head and base commits (short) and branches, for "comparing X with Y". */
export function comparedFacts(input: ReportInput): {
  head?: string;
  headBranch?: string;
  base?: string;
  baseBranch?: string;
} {
  const short = (sha: string | undefined) => (sha ? sha.slice(0, 7) : undefined);
  const branchOf = (ref: string | undefined) => {
    const m = ref ? /^refs\/heads\/(.+)$/.exec(ref) : null;
    return m?.[1];
  };
  const head = short(input.head.git?.sha);
  const headBranch = input.branches?.head ?? branchOf(input.head.git?.ref);
  const base = short(input.verdict.baseline?.sha ?? input.base?.git?.sha);
  const baseBranch = input.branches?.base ?? branchOf(input.base?.git?.ref);
  return {
    ...(head ? { head } : {}),
    ...(headBranch ? { headBranch } : {}),
    ...(base ? { base } : {}),
    ...(baseBranch ? { baseBranch } : {}),
  };
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function hasBaseline(input: ReportInput): boolean {
  return input.verdict.baseline !== undefined || input.base !== undefined;
}

/** pass and fail are the gate's; warn is a pass with something not gated; neutral is a pass with no baseline. */
export type Tone = 'pass' | 'fail' | 'warn' | 'neutral';

/**
 * A piece of headline text: trusted words as a plain string, or text from the PR the renderer escapes (`code`
 * for metric ids and criterion expressions, `text` for labels and formatted values with their unit).
 */
export type Part = string | { code: string } | { text: string };

export interface Headline {
  status: 'pass' | 'fail';
  tone: Tone;
  /** Config id to show in the title (untrusted: the renderer escapes it); absent for the default config. */
  configId?: string;
  /** Why, in one line. */
  reason: Part[];
}

/** The headline's note when the baseline store failed: never "no baseline yet", which would hide an outage. */
export function unavailableBaselineNote(criteria: number): string {
  return criteria > 0
    ? 'Baseline unavailable (the store failed, see the warnings): regressions were not checked; criteria were.'
    : 'Baseline unavailable (the store failed, see the warnings): regressions were not checked, and no criteria are configured.';
}

export function noBaselineNote(criteria: number): string {
  return criteria > 0
    ? 'No baseline for this branch yet: regressions were not checked; criteria were.'
    : 'No baseline for this branch yet: regressions were not checked, and no criteria are configured.';
}

/** Clauses joined by `sep`: each clause a run of parts. */
function joinParts(clauses: readonly Part[][], sep = ', '): Part[] {
  return clauses.flatMap((clause, i) => (i === 0 ? clause : [sep, ...clause]));
}

/** " (first: ingest, actual 250 ms)": the first failed criterion and what it measured. */
function criterionFocus(c: CriterionResult, failed: number): Part[] {
  const label: Part = c.name ? { text: c.name } : { code: c.expect };
  const actual: Part[] = c.actual === undefined ? [] : [', actual ', { text: formatValue(c.actual, c.unit ?? '') }];
  return [failed > 1 ? ' (first: ' : ' (', label, ...actual, ')'];
}

/** " (worst: api/plan +20.0%)": the regressed metric that moved furthest, and by how much. */
function regressionFocus(regressed: readonly Comparison[]): Part[] {
  const worst = sortWorstFirst(regressed)[0];
  if (!worst) return [];
  const r = changeRatio(worst);
  const change = r === undefined ? '' : ` ${formatPercent(r - 1)}`;
  return [regressed.length > 1 ? ' (worst: ' : ' (', { code: worst.id }, `${change})`];
}

/**
 * The smallest regression an undecided row would have caught, as the size of a move in the bad direction
 * (0.12: 12% slower, or 12% less throughput); undefined when the test gave no finite bound.
 */
export function detectableFraction(c: Comparison): number | undefined {
  const d = c.evidence?.detectable;
  if (d === undefined || !Number.isFinite(d) || d < 0) return undefined;
  if (c.evidence?.scale === 'linear') {
    return c.base !== undefined && Number.isFinite(c.base) && c.base !== 0 ? d / Math.abs(c.base) : undefined;
  }
  // Log scale: a fraction of the worse-oriented ratio; for better:higher that is base/head - 1, a fall of d/(1+d).
  return c.better === 'higher' ? d / (1 + d) : d;
}

/** "3 metrics could not be decided (regressions under 12.0% would pass)". */
export function undecidedText(undecided: readonly Comparison[]): string {
  const bounds = undecided.map(detectableFraction);
  const finite = bounds.filter((b): b is number => b !== undefined);
  // No bound at all: not tested (no evidence), or an interval open on the worse side.
  const unbounded = undecided.filter((c) => !Number.isFinite(c.evidence?.detectable ?? Number.NaN)).length;
  const notes: string[] = [];
  if (finite.length > 0) notes.push(`regressions under ${percentMagnitude(Math.max(...finite))} would pass`);
  if (unbounded > 0) {
    notes.push(unbounded === undecided.length ? 'no finite bound' : `${unbounded} with no finite bound`);
  }
  const why = notes.length > 0 ? ` (${notes.join('; ')})` : '';
  return `${plural(undecided.length, 'metric')} could not be decided${why}`;
}

/** Pass or fail, and why, from the verdict (which decided) and the head results (which suites failed). */
export function headline(input: ReportInput): Headline {
  const { verdict } = input;
  const counts = countVerdicts(verdict.comparisons);
  const met = verdict.criteria.filter((c) => c.status === 'pass').length;
  const failed = verdict.criteria.filter((c) => c.status === 'fail');
  const unmatched = verdict.criteria.filter((c) => c.status === 'missing').length;
  // level: warn criteria that were missed: said, never gating.
  const warned = verdict.criteria.filter((c) => c.status === 'warn').length;
  const targets: Part[] = warned > 0 ? [`${plural(warned, 'target')} missed (warning only)`] : [];
  // Regressions a PR label accepted are said as accepted, not as problems (the rows still show them).
  const acceptedIds = new Set(verdict.accepted?.metrics ?? []);
  const regressed = verdict.comparisons.filter((c) => c.verdict === 'regressed' && !acceptedIds.has(c.id));
  const acceptedRows = verdict.comparisons.filter((c) => c.verdict === 'regressed' && acceptedIds.has(c.id));
  const undecided = verdict.comparisons.filter((c) => c.verdict === 'inconclusive');
  const brokenSuites = input.head.suites.filter((s) => !s.ok).length;
  const baseline = hasBaseline(input);
  const fail = verdict.status === 'fail';
  const unavailable = !baseline && verdict.warnings.some((w) => w.code === 'baseline-unavailable');
  // On a fail the first failed criterion and the worst regression are named: that is what a reviewer opens.
  const problems: Part[][] = [];
  const [firstFailed] = failed;
  if (firstFailed) {
    const focus = fail ? criterionFocus(firstFailed, failed.length) : [];
    problems.push([`${plural(failed.length, 'criterion', 'criteria')} failed`, ...focus]);
  }
  if (unmatched > 0) problems.push([`${plural(unmatched, 'criterion', 'criteria')} matched no metric`]);
  if (baseline && regressed.length > 0) {
    problems.push([`${plural(regressed.length, 'metric')} regressed`, ...(fail ? regressionFocus(regressed) : [])]);
  }
  if (brokenSuites > 0) problems.push([`${plural(brokenSuites, 'suite')} failed`]);
  const acceptance: Part[] = [];
  if (verdict.accepted && acceptedRows.length > 0) {
    acceptance.push(
      `${plural(acceptedRows.length, 'regression')} accepted`,
      ...(verdict.accepted.by ? [' by @', { text: verdict.accepted.by }] : []),
      ' (label ',
      { code: verdict.accepted.label },
      ')',
    );
  }

  let reason: Part[];
  let tone: Tone;
  if (fail) {
    tone = 'fail';
    reason = problems.length > 0 ? joinParts(problems) : ['see the details below'];
    if (acceptance.length > 0) reason.push('; ', ...acceptance);
    if (targets.length > 0) reason.push('; ', ...targets);
  } else {
    // A pass can still carry problems when the config does not gate on them (fail-on: []): say so.
    tone =
      problems.length > 0 || unavailable || acceptance.length > 0 || warned > 0
        ? 'warn'
        : baseline
          ? 'pass'
          : 'neutral';
    const clauses: Part[][] = [];
    if (met > 0) clauses.push([`${plural(met, 'criterion', 'criteria')} met`]);
    else if (verdict.criteria.length === 0) clauses.push(['no criteria']);
    if (problems.length > 0) clauses.push([...joinParts(problems), ' (not gating)']);
    if (acceptance.length > 0) clauses.push(acceptance);
    if (targets.length > 0) clauses.push(targets);
    // Never a bare "no regressions" when some metrics could not be judged: say how large a change could hide.
    const someUndecided = baseline && undecided.length > 0;
    if (someUndecided) clauses.push([undecidedText(undecided)]);
    if (baseline && problems.length === 0 && acceptance.length === 0) {
      if (!someUndecided) clauses.push(['no regressions']);
      else if (undecided.length < verdict.comparisons.length) clauses.push(['no regressions in the rest']);
    }
    reason = joinParts(clauses);
    if (baseline) {
      // Undecided rows have their own clause above.
      const others = (['improved', 'unchanged', 'new', 'missing'] as const)
        .filter((v) => counts[v] > 0)
        .map((v) => `${counts[v]} ${v}`);
      if (others.length > 0) reason.push(` (${others.join(', ')})`);
    }
  }
  if (!baseline)
    reason.push(
      `. ${unavailable ? unavailableBaselineNote(verdict.criteria.length) : noBaselineNote(verdict.criteria.length)}`,
    );
  const shownId = input.configId && input.configId !== 'default' ? input.configId : undefined;
  return { status: verdict.status, tone, reason, ...(shownId ? { configId: shownId } : {}) };
}

export function statusWord(status: 'pass' | 'fail'): string {
  return status === 'pass' ? 'passed' : 'failed';
}

// ---- Comparisons -------------------------------------------------------------------------------------------

/** The head/base ratio: the verdict's (a robust estimate) when it has one, else the plain quotient. */
export function changeRatio(c: Comparison): number | undefined {
  if (c.ratio !== undefined && Number.isFinite(c.ratio)) return c.ratio;
  if (c.base !== undefined && c.head !== undefined && c.base > 0 && c.head >= 0) return c.head / c.base;
  return undefined;
}

/** How far the change went in the bad direction, in log space (symmetric for halving and doubling). */
export function badness(c: Comparison): number {
  const r = changeRatio(c);
  if (r === undefined || r < 0) return 0;
  // A throughput that fell to zero is the worst change there is; a time that fell to zero the best.
  if (r === 0) return c.better === 'higher' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  const l = Math.log(r);
  // For better:higher (throughput) a decrease is the bad direction.
  return c.better === 'lower' ? l : -l;
}

// Worst first: what needs attention, then what could not be decided, then good news and bookkeeping.
const GROUP: Record<ComparisonVerdict, number> = {
  regressed: 0,
  inconclusive: 1,
  improved: 2,
  missing: 3,
  new: 4,
  unchanged: 5,
};

export function sortWorstFirst(comparisons: readonly Comparison[]): Comparison[] {
  const score = (c: Comparison) => (c.verdict === 'improved' ? -badness(c) : badness(c));
  return [...comparisons].sort(
    (a, b) => GROUP[a.verdict] - GROUP[b.verdict] || score(b) - score(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** At most this many pairs of a ratio(A, B) or diff(A, B) criterion are listed under its row. */
export const PAIRS_SHOWN = 20;

export interface PairLines {
  /** One line per pair, worst status first, in the criterion's order otherwise. Untrusted ids: escape them. */
  lines: Array<{ status: CriterionStatus; text: string }>;
  /** Pairs beyond PAIRS_SHOWN, left out. */
  more: number;
}

/**
 * Every pair of a ratio(A, B) or diff(A, B) criterion with two or more pairs, as "A / B: a / b = r": the detail
 * names only the worst one. Undefined for other criteria (and for a single pair, which the detail already shows).
 */
export function relativePairLines(c: CriterionResult): PairLines | undefined {
  const r = c.relative;
  if (!r || r.pairs.length < 2) return undefined;
  const sign = r.kind === 'ratio' ? '/' : '-';
  const rank: Record<CriterionStatus, number> = { fail: 0, missing: 1, warn: 2, pass: 3 };
  const sorted = r.pairs.map((p, i) => ({ p, i })).sort((x, y) => rank[x.p.status] - rank[y.p.status] || x.i - y.i);
  const lines = sorted.slice(0, PAIRS_SHOWN).map(({ p }) => {
    const names = `${p.a.id} ${sign} ${p.b.id}`;
    if (p.a.value === undefined || p.b.value === undefined) return { status: p.status, text: `${names}: no ${r.stat}` };
    const values = `${formatValue(p.a.value, p.a.unit)} ${sign} ${formatValue(p.b.value, p.b.unit)}`;
    if (p.value === undefined) return { status: p.status, text: `${names}: ${values}` };
    const result = r.kind === 'ratio' ? `${round(p.value)}x` : formatValue(p.value, p.unit);
    return { status: p.status, text: `${names}: ${values} = ${result}` };
  });
  return { lines, more: r.pairs.length - lines.length };
}

/** "+7.1% [+4.2%, +10.3%]": the change (ratio - 1) and its interval; "—" when there is nothing to compare. */
export function formatChange(c: Comparison): string {
  const r = changeRatio(c);
  if (r === undefined) return '—';
  const point = formatPercent(r - 1);
  return c.ci ? `${point} [${formatPercent(c.ci[0] - 1)}, ${formatPercent(c.ci[1] - 1)}]` : point;
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'p=n/a';
  return p < 0.001 ? 'p<0.001' : `p=${Number(p.toPrecision(2))}`;
}

/**
 * A quantity in the metric's unit, as trusted text: with the unit only when it is one perf-action knows and
 * made of plain characters (formatValue then writes a fixed suffix), else the bare number.
 */
function quantity(v: number, unit: string, signed: boolean): string {
  const known = unitInfo(unit) !== undefined && /^[A-Za-z%/µ]*$/.test(unit);
  const text = known ? formatValue(Math.abs(v), unit) : round(Math.abs(v));
  return signed ? `${v < 0 ? '-' : '+'}${text}` : text;
}

/** A level of significance: "0.00083", "1.2e-7". */
function formatAlpha(a: number): string {
  return String(Number(a.toPrecision(2)));
}

/** "would catch ≥ +12.0%": the smallest regression the test would have called, in the metric's own direction. */
function detectableText(c: Comparison): string | undefined {
  const e = c.evidence;
  const d = e?.detectable;
  if (!e || d === undefined || !Number.isFinite(d)) return undefined;
  const lower = c.better === 'lower';
  if (e.scale === 'linear') return `would catch ${lower ? '≥' : '≤'} ${quantity(lower ? d : -d, c.unit, true)}`;
  // Worse-oriented ratio 1 + d: head/base = 1 + d for times, 1 / (1 + d) for throughputs.
  return lower ? `would catch ≥ ${formatPercent(d)}` : `would catch ≤ ${formatPercent(1 / (1 + d) - 1)}`;
}

/**
 * What the decision rests on, from the comparison's evidence alone: "history: 8 runs, sd ±2.1%, t df 11,
 * α 0.0005 (BH of 20, 3 looks)", "rank: n=5/10, 2 head runs", "threshold 25% (no history)", "exact",
 * "paired: 20 pairs"; then "unconfirmed: …" and, when undecided, "would catch ≥ +12.0%". Trusted text.
 */
export function evidenceText(c: Comparison): string {
  const e = c.evidence;
  if (!e) return c.verdict === 'inconclusive' ? 'not tested' : '';
  const parts: string[] = [];
  const runs = e.headRuns > 1 ? plural(e.headRuns, 'head run') : undefined;
  const level = (): string | undefined => {
    if (e.alpha === undefined || !Number.isFinite(e.alpha)) return undefined;
    const f = e.family;
    const family = f && (f.size > 1 || f.looks > 1) ? [`BH of ${f.size}`] : [];
    if (f && f.looks > 1) family.push(plural(f.looks, 'look'));
    return `α ${formatAlpha(e.alpha)}${family.length > 0 ? ` (${family.join(', ')})` : ''}`;
  };
  switch (e.test) {
    case 'history': {
      parts.push(`history: ${plural(e.historyRuns ?? e.nBase, 'run')}`);
      if (e.sd !== undefined && Number.isFinite(e.sd)) {
        // Log scale: one sd up as a ratio; linear: in the unit.
        parts.push(`sd ±${e.scale === 'log' ? percentMagnitude(Math.expm1(e.sd)) : quantity(e.sd, c.unit, false)}`);
      }
      if (e.df !== undefined && Number.isFinite(e.df)) parts.push(`t df ${round(e.df)}`);
      if (e.covariate !== undefined && Number.isFinite(e.covariate)) parts.push(`ref slope ${round(e.covariate)}`);
      if (e.slowSpell) parts.push('a slow-spell run left out');
      if (runs) parts.push(runs);
      break;
    }
    case 'rank':
      parts.push(`rank: n=${e.nBase}/${e.nHead}`);
      if (runs) parts.push(runs);
      break;
    case 'threshold': {
      const t = e.threshold === undefined ? '' : ` ${round(e.threshold * 100)}%`;
      parts.push(`threshold${t} (no history)`);
      if (runs) parts.push(runs);
      break;
    }
    case 'exact':
      parts.push('exact');
      break;
    case 'paired':
      parts.push(`paired: ${plural(e.nHead, 'pair')}`);
      break;
  }
  const alpha = e.test === 'exact' || e.test === 'threshold' ? undefined : level();
  if (alpha) parts.push(alpha);
  if (e.unconfirmed) parts.push('unconfirmed: not beyond min-effect in every run');
  if (c.verdict === 'inconclusive') parts.push(detectableText(c) ?? 'no finite bound');
  return parts.join(', ');
}

// ---- Environments ------------------------------------------------------------------------------------------

/** What differs between the baseline's machine and this run's: the usual cause of a change that is not code. */
export function envDifferences(
  base: RunEnvironment,
  head: RunEnvironment,
): Array<{ field: string; base: string; head: string }> {
  const fields: Array<[string, keyof RunEnvironment]> = [
    ['OS', 'os'],
    ['arch', 'arch'],
    ['CPU', 'cpu'],
    ['cores', 'cores'],
    ['Node', 'node'],
  ];
  return fields
    .filter(([, k]) => String(base[k] ?? '') !== String(head[k] ?? ''))
    .map(([field, k]) => ({ field, base: String(base[k] ?? '?'), head: String(head[k] ?? '?') }));
}

function span(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes < 1) return 'under a minute';
  if (minutes < 90) return plural(Math.round(minutes), 'minute');
  const hours = minutes / 60;
  if (hours < 48) return plural(Math.round(hours), 'hour');
  return plural(Math.round(hours / 24), 'day');
}

/** "2 days before this run"; undefined when either date does not parse. Relative to the head, so pure. */
export function describeAge(baseCreatedAt: string, headCreatedAt: string): string | undefined {
  const b = Date.parse(baseCreatedAt);
  const h = Date.parse(headCreatedAt);
  if (!Number.isFinite(b) || !Number.isFinite(h)) return undefined;
  return h >= b ? `${span(h - b)} before this run` : `${span(b - h)} after this run`;
}

export interface BaselineFacts {
  sha?: string;
  createdAt?: string;
  age?: string;
  source?: string;
}

export function baselineFacts(input: ReportInput): BaselineFacts | undefined {
  if (!hasBaseline(input)) return undefined;
  const b = input.verdict.baseline;
  const sha = b?.sha ?? input.base?.git?.sha;
  const createdAt = b?.createdAt ?? input.base?.createdAt;
  const age = createdAt ? describeAge(createdAt, input.head.createdAt) : undefined;
  return {
    ...(sha ? { sha: sha.slice(0, 7) } : {}),
    ...(createdAt ? { createdAt } : {}),
    ...(age ? { age } : {}),
    ...(b?.source ? { source: b.source } : {}),
  };
}
