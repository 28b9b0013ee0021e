// The HTML report: one self-contained page a reviewer can open from an artifact. It says what the comment
// says (headline, criteria, comparisons, warnings) and shows what the comment cannot: each metric's base and
// head samples, its trend over earlier main-branch runs, its time windows and its latency percentiles.
// The page loads nothing: inline CSS, inline SVG, no script, and a Content-Security-Policy that forbids any
// fetch, so opening a report from a pull request can neither phone home nor run the PR's text as code.

import type { HistoryDocument, HistoryRun } from '../baseline/history.ts';
import { speedRatio } from '../compare/environment.ts';
import { levelOf } from '../compare/level.ts';
import type { Metric, ResultsDocument, RunEnvironment } from '../model/results.ts';
import { dimensionOf, formatValue, inUnit } from '../model/units.ts';
import type { Comparison, ComparisonVerdict, CriterionResult, CriterionStatus } from '../model/verdict.ts';
import {
  badness,
  baselineFacts,
  changeRatio,
  countsText,
  countVerdicts,
  envDifferences,
  evidenceText,
  formatChange,
  formatPercent,
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
import {
  barChart,
  bucket,
  escapeHtml,
  escapeText,
  type LineSeries,
  lineChart,
  type Marker,
  type SampleSet,
  stripPlot,
  thin,
  unitInTicks,
} from './svg.ts';

export interface HtmlReportInput extends ReportInput {
  /** Earlier main-branch runs (the baseline's history, oldest first): each metric's trend. */
  history?: HistoryDocument;
}

/** The page's own policy: nothing may be fetched, no script may run; only its inline styles and data images. */
export const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

// Bounds that keep a report of thousands of metrics a page a browser opens quickly; each cut is said on it.
/** Metrics with a section of charts: the most interesting first (facts.ts sortWorstFirst). */
export const MAX_CHARTED = 200;
/** Rows of the comparison tables. */
const MAX_ROWS = 2000;
/** Dots per side in a distribution plot (more are thinned to evenly spaced quantiles). */
const MAX_DOTS = 300;
/** Points per line in the window and trend charts (more are averaged in buckets). */
const MAX_LINE_POINTS = 400;
/** Latest history runs drawn. */
const MAX_HISTORY_RUNS = 200;
const MAX_WARNINGS = 100;
/** Metric ids a warning names before "n more". */
const NAMED = 5;

const TONE_MARK: Record<Tone, string> = { pass: '✔', fail: '✖', warn: '⚠', neutral: 'ℹ' };
const CRITERION_WORD: Record<CriterionStatus, string> = {
  pass: 'pass',
  warn: 'warn',
  fail: 'fail',
  missing: 'missing',
};
const FOLDED: ReadonlySet<ComparisonVerdict> = new Set(['unchanged', 'inconclusive']);

// ---- small pieces -----------------------------------------------------------------------------------------

const code = (text: string, max = 200) => `<code>${escapeText(text, max)}</code>`;

/** A value in its unit; the unit can come from an ingested tool's output, so the whole is escaped. */
function valueHtml(v: number | undefined, unit: string): string {
  return v === undefined ? '—' : escapeText(formatValue(v, unit), 60);
}

function partsHtml(parts: readonly Part[]): string {
  return parts
    .map((p) => (typeof p === 'string' ? escapeHtml(p) : 'code' in p ? code(p.code, 100) : escapeText(p.text, 100)))
    .join('');
}

const badge = (verdict: ComparisonVerdict) => `<span class="badge v-${verdict}">${verdict}</span>`;

/** Only plain http(s) links, and only as link targets: the URL is the run's, but it is checked all the same. */
function safeUrl(url: string | undefined): string | undefined {
  return url && url.length <= 2000 && /^https?:\/\/[^\s<>"'`\\]+$/.test(url) ? url : undefined;
}

function shortSha(sha: string | undefined): string | undefined {
  return sha ? sha.slice(0, 7) : undefined;
}

/** "2026-01-01" from a document's date; never anything but digits and dashes. */
function day(createdAt: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}/.exec(createdAt)?.[0];
}

// ---- headline --------------------------------------------------------------------------------------------

function titleText(input: HtmlReportInput): string {
  const h = headline(input);
  return `perf-action${h.configId ? ` (${escapeText(h.configId, 60)})` : ''}: ${statusWord(h.status)}`;
}

/** The regressed-direction change that went furthest, whatever its verdict: what a reviewer looks at first. */
function worstChange(comparisons: readonly Comparison[]): Comparison | undefined {
  let worst: Comparison | undefined;
  for (const c of comparisons) {
    if (changeRatio(c) === undefined || !(badness(c) > 0)) continue;
    if (!worst || badness(c) > badness(worst)) worst = c;
  }
  return worst;
}

function criterionLabel(c: CriterionResult): string {
  return c.name ? `${escapeText(c.name, 100)} (${code(c.expect, 150)})` : code(c.expect, 150);
}

function commitText(git: { sha?: string; ref?: string } | undefined): string {
  const sha = shortSha(git?.sha);
  const ref = git?.ref ? ` (${escapeText(git.ref, 100)})` : '';
  return sha ? `${code(sha)}${ref}` : `an unknown commit${ref}`;
}

/** "Comparing head abc1234 (feature) with base def5678 (main), 2 days before this run, from actions-cache." */
function comparingLine(input: HtmlReportInput): string {
  const head = commitText(input.head.git);
  const b = baselineFacts(input);
  if (!b) return `<p class="comparing">Head ${head}; no baseline to compare with.</p>`;
  const base = commitText({
    sha: b.sha ?? input.base?.git?.sha,
    ...(input.base?.git?.ref ? { ref: input.base.git.ref } : {}),
  });
  const when = b.age ? `, ${escapeHtml(b.age)}` : '';
  const from = b.source ? `, from ${escapeText(b.source, 100)}` : '';
  return `<p class="comparing">Comparing head ${head} with base ${base}${when}${from}.</p>`;
}

function headerHtml(input: HtmlReportInput, anchors: ReadonlyMap<string, number>): string {
  const h = headline(input);
  const facts: string[] = [];
  const firstFailed = input.verdict.criteria.find((c) => c.status === 'fail');
  if (firstFailed) {
    const actual =
      firstFailed.actual === undefined ? '' : `: actual ${valueHtml(firstFailed.actual, firstFailed.unit ?? '')}`;
    facts.push(`<li>First failed criterion: ${criterionLabel(firstFailed)}${actual}</li>`);
  }
  const worst = hasBaseline(input) ? worstChange(input.verdict.comparisons) : undefined;
  if (worst) {
    const ratio = changeRatio(worst) as number;
    facts.push(
      `<li>Worst change: ${metricLink(worst.id, anchors)} ${escapeHtml(formatPercent(ratio - 1))} ` +
        `(${valueHtml(worst.base, worst.unit)} → ${valueHtml(worst.head, worst.unit)}) ${badge(worst.verdict)}</li>`,
    );
  }
  const counts = hasBaseline(input)
    ? escapeHtml(countsText(countVerdicts(input.verdict.comparisons)))
    : `${plural(input.verdict.comparisons.length, 'metric')} measured, no baseline to compare with`;
  return (
    `<header class="headline tone-${h.tone}"><h1><span class="mark">${TONE_MARK[h.tone]}</span> ${titleText(input)}</h1>` +
    `<p class="reason">${partsHtml(h.reason)}</p>${comparingLine(input)}` +
    (facts.length > 0 ? `<ul class="facts">${facts.join('')}</ul>` : '') +
    `<p class="counts">Metrics: ${counts}</p></header>`
  );
}

// ---- tables ----------------------------------------------------------------------------------------------

function failedSuites(head: ResultsDocument): string {
  const broken = head.suites.filter((s) => !s.ok);
  if (broken.length === 0) return '';
  const items = broken.map(
    (s) =>
      `<li><strong>${escapeText(s.name, 100)}</strong> (${escapeText(s.kind, 40)}): ` +
      `${escapeText(s.error ?? 'no error message', 500)}</li>`,
  );
  return `<section id="failed-suites"><h2>Failed suites</h2><ul>${items.join('')}</ul></section>`;
}

/** ratio(A, B) and diff(A, B): every pair, under the detail. */
function pairList(c: CriterionResult): string {
  const pairs = relativePairLines(c);
  if (!pairs) return '';
  const items = pairs.lines.map(
    (p) => `<li><span class="badge c-${p.status}">${CRITERION_WORD[p.status]}</span> ${escapeText(p.text, 200)}</li>`,
  );
  if (pairs.more > 0) items.push(`<li>… ${plural(pairs.more, 'more pair')}</li>`);
  return `<ul>${items.join('')}</ul>`;
}

function criteriaTable(criteria: readonly CriterionResult[]): string {
  if (criteria.length === 0) return '';
  const rows = criteria.map(
    (c) =>
      `<tr class="row-${c.status}"><td><span class="badge c-${c.status}">${CRITERION_WORD[c.status]}</span></td>` +
      `<td>${escapeText(c.name ?? '', 100)}</td><td>${code(c.expect)}</td>` +
      `<td class="num">${c.actual === undefined ? '—' : valueHtml(c.actual, c.unit ?? '')}</td>` +
      `<td>${escapeText(c.detail ?? '', 200)}${pairList(c)}</td></tr>`,
  );
  return (
    '<section id="criteria"><h2>Criteria</h2><table><thead><tr><th>Status</th><th>Criterion</th><th>Expectation</th>' +
    `<th>Actual</th><th>Detail</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`
  );
}

function metricLink(id: string, anchors: ReadonlyMap<string, number>): string {
  const k = anchors.get(id);
  // Anchors are numbers, never the id: an id cannot shape an attribute.
  return k === undefined ? code(id) : `<a href="#m${k}">${code(id)}</a>`;
}

function comparisonRow(c: Comparison, anchors: ReadonlyMap<string, number>): string {
  return (
    `<tr class="row-${c.verdict}"><td>${metricLink(c.id, anchors)}</td><td class="num">${valueHtml(c.base, c.unit)}</td>` +
    `<td class="num">${valueHtml(c.head, c.unit)}</td><td class="num">${escapeHtml(formatChange(c))}</td>` +
    `<td>${escapeHtml(evidenceText(c))}</td><td>${badge(c.verdict)}</td></tr>`
  );
}

const COMPARISON_HEAD =
  '<thead><tr><th>Metric</th><th>Base</th><th>Head</th><th>Change [CI]</th><th>Evidence</th><th>Verdict</th></tr></thead>';

function comparisonTables(comparisons: readonly Comparison[], anchors: ReadonlyMap<string, number>): string {
  if (comparisons.length === 0) return '';
  const sorted = sortWorstFirst(comparisons);
  const listed = sorted.filter((c) => !FOLDED.has(c.verdict));
  const folded = sorted.filter((c) => FOLDED.has(c.verdict));
  const shownListed = listed.slice(0, MAX_ROWS);
  const shownFolded = folded.slice(0, Math.max(0, MAX_ROWS - shownListed.length));
  const table = (rows: readonly Comparison[]) =>
    `<table>${COMPARISON_HEAD}<tbody>${rows.map((c) => comparisonRow(c, anchors)).join('')}</tbody></table>`;
  const parts = ['<section id="comparisons"><h2>Comparisons</h2>'];
  if (shownListed.length > 0) parts.push(table(shownListed));
  else parts.push('<p>No metric regressed, improved, appeared or disappeared.</p>');
  if (folded.length > 0) {
    const counts = countVerdicts(folded);
    const what = (['inconclusive', 'unchanged'] as const).filter((v) => counts[v] > 0).map((v) => `${counts[v]} ${v}`);
    const partial = shownFolded.length < folded.length ? ` (${shownFolded.length} shown)` : '';
    parts.push(`<details><summary>${what.join(', ')}${partial}</summary>${table(shownFolded)}</details>`);
  }
  const hidden = comparisons.length - shownListed.length - shownFolded.length;
  if (hidden > 0) {
    parts.push(`<p class="cut">${plural(hidden, 'more metric row')} not shown: the verdict document has them all.</p>`);
  }
  parts.push('</section>');
  return parts.join('');
}

function warningsHtml(input: HtmlReportInput): string {
  const warnings = input.verdict.warnings;
  if (warnings.length === 0) return '';
  const items = warnings.slice(0, MAX_WARNINGS).map((w) => {
    const names = w.metrics ?? [];
    const shown = names.slice(0, NAMED).map((id) => code(id, 100));
    if (names.length > NAMED) shown.push(`${names.length - NAMED} more`);
    return `<li>${escapeText(w.message, 300)}${shown.length > 0 ? `: ${shown.join(', ')}` : ''}</li>`;
  });
  const more =
    warnings.length > MAX_WARNINGS
      ? `<p class="cut">${warnings.length - MAX_WARNINGS} more warnings not shown.</p>`
      : '';
  return `<section id="warnings"><h2>Warnings</h2><ul>${items.join('')}</ul>${more}</section>`;
}

// ---- per-metric charts -----------------------------------------------------------------------------------

interface MetricView {
  id: string;
  unit: string;
  comparison?: Comparison;
  head?: Metric;
  base?: Metric;
  /** The head suite's kind ("http", "bench", ...). */
  kind?: string;
}

function metricsById(doc: ResultsDocument | undefined): Map<string, { metric: Metric; kind: string }> {
  const out = new Map<string, { metric: Metric; kind: string }>();
  for (const s of doc?.suites ?? []) {
    for (const m of s.metrics) if (!out.has(m.id)) out.set(m.id, { metric: m, kind: s.kind });
  }
  return out;
}

/** Every metric the report knows, the most interesting first: the comparisons' order, then head-only ones. */
function metricViews(input: HtmlReportInput): MetricView[] {
  const head = metricsById(input.head);
  const base = metricsById(input.base);
  const views: MetricView[] = [];
  const seen = new Set<string>();
  for (const c of sortWorstFirst(input.verdict.comparisons)) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    const h = head.get(c.id);
    const b = base.get(c.id);
    views.push({
      id: c.id,
      unit: c.unit,
      comparison: c,
      ...(h ? { head: h.metric, kind: h.kind } : {}),
      ...(b ? { base: b.metric } : {}),
    });
  }
  for (const [id, h] of head) {
    if (seen.has(id)) continue;
    seen.add(id);
    const b = base.get(id);
    views.push({ id, unit: h.metric.unit, head: h.metric, kind: h.kind, ...(b ? { base: b.metric } : {}) });
  }
  return views;
}

