// The Markdown report: the sticky PR comment and the job summary. Reviewers read the first two lines, so the
// headline says pass or fail and why; the tables below hold the evidence, worst first.

import { speedRatio } from '../compare/environment.ts';
import { formatValue } from '../model/units.ts';
import type {
  Comparison,
  ComparisonVerdict,
  CriterionResult,
  CriterionStatus,
  VerdictWarning,
} from '../model/verdict.ts';
import { codeMarkdown, escapeMarkdown, reportMarker } from './escape.ts';
import {
  baselineFacts,
  comparedFacts,
  countsText,
  countVerdicts,
  envDifferences,
  evidenceText,
  formatChange,
  formatPercent,
  type Headline,
  hasBaseline,
  headline,
  type Part,
  plural,
  type ReportInput,
  relativePairLines,
  sortWorstFirst,
  statusWord,
  type Tone,
} from './facts.ts';
import { mermaidBlock, trendCharts } from './mermaid.ts';

export interface MarkdownOptions {
  /** Cut the report to at most this many characters (a PR comment holds 65,536). */
  maxLength?: number;
  /** Mermaid trend charts of the changed metrics over the baseline history (input.history). */
  charts?: boolean;
}

const TONE_ICON: Record<Tone, string> = { pass: '✅', fail: '❌', warn: '⚠️', neutral: 'ℹ️' };
const CRITERION_MARK: Record<CriterionStatus, string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  missing: '⚠️ missing',
};
const VERDICT_MARK: Record<ComparisonVerdict, string> = {
  regressed: '🔴 regressed',
  improved: '🟢 improved',
  unchanged: '⚪ unchanged',
  inconclusive: '🟡 inconclusive',
  new: '🆕 new',
  missing: '⚫ missing',
};
const DELTA_HEADER = '| Metric | Base | Head | Change [CI] | Evidence | Verdict |\n|:--|--:|--:|--:|:--|:--|';
const CRITERIA_HEADER = '| | Criterion | Expectation | Actual | Detail |\n|:-:|:--|:--|--:|:--|';

/** Trusted parts as they are; metric ids and criterion expressions as code, other PR text escaped. */
function partsMarkdown(parts: readonly Part[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? p : 'code' in p ? codeMarkdown(p.code, 100) : escapeMarkdown(p.text, 100)))
    .join('');
}

export function headlineMarkdown(h: Headline): string {
  const title = `perf-action${h.configId ? ` (${escapeMarkdown(h.configId, 60)})` : ''}: ${statusWord(h.status)}`;
  return `${TONE_ICON[h.tone]} **${title}** — ${partsMarkdown(h.reason)}`;
}

function value(v: number | undefined, unit: string): string {
  // The unit can come from an ingested tool's output: escape the formatted value like any untrusted text.
  return v === undefined ? '—' : escapeMarkdown(formatValue(v, unit), 60);
}

function criterionRow(c: CriterionResult): string {
  const actual = c.actual === undefined ? '—' : value(c.actual, c.unit ?? '');
  const cells = [CRITERION_MARK[c.status], escapeMarkdown(c.name ?? ''), codeMarkdown(c.expect), actual];
  // ratio(A, B) and diff(A, B): every pair on its own line of the cell, under the detail.
  const pairs = relativePairLines(c);
  const lines = [escapeMarkdown(c.detail ?? '')];
  for (const p of pairs?.lines ?? []) lines.push(`${CRITERION_MARK[p.status]} ${escapeMarkdown(p.text, 200)}`);
  if (pairs && pairs.more > 0) lines.push(`… ${plural(pairs.more, 'more pair')}`);
  return `| ${cells.join(' | ')} | ${lines.filter((l) => l !== '').join('<br>')} |`;
}

function deltaRow(c: Comparison, evidence: string, accepted = false): string {
  const cells = [codeMarkdown(c.id), value(c.base, c.unit), value(c.head, c.unit), formatChange(c), evidence];
  return `| ${cells.join(' | ')} | ${VERDICT_MARK[c.verdict]}${accepted ? ' (accepted)' : ''} |`;
}

/** Everything but the delta rows is rendered once; the rows are cut to fit when the report is too long. */
interface Prepared {
  marker: string;
  top: string;
  middle: string[];
  warnings?: string;
  footer: string;
  listed: string[];
  /** Rows the run could not decide: folded, as they need no action from a reviewer. */
  inconclusive: string[];
  unchanged: string[];
  fullReportUrl?: string;
  charts?: string;
}

function chartsBlock(input: ReportInput): string | undefined {
  const charts = trendCharts(input.verdict.comparisons, input.history);
  if (charts.length === 0) return undefined;
  const parts = charts.map(
    (c, i) => `${codeMarkdown(c.id)} (${escapeMarkdown(c.unit, 20)})\n\n${mermaidBlock(c, i + 1)}`,
  );
  return `#### Trend\n\n${parts.join('\n\n')}`;
}

