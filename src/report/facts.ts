// What every report says, computed once so the Markdown comment and the terminal agree on it: the headline,
// the counts, the order of the rows and how a change, its evidence and the environments are described.
// Everything here is trusted text (numbers and fixed words); renderers escape whatever came from the PR.

import type { Metric, ResultsDocument, RunEnvironment } from '../model/results.ts';
import type { Comparison, ComparisonVerdict, VerdictDocument } from '../model/verdict.ts';

/** Extra evidence for one comparison, when the comparison step has it. */
export interface ComparisonDetail {
  /** Replicates on each side. */
  nBase?: number;
  nHead?: number;
  /** Replicates per side that would be needed to decide (for inconclusive results). */
  needed?: number;
  /** Relative half-width of the noise band, e.g. 0.03 for ±3%. */
  noise?: number;
  /** Run-to-run noise from the baseline's history: runs it rests on and the band two runs differ by. */
  history?: { runs: number; band: number };
  /** The run-to-run band is wider than min-effect: changes of min-effect cannot be told from noise. */
  unreliable?: boolean;
  /** Which level of each run was compared: the median replicate, or the best one against the history. */
  level?: 'median' | 'best';
  /** The baseline run's machine-wide speed against its history's usual (1.04: 4% slow), its level moved to the usual. */
  anchor?: number;
  /**
   * In the baseline run the metric sat off its usual level (1.15: 15% slower than usual): compared with both
   * that run and the usual level.
   */
  usual?: number;
  /** The head's suite ran the reference workload this much slower than the baseline's (1.05), its values scaled. */
  reference?: number;
  /** A regression checked by running its suite again: that run's change and whether it repeated. */
  recheck?: { ratio?: number; confirmed: boolean };
}