/** A metric's samples in the view's unit; none when absent or in a unit that does not convert. */
function samplesIn(m: Metric | undefined, unit: string): number[] {
  if (!m?.samples) return [];
  const out: number[] = [];
  for (const v of m.samples) {
    const c = inUnit(v, m.unit, unit);
    if (c !== undefined && Number.isFinite(c)) out.push(c);
  }
  return out;
}

function levelIn(m: Metric | undefined, unit: string): number | undefined {
  if (!m) return undefined;
  const values = m.samples && m.samples.length > 0 ? m.samples : [m.stats.median];
  return inUnit(levelOf({ values, windows: m.sampling === 'windows' }, m.better), m.unit, unit);
}

function unitNote(unit: string): string {
  return unit !== '' && !unitInTicks(unit) ? ` Values in ${code(unit, 40)}.` : '';
}

function figure(caption: string, body: string): string {
  return `<figure>${body}<figcaption>${caption}</figcaption></figure>`;
}

/** Base and head samples on one axis. */
function distributionFigure(v: MetricView): string | undefined {
  const base = samplesIn(v.base, v.unit);
  const head = samplesIn(v.head, v.unit);
  if (base.length === 0 && head.length === 0) return undefined;
  const sets: SampleSet[] = [];
  if (base.length > 0) sets.push({ label: 'base', tone: 'base', values: thin(base, MAX_DOTS) });
  if (head.length > 0) sets.push({ label: 'head', tone: 'head', values: thin(head, MAX_DOTS) });
  const windows = v.head?.sampling === 'windows' || v.base?.sampling === 'windows';
  const what = windows ? 'time windows of one run' : 'replicates';
  const counts = [
    base.length > 0 ? `base ${base.length}` : 'no base samples',
    head.length > 0 ? `head ${head.length}` : 'no head samples',
  ].join(', ');
  const thinned =
    base.length > MAX_DOTS || head.length > MAX_DOTS
      ? ` Sets over ${MAX_DOTS} values are drawn as ${MAX_DOTS} evenly spaced quantiles.`
      : '';
  const caption =
    `Distribution of the ${what} (${counts}): each dot one value; the box spans the quartiles, the thick line ` +
    `is the median, the whiskers reach the extremes.${thinned}${unitNote(v.unit)}`;
  return figure(caption, stripPlot(sets, { unit: v.unit, title: `Base and head ${what}` }));
}