function prepare(input: ReportInput, opts: MarkdownOptions = {}): Prepared {
  const { verdict } = input;
  const counts = countVerdicts(verdict.comparisons);
  const countsLine = hasBaseline(input)
    ? `**Metrics:** ${countsText(counts)}`
    : `**Metrics:** ${plural(verdict.comparisons.length, 'metric')} measured, no baseline to compare with`;
  const middle: string[] = [];
  const broken = input.head.suites.filter((s) => !s.ok);
  if (broken.length > 0) {
    const items = broken.map(
      (s) =>
        `- ❌ **${escapeMarkdown(s.name, 100)}** (${escapeMarkdown(s.kind, 40)}): ${escapeMarkdown(s.error ?? 'no error message', 500)}`,
    );
    middle.push(`#### Failed suites\n\n${items.join('\n')}`);
  }
  if (verdict.criteria.length > 0) {
    middle.push(`#### Criteria\n\n${CRITERIA_HEADER}\n${verdict.criteria.map(criterionRow).join('\n')}`);
  }
  const sorted = sortWorstFirst(verdict.comparisons);
  const accepted = new Set(verdict.accepted?.metrics ?? []);
  const row = (c: Comparison) => deltaRow(c, evidenceText(c), c.verdict === 'regressed' && accepted.has(c.id));
  const url = safeUrl(input.fullReportUrl);
  const compared = comparingLine(input, url);
  const charts = opts.charts ? chartsBlock(input) : undefined;
  return {
    marker: reportMarker(input.configId),
    top: `${headlineMarkdown(headline(input))}\n\n${compared ? `${compared}<br>\n` : ''}${countsLine}`,
    middle,
    ...(verdict.warnings.length > 0 ? { warnings: warningsBlock(verdict.warnings) } : {}),
    footer: footer(input),
    listed: sorted.filter((c) => c.verdict !== 'unchanged' && c.verdict !== 'inconclusive').map(row),
    inconclusive: sorted.filter((c) => c.verdict === 'inconclusive').map(row),
    unchanged: sorted.filter((c) => c.verdict === 'unchanged').map(row),
    ...(url ? { fullReportUrl: url } : {}),
    ...(charts ? { charts } : {}),
  };
}