export interface ReportInput {
  verdict: VerdictDocument;
  head: ResultsDocument;
  base?: ResultsDocument;
  /** Config id: shown in the title, and used in the hidden sticky-comment marker. */
  configId?: string;
  /** Optional extra evidence per comparison id (n per side, replicates needed to decide, noise band). */
  details?: Record<string, ComparisonDetail>;
  /** Link to the full report (job summary / artifact) used when the comment is cut to fit. */
  fullReportUrl?: string;
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
export function countsText(counts: VerdictCounts): string {
  return VERDICTS.map((v) => `${counts[v]} ${v}`).join(' · ');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function hasBaseline(input: ReportInput): boolean {
  return input.verdict.baseline !== undefined || input.base !== undefined;
}

/** pass and fail are the gate's; warn is a pass with something not gated; neutral is a pass with no baseline. */
export type Tone = 'pass' | 'fail' | 'warn' | 'neutral';

export interface Headline {
  status: 'pass' | 'fail';
  tone: Tone;
  /** Config id to show in the title (untrusted: the renderer escapes it); absent for the default config. */
  configId?: string;
  /** Why, in one line of trusted text. */
  reason: string;
}

export function noBaselineNote(criteria: number): string {
  return criteria > 0
    ? 'No baseline for this branch yet: regressions were not checked; criteria were.'
    : 'No baseline for this branch yet: regressions were not checked, and no criteria are configured.';
}

/** Pass or fail, and why, from the verdict (which decided) and the head results (which suites failed). */
export function headline(input: ReportInput): Headline {
  const { verdict } = input;
  const counts = countVerdicts(verdict.comparisons);
  const met = verdict.criteria.filter((c) => c.status === 'pass').length;
  const failed = verdict.criteria.filter((c) => c.status === 'fail').length;
  const unmatched = verdict.criteria.filter((c) => c.status === 'missing').length;
  const brokenSuites = input.head.suites.filter((s) => !s.ok).length;
  const baseline = hasBaseline(input);
  const problems: string[] = [];
  if (failed > 0) problems.push(`${plural(failed, 'criterion', 'criteria')} failed`);
  if (unmatched > 0) problems.push(`${plural(unmatched, 'criterion', 'criteria')} matched no metric`);
  if (baseline && counts.regressed > 0) problems.push(`${plural(counts.regressed, 'metric')} regressed`);
  if (brokenSuites > 0) problems.push(`${plural(brokenSuites, 'suite')} failed`);

  let reason: string;
  let tone: Tone;
  if (verdict.status === 'fail') {
    tone = 'fail';
    reason = problems.length > 0 ? problems.join(', ') : 'see the details below';
  } else {
    // A pass can still carry problems when the config does not gate on them (fail-on: []): say so.
    tone = problems.length > 0 ? 'warn' : baseline ? 'pass' : 'neutral';
    const parts: string[] = [];
    if (met > 0) parts.push(`${plural(met, 'criterion', 'criteria')} met`);
    else if (verdict.criteria.length === 0) parts.push('no criteria');
    if (problems.length > 0) parts.push(`${problems.join(', ')} (not gating)`);
    else if (baseline) parts.push('no regressions');
    reason = parts.join(', ');
    if (baseline) {
      const others = (['improved', 'unchanged', 'inconclusive', 'new', 'missing'] as const)
        .filter((v) => counts[v] > 0)
        .map((v) => `${counts[v]} ${v}`);
      if (others.length > 0) reason += ` (${others.join(', ')})`;
    }
  }
  if (!baseline) reason += `. ${noBaselineNote(verdict.criteria.length)}`;
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

/** A relative change: "+7.1%", "-12.0%", "+250%", "0.0%". */
export function formatPercent(fraction: number): string {
  if (Number.isNaN(fraction)) return 'n/a';
  if (!Number.isFinite(fraction)) return fraction > 0 ? '+∞%' : '-∞%';
  const pct = fraction * 100;
  const abs = Math.abs(pct);
  const text = abs >= 100 ? String(Math.round(abs)) : abs.toFixed(1);
  if (Number(text) === 0) return '0.0%';
  return `${pct < 0 ? '-' : '+'}${text}%`;
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

export interface MetricIndex {
  base: Map<string, Metric>;
  head: Map<string, Metric>;
}

export function indexMetrics(input: ReportInput): MetricIndex {
  const index = (doc?: ResultsDocument) => new Map((doc?.suites ?? []).flatMap((s) => s.metrics).map((m) => [m.id, m]));
  return { base: index(input.base), head: index(input.head) };
}

/**
 * "p=0.003, n=10/10, noise ±3.0%, needs ~24 runs": what the decision rests on; with the baseline's history,
 * "between runs ±2.1% (10 runs)", led by "unreliable:" when that band is wider than min-effect, and "best
 * replicate" when the runs were compared by their best replicate (compare/level.ts).
 */
export function evidenceText(c: Comparison, input: ReportInput, metrics: MetricIndex): string {
  const d = input.details?.[c.id];
  const parts: string[] = [];
  if (c.p !== undefined) parts.push(formatP(c.p));
  const nBase = d?.nBase ?? metrics.base.get(c.id)?.stats.n;
  const nHead = d?.nHead ?? metrics.head.get(c.id)?.stats.n;
  if (nBase !== undefined || nHead !== undefined) parts.push(`n=${nBase ?? '–'}/${nHead ?? '–'}`);
  // Base, head and change are then those of each run's best replicate, judged against the history alone.
  if (d?.level === 'best') parts.push('best replicate');
  // The baseline taken at its history's usual machine level (compare.ts; a warning says why, once).
  if (d?.anchor !== undefined && Number.isFinite(d.anchor) && d.anchor > 0) {
    parts.push(`base moved ${formatPercent((c.better === 'higher' ? d.anchor : 1 / d.anchor) - 1)}`);
  }
  // The baseline run off the metric's usual level: compared with both (compare.ts offUsual).
  if (d?.usual !== undefined && Number.isFinite(d.usual) && d.usual > 0) {
    parts.push(`base ${formatPercent((c.better === 'higher' ? 1 / d.usual : d.usual) - 1)} vs its usual`);
  }
  // The head taken at the baseline's machine speed by its suite's reference workload (compare/reference.ts).
  if (d?.reference !== undefined && Number.isFinite(d.reference) && d.reference > 0) {
    parts.push(`head scaled ${formatPercent((c.better === 'higher' ? d.reference : 1 / d.reference) - 1)} (reference)`);
  }
  if (d?.noise !== undefined && Number.isFinite(d.noise)) parts.push(`noise ±${Math.abs(d.noise * 100).toFixed(1)}%`);
  if (d?.history && Number.isFinite(d.history.band)) {
    parts.push(`between runs ±${(d.history.band * 100).toFixed(1)}% (${plural(d.history.runs, 'run')})`);
  }
  if (d?.recheck) {
    const r = d.recheck.ratio;
    const change = r === undefined ? 'not measured' : formatPercent(r - 1);
    parts.push(
      d.recheck.confirmed ? `confirmed by a second run (${change})` : `not repeated in a second run (${change})`,
    );
  }
  if (d?.unreliable) parts.unshift('unreliable');
  if (d?.needed !== undefined && c.verdict === 'inconclusive') parts.push(`needs ~${Math.ceil(d.needed)} runs`);
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