function sameRun(run: HistoryRun, doc: ResultsDocument | undefined): boolean {
  return doc !== undefined && run.createdAt === doc.createdAt && (run.git?.sha ?? '') === (doc.git?.sha ?? '');
}

/** The history runs' levels as a line, the base run marked on it (or after it), then the head. */
function trendFigure(v: MetricView, input: HtmlReportInput): string | undefined {
  const history = input.history;
  if (!history) return undefined;
  const runs = history.runs.slice(-MAX_HISTORY_RUNS);
  const points: Array<[number, number]> = [];
  let baseAt: [number, number] | undefined;
  runs.forEach((run, i) => {
    const m = Object.hasOwn(run.metrics, v.id) ? run.metrics[v.id] : undefined;
    if (!m) return;
    const level = inUnit(m.level ?? m.median, m.unit, v.unit);
    if (level === undefined || !Number.isFinite(level)) return;
    points.push([i + 1, level]);
    if (sameRun(run, input.base)) baseAt = [i + 1, level];
  });
  if (points.length === 0) return `<p class="note">No earlier main-branch run of this metric in the history.</p>`;
  let next = runs.length + 1;
  if (!baseAt) {
    const level = levelIn(v.base, v.unit);
    if (level !== undefined) baseAt = [next++, level];
  }
  const headLevel = v.comparison?.head ?? levelIn(v.head, v.unit);
  const markers: Marker[] = [];
  if (baseAt) markers.push({ label: 'base', tone: 'base', x: baseAt[0], y: baseAt[1] });
  if (headLevel !== undefined) markers.push({ label: 'head', tone: 'head', x: next, y: headLevel });
  const line = bucket(points, MAX_LINE_POINTS);
  const series: LineSeries[] = [{ label: 'main runs', tone: 'trend', points: line, dots: line.length <= 60 }];
  const first = runs[(points[0] as [number, number])[0] - 1];
  const last = runs[(points[points.length - 1] as [number, number])[0] - 1];
  const xTicks = [
    ...(first && day(first.createdAt)
      ? [{ x: (points[0] as [number, number])[0], label: day(first.createdAt) as string }]
      : []),
    ...(last && points.length > 1 && day(last.createdAt)
      ? [{ x: (points[points.length - 1] as [number, number])[0], label: day(last.createdAt) as string }]
      : []),
  ];
  const predicted =
    v.comparison?.evidence?.test === 'history' && v.comparison.base !== undefined
      ? ` The verdict compared the head with the level these runs predict, ${valueHtml(v.comparison.base, v.unit)}.`
      : '';
  const averaged = points.length > MAX_LINE_POINTS ? ` Averaged in ${line.length} buckets.` : '';
  const caption =
    `Trend: the level of ${plural(points.length, 'earlier main-branch run')} (oldest first), the base marked ◆ ` +
    `and this run ●.${predicted}${averaged}${unitNote(v.unit)}`;
  return figure(caption, lineChart(series, markers, { unit: v.unit, title: 'Trend over main-branch runs', xTicks }));
}