/** "Comparing `b1c2d3e` (feature) with `a1b2c3d` (main) · workflow run": what the comment is about, as it is rewritten on every push. */
function comparingLine(input: ReportInput, url: string | undefined): string | undefined {
  const f = comparedFacts(input);
  const side = (sha: string | undefined, branch: string | undefined) =>
    [sha ? codeMarkdown(sha) : undefined, branch ? `(${escapeMarkdown(branch, 80)})` : undefined]
      .filter((x) => x !== undefined)
      .join(' ');
  const head = side(f.head, f.headBranch);
  const base = side(f.base, f.baseBranch);
  const parts: string[] = [];
  if (head) parts.push(base ? `Comparing ${head} with ${base}` : `Measured ${head}`);
  if (url) parts.push(`[workflow run, full report and HTML report](${url})`);
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** Metric ids a warning names, shown after its message: a few, then how many more. */
const NAMED = 5;

function warningItem(w: VerdictWarning): string {
  // The message can quote suite names, metric ids and error text from the PR: escaped like any untrusted text.
  const names = w.metrics ?? [];
  const shown = names.slice(0, NAMED).map((id) => codeMarkdown(id, 100));
  if (names.length > NAMED) shown.push(`${names.length - NAMED} more`);
  return `- ${escapeMarkdown(w.message, 300)}${shown.length > 0 ? `: ${shown.join(', ')}` : ''}`;
}

/** Folded, with the count in view: the headline and tables carry the decision, warnings are context. */
function warningsBlock(warnings: readonly VerdictWarning[]): string {
  const items = warnings.map(warningItem).join('\n');
  // Blank lines around the list: GitHub renders Markdown inside <details> only when it is set apart.
  return `#### Warnings\n\n<details><summary>${plural(warnings.length, 'warning')}</summary>\n\n${items}\n\n</details>`;
}

function footer(input: ReportInput): string {
  const e = input.head.env;
  const esc = (s: string) => escapeMarkdown(s, 80);
  const env = [`${esc(e.os)}/${esc(e.arch)}`, esc(e.cpu), plural(e.cores, 'core'), `Node ${esc(e.node)}`];
  if (e.runner) env.push(`runner ${esc(e.runner)}`);
  const speed = input.base ? speedRatio(input.base.env, e) : undefined;
  if (speed !== undefined) env.push(`speed probe ${formatPercent(speed - 1)} vs baseline`);
  const lines = [`<sub>Head: ${env.join(' · ')}</sub>`];
  const b = baselineFacts(input);
  if (b) {
    const when = b.createdAt ? `${esc(b.createdAt)}${b.age ? ` (${b.age})` : ''}` : undefined;
    const parts = [b.sha ? esc(b.sha) : 'unknown commit', when, b.source ? `from ${esc(b.source)}` : undefined];
    lines.push(`<sub>Baseline: ${parts.filter((p) => p !== undefined).join(' · ')}</sub>`);
  } else {
    lines.push('<sub>Baseline: none</sub>');
  }
  let text = lines.join('<br>\n');
  const diffs = input.base ? envDifferences(input.base.env, e) : [];
  if (diffs.length > 0) {
    const what = diffs.map((d) => `${d.field}: ${esc(d.base)} → ${esc(d.head)}`).join('; ');
    text += `\n\n> ⚠️ The baseline ran on a different machine (${what}): part of any change may come from that, not from the code.`;
  }
  return text;
}

/** Only plain http(s) links: the URL is ours, but a link target must never be able to break the Markdown. */
function safeUrl(url: string | undefined): string | undefined {
  return url && url.length <= 2000 && /^https?:\/\/[^\s<>()[\]`"'\\]+$/.test(url) ? url : undefined;
}

function pointerLine(p: Prepared, hidden?: { rows: number; total: number }): string {
  const what = hidden ? `${hidden.rows} of ${plural(hidden.total, 'metric row')} are not shown` : 'parts are not shown';
  const where = p.fullReportUrl
    ? `[See the full report](${p.fullReportUrl}).`
    : 'See the job summary for the full report.';
  return `✂️ This report was cut to fit: ${what}. ${where}`;
}

/** The report with the first `shown` delta rows (worst first, unchanged last); a pointer line when cut. */
function compose(p: Prepared, shown: number, cut: boolean): string {
  const total = p.listed.length + p.inconclusive.length + p.unchanged.length;
  const listed = Math.min(shown, p.listed.length);
  const inconclusive = Math.min(Math.max(0, shown - p.listed.length), p.inconclusive.length);
  const unchanged = Math.min(Math.max(0, shown - p.listed.length - p.inconclusive.length), p.unchanged.length);
  const delta: string[] = [];
  if (listed > 0) delta.push(`${DELTA_HEADER}\n${p.listed.slice(0, listed).join('\n')}`);
  const folded = (rows: string[], n: number, what: string) => {
    const partial = n < rows.length ? ` (${n} shown)` : '';
    const table = `${DELTA_HEADER}\n${rows.slice(0, n).join('\n')}`;
    // Blank lines around the table: GitHub renders Markdown inside <details> only when it is set apart.
    return `<details><summary>${rows.length} ${what}${partial}</summary>\n\n${table}\n\n</details>`;
  };
  if (inconclusive > 0) delta.push(folded(p.inconclusive, inconclusive, 'inconclusive'));
  if (unchanged > 0) delta.push(folded(p.unchanged, unchanged, 'unchanged'));
  if (shown < total) delta.push(`_${plural(total - shown, 'more metric')} not shown here._`);
  const blocks = [`${p.marker}\n${p.top}`, ...p.middle];
  if (total > 0) blocks.push(`#### Metrics\n\n${delta.join('\n\n')}`);
  if (p.charts) blocks.push(p.charts);
  if (p.warnings) blocks.push(p.warnings);
  blocks.push(p.footer);
  if (cut) blocks.push(pointerLine(p, { rows: total - shown, total }));
  return `${blocks.join('\n\n')}\n`;
}

/** Last resort when even the report without delta rows is too long: cut at a line and point to the rest. */
function hardCut(p: Prepared, max: number): string {
  const pointer = pointerLine(p);
  const first = `${p.marker}\n${p.top.split('\n')[0] ?? ''}`;
  if (max < p.marker.length + 1) throw new RangeError(`maxLength ${max} cannot hold the comment marker`);
  const budget = max - pointer.length - 3;
  const text = compose(p, 0, false);
  const at = text.lastIndexOf('\n', budget);
  const body = at >= first.length ? text.slice(0, at) : first.slice(0, Math.max(p.marker.length, budget));
  const result = `${body}\n\n${pointer}\n`;
  return result.length <= max ? result : `${p.marker}\n${pointer}`.slice(0, max);
}

/**
 * Render the verdict as Markdown for a PR comment or a job summary. The hidden marker comes first, so the
 * action finds its own comment again. With `maxLength`, delta rows are dropped from the least important up
 * (regressions are kept longest) and a line points to the full report; the result never exceeds the limit.
 */
export function renderMarkdown(input: ReportInput, opts: MarkdownOptions = {}): string {
  const p = prepare(input, opts);
  const total = p.listed.length + p.inconclusive.length + p.unchanged.length;
  const full = compose(p, total, false);
  const max = opts.maxLength;
  if (max === undefined || full.length <= max) return full;
  if (compose(p, 0, true).length > max) return hardCut(p, max);
  // Longest prefix of the rows that fits: the length grows with every row, so bisect.
  let lo = 0;
  let hi = total;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (compose(p, mid, true).length <= max) lo = mid;
    else hi = mid;
  }
  return compose(p, lo, true);
}