/** Samples that are time windows of one run, in order: how the run went over time. */
function windowsFigure(v: MetricView): string | undefined {
  const sides: Array<{ tone: 'base' | 'head'; values: number[] }> = [];
  for (const [tone, m] of [
    ['base', v.base],
    ['head', v.head],
  ] as const) {
    if (m?.sampling !== 'windows') continue;
    const values = samplesIn(m, v.unit);
    if (values.length >= 2) sides.push({ tone, values });
  }
  if (!sides.some((s) => s.tone === 'head')) return undefined;
  const series: LineSeries[] = sides.map((s) => {
    const pts = bucket(
      s.values.map((y, i) => [i + 1, y] as const),
      MAX_LINE_POINTS,
    );
    return { label: s.tone, tone: s.tone, points: pts, dots: pts.length <= 60 };
  });
  const longest = Math.max(...sides.map((s) => s.values.length));
  const counts = sides.map((s) => `${s.tone} ${plural(s.values.length, 'window')}`).join(', ');
  const averaged = longest > MAX_LINE_POINTS ? ` Averaged in buckets of windows.` : '';
  const caption = `Over time: each time window in order (${counts}).${averaged}${unitNote(v.unit)}`;
  const xTicks = [
    { x: 1, label: 'window 1' },
    { x: longest, label: `window ${longest}` },
  ];
  return figure(caption, lineChart(series, [], { unit: v.unit, title: 'Values per time window', xTicks }));
}

const PERCENTILES = [
  ['p50', (m: Metric) => m.stats.p50 ?? m.stats.median],
  ['p90', (m: Metric) => m.stats.p90],
  ['p95', (m: Metric) => m.stats.p95],
  ['p99', (m: Metric) => m.stats.p99],
  ['max', (m: Metric) => m.stats.max],
] as const;

/**
 * Whether a metric's stats describe requests (a latency histogram) rather than its replicates: an http suite's
 * times, or any time metric whose stats count more observations than it has samples (an ingested load tool).
 */
function hasLatencyPercentiles(m: Metric | undefined, kind: string | undefined): m is Metric {
  if (!m || dimensionOf(m.unit) !== 'time' || m.stats.p50 === undefined) return false;
  return kind === 'http' || (m.samples !== undefined && m.stats.n > m.samples.length);
}

function percentilesFigure(v: MetricView): string | undefined {
  if (!hasLatencyPercentiles(v.head, v.kind)) return undefined;
  const head = v.head;
  const base = v.base && dimensionOf(v.base.unit) === 'time' ? v.base : undefined;
  const rows = PERCENTILES.map(([label, get]) => {
    const h = get(head);
    const b = base ? get(base) : undefined;
    return {
      label,
      head: h === undefined ? undefined : inUnit(h, head.unit, v.unit),
      base: b === undefined || !base ? undefined : inUnit(b, base.unit, v.unit),
    };
  });
  const cells = rows.map((r) => {
    const change =
      r.base !== undefined && r.head !== undefined && r.base > 0 ? formatPercent(r.head / r.base - 1) : '—';
    return (
      `<tr><th>${r.label}</th>${base ? `<td class="num">${valueHtml(r.base, v.unit)}</td>` : ''}` +
      `<td class="num">${valueHtml(r.head, v.unit)}</td>${base ? `<td class="num">${escapeHtml(change)}</td>` : ''}</tr>`
    );
  });
  const table =
    `<table class="percentiles"><thead><tr><th>Latency</th>${base ? '<th>Base</th>' : ''}<th>Head</th>` +
    `${base ? '<th>Change</th>' : ''}</tr></thead><tbody>${cells.join('')}</tbody></table>`;
  const bars = barChart(
    rows.map((r) => ({
      label: r.label,
      bars: [...(base ? [{ tone: 'base' as const, value: r.base }] : []), { tone: 'head' as const, value: r.head }],
    })),
    { unit: v.unit, title: 'Latency percentiles' },
  );
  const caption = `Latency percentiles over all requests of the run${base ? ', base (grey) and head (blue)' : ''}.${unitNote(v.unit)}`;
  return figure(caption, `<div class="pair">${table}${bars}</div>`);
}

function metricSection(v: MetricView, k: number, input: HtmlReportInput): string {
  const c = v.comparison;
  const summary = c
    ? `<p class="summary">Base ${valueHtml(c.base, c.unit)} → head ${valueHtml(c.head, c.unit)} · change ` +
      `${escapeHtml(formatChange(c))}${evidenceText(c) ? ` · ${escapeHtml(evidenceText(c))}` : ''}</p>`
    : '<p class="summary">Not compared.</p>';
  const figures = [distributionFigure(v), trendFigure(v, input), windowsFigure(v), percentilesFigure(v)].filter(
    (f): f is string => f !== undefined,
  );
  const body = figures.length > 0 ? figures.join('') : '<p class="note">No samples to draw.</p>';
  return (
    `<section class="metric" id="m${k}"><h3>${code(v.id)}${c ? ` ${badge(c.verdict)}` : ''}</h3>${summary}` +
    `${body}</section>`
  );
}

function metricSections(views: readonly MetricView[], input: HtmlReportInput): string {
  if (views.length === 0) return '';
  const shown = views.slice(0, MAX_CHARTED);
  const cut =
    views.length > shown.length
      ? `<p class="cut">Charts for the ${shown.length} most interesting of ${views.length} metrics (regressions, ` +
        `undecided and improvements first); the other ${views.length - shown.length} are in the tables above.</p>`
      : '';
  const noHistory = input.history ? '' : '<p class="note">No history was given: no trends are drawn.</p>';
  return `<section id="metrics"><h2>Metrics</h2>${cut}${noHistory}${shown.map((v, k) => metricSection(v, k, input)).join('')}</section>`;
}

// ---- footer ----------------------------------------------------------------------------------------------

function envText(e: RunEnvironment): string {
  const parts = [
    `${escapeText(e.os, 80)}/${escapeText(e.arch, 40)}`,
    escapeText(e.cpu, 80),
    plural(e.cores, 'core'),
    `Node ${escapeText(e.node, 40)}`,
  ];
  if (e.runner) parts.push(`runner ${escapeText(e.runner, 80)}`);
  return parts.join(' · ');
}

function footerHtml(input: HtmlReportInput): string {
  const lines = [`<p>Head: ${envText(input.head.env)}, run at ${escapeText(input.head.createdAt, 40)}</p>`];
  if (input.base) {
    const speed = speedRatio(input.base.env, input.head.env);
    const probe = speed === undefined ? '' : ` (head speed probe ${escapeHtml(formatPercent(speed - 1))} vs base)`;
    lines.push(`<p>Base: ${envText(input.base.env)}, run at ${escapeText(input.base.createdAt, 40)}${probe}</p>`);
    const diffs = envDifferences(input.base.env, input.head.env);
    if (diffs.length > 0) {
      const what = diffs.map((d) => `${d.field}: ${escapeText(d.base, 80)} → ${escapeText(d.head, 80)}`).join('; ');
      lines.push(
        `<p class="env-warn">The baseline ran on a different machine (${what}): part of any change may come from that.</p>`,
      );
    }
  }
  if (input.history) lines.push(`<p>History: ${plural(input.history.runs.length, 'earlier main-branch run')}.</p>`);
  const url = safeUrl(input.fullReportUrl);
  if (url) lines.push(`<p><a href="${escapeHtml(url)}" rel="noopener noreferrer">The run</a></p>`);
  return `<footer>${lines.join('')}</footer>`;
}

// ---- page ------------------------------------------------------------------------------------------------

const STYLE = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1100px;padding:24px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:22px;margin:0 0 6px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:0 0 4px}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
.headline{border-left:6px solid var(--muted);padding:10px 16px;background:var(--soft);border-radius:6px}
.tone-pass{border-color:#1a7f37}.tone-fail{border-color:#cf222e}.tone-warn{border-color:#bf8700}
.tone-pass .mark{color:#1a7f37}.tone-fail .mark{color:#cf222e}.tone-warn .mark{color:#bf8700}
.reason{font-size:15px;margin:4px 0}.comparing,.counts{color:var(--muted);margin:4px 0}.facts{margin:6px 0;padding-left:20px}
table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
thead th{background:var(--soft)}td.num{text-align:right;white-space:nowrap}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;background:#eaeef2;color:#424a53}
.v-regressed,.c-fail{background:#ffebe9;color:#a40e26}.v-improved,.c-pass{background:#dafbe1;color:#116329}
.v-inconclusive,.c-missing,.c-warn{background:#fff8c5;color:#7d4e00}
tr.row-regressed td:first-child,tr.row-fail td:first-child{box-shadow:inset 3px 0 #cf222e}
tr.row-improved td:first-child{box-shadow:inset 3px 0 #1a7f37}
details{margin:8px 0}summary{cursor:pointer;color:var(--muted)}
.metric{border:1px solid var(--line);border-radius:6px;padding:12px 16px;margin:14px 0}
.summary,.note,figcaption{color:var(--muted)}figure{margin:10px 0}figcaption{font-size:12.5px;margin-top:2px}
svg.chart{display:block;max-width:100%;height:auto;font-family:system-ui,sans-serif}
.pair{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}.pair table{width:auto}.pair svg{flex:1 1 420px}
.cut{font-style:italic}.env-warn{color:#7d4e00}
footer{margin-top:32px;border-top:1px solid var(--line);padding-top:8px;color:var(--muted);font-size:12.5px}
footer p{margin:2px 0}
`;

/**
 * Render the verdict as one self-contained HTML page: headline, criteria, comparisons (regressions first,
 * the undecided and unchanged folded), a section of charts per metric (at most MAX_CHARTED, the most
 * interesting first) and the environments. Pure: the same input gives the same page.
 */
export function renderHtml(input: HtmlReportInput): string {
  const views = metricViews(input);
  const anchors = new Map(views.slice(0, MAX_CHARTED).map((v, k) => [v.id, k] as const));
  const body = [
    headerHtml(input, anchors),
    failedSuites(input.head),
    criteriaTable(input.verdict.criteria),
    comparisonTables(input.verdict.comparisons, anchors),
    metricSections(views, input),
    warningsHtml(input),
    footerHtml(input),
  ].join('\n');
  return (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">` +
    '<meta name="referrer" content="no-referrer"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${titleText(input)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`
  );
}
