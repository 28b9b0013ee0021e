// The terminal report for the CLI: the same headline and criteria as the comment, then a compact aligned
// table of the metrics that moved. Colour only when asked (a TTY without NO_COLOR), so logs stay plain.

import { formatValue } from '../model/units.ts';
import type { ComparisonVerdict, CriterionStatus, VerdictWarning } from '../model/verdict.ts';
import { sanitizeTerminal } from './escape.ts';
import {
  badness,
  baselineFacts,
  countsText,
  countVerdicts,
  envDifferences,
  evidenceText,
  formatChange,
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

export interface TerminalOptions {
  /** Emit ANSI colours. */
  color?: boolean;
  /** Columns available; the metric column is shortened to fit (default 100). */
  width?: number;
}

type Style = 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold';
const SGR: Record<Style, string> = { red: '31', green: '32', yellow: '33', cyan: '36', dim: '2', bold: '1' };

type Paint = (text: string, style?: Style) => string;

function painter(color: boolean): Paint {
  return (text, style) => (color && style && text ? `\x1b[${SGR[style]}m${text}\x1b[0m` : text);
}

const TONE_MARK: Record<Tone, [string, Style]> = {
  pass: ['✔', 'green'],
  fail: ['✘', 'red'],
  warn: ['!', 'yellow'],
  neutral: ['○', 'cyan'],
};
const CRITERION_MARK: Record<CriterionStatus, [string, Style]> = {
  pass: ['✔', 'green'],
  warn: ['!', 'yellow'],
  fail: ['✘', 'red'],
  missing: ['!', 'yellow'],
};
const VERDICT_STYLE: Record<ComparisonVerdict, Style> = {
  regressed: 'red',
  improved: 'green',
  unchanged: 'dim',
  inconclusive: 'yellow',
  new: 'cyan',
  missing: 'yellow',
};

interface Cell {
  text: string;
  style?: Style;
}

const INDENT = '  ';
const GAP = '  ';

/** Visible width: code points (the tables hold no wide characters: no emoji, ids are sanitised). */
function widthOf(text: string): number {
  return Array.from(text).length;
}

/**
 * Shorten to `max` characters in the middle: metric ids differ in their suite (first) and parameters (last),
 * evidence names its test first and what an undecided row would have caught last.
 */
function ellipsize(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const keep = Math.max(1, max - 1);
  const head = Math.ceil(keep / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (keep - head)).join('')}`;
}

/** Align cells in columns; padding is added outside the colour so escape codes never count as width. */
function table(rows: Cell[][], right: readonly boolean[], paint: Paint): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, c] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, widthOf(c.text));
  }
  return rows.map((row) => {
    const cells = row.map((c, i) => {
      const pad = ' '.repeat((widths[i] ?? 0) - widthOf(c.text));
      const last = i === row.length - 1;
      if (right[i]) return pad + paint(c.text, c.style);
      return paint(c.text, c.style) + (last ? '' : pad);
    });
    return (INDENT + cells.join(GAP)).trimEnd();
  });
}

function criteriaLines(input: ReportInput, paint: Paint): string[] {
  const rows = input.verdict.criteria.flatMap((c): Cell[][] => {
    const [mark, style] = CRITERION_MARK[c.status];
    const actual = c.actual === undefined ? '—' : sanitizeTerminal(formatValue(c.actual, c.unit ?? ''), 40);
    const row: Cell[] = [
      { text: mark, style },
      { text: sanitizeTerminal(c.name ?? '', 40) },
      { text: sanitizeTerminal(c.expect, 60) },
      c.status === 'missing' ? { text: 'missing', style: 'yellow' } : { text: actual },
      { text: sanitizeTerminal(c.detail ?? '', 80), style: 'dim' },
    ];
    // ratio(A, B) and diff(A, B): one line per pair under the row, in the detail column.
    const pairs = relativePairLines(c);
    if (!pairs) return [row];
    const under = (text: string, style?: Style): Cell[] => [
      { text: '' },
      { text: '' },
      { text: '' },
      { text: '' },
      { text, style },
    ];
    const lines = pairs.lines.map((p) => {
      const [pairMark, pairStyle] = CRITERION_MARK[p.status];
      return under(`${paint(pairMark, pairStyle)} ${sanitizeTerminal(p.text, 160)}`);
    });
    if (pairs.more > 0) lines.push(under(`… ${plural(pairs.more, 'more pair')}`, 'dim'));
    return [row, ...lines];
  });
  return rows.length > 0 ? ['Criteria', ...table(rows, [false, false, false, true, false], paint)] : [];
}

function metricLines(input: ReportInput, width: number, paint: Paint): string[] {
  const sorted = sortWorstFirst(input.verdict.comparisons);
  const listed = sorted.filter((c) => c.verdict !== 'unchanged');
  const unchanged = sorted.length - listed.length;
  const lines: string[] = [];
  if (listed.length > 0) {
    const value = (v: number | undefined, unit: string) =>
      v === undefined ? '—' : sanitizeTerminal(formatValue(v, unit), 40);
    const header = ['metric', 'base', 'head', 'change', 'evidence', 'verdict'].map(
      (text): Cell => ({ text, style: 'dim' }),
    );
    const body = listed.map((c): Cell[] => {
      const moved = c.verdict === 'regressed' || c.verdict === 'improved';
      // Red or green by direction: for better:higher metrics a decrease is the bad one.
      const direction: Style = badness(c) > 0 ? 'red' : 'green';
      return [
        { text: sanitizeTerminal(c.id) },
        { text: value(c.base, c.unit) },
        { text: value(c.head, c.unit) },
        { text: formatChange(c), ...(moved ? { style: direction } : {}) },
        { text: evidenceText(c) },
        { text: c.verdict, style: VERDICT_STYLE[c.verdict] },
      ];
    });
    const fitted = fitColumns([header, ...body], width);
    const cut = fitted.some((r, i) => i > 0 && r[METRIC]?.text !== body[i - 1]?.[METRIC]?.text);
    if (!cut) {
      lines.push(...table(fitted, [false, true, true, true, false, false], paint));
    } else {
      // Too narrow for whole ids: each id on its own line, its numbers indented under it, so no id is cut.
      const rest = fitColumns(
        [header, ...body].map((r) => [{ text: '' }, ...r.slice(1)]),
        width,
      ).map((r) => r.slice(1));
      const rows = table(rest, [true, true, true, false, false], paint).map((l) => `${INDENT}${l}`);
      lines.push(paint(`${INDENT}metric`, 'dim'), rows[0] ?? '');
      body.forEach((r, i) => {
        lines.push(`${INDENT}${paint(r[METRIC]?.text ?? '', 'bold')}`, rows[i + 1] ?? '');
      });
    }
  }
  if (unchanged > 0) lines.push(paint(`${INDENT}${plural(unchanged, 'metric')} unchanged (not listed)`, 'dim'));
  return lines;
}

const EVIDENCE = 4;
const METRIC = 0;

/** Shrink the evidence column, then the metric column, until a row fits the width (down to floors). */
function fitColumns(rows: Cell[][], width: number): Cell[][] {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, c] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, widthOf(c.text));
  }
  let over = INDENT.length + widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1) - width;
  const shrink = (col: number, floor: number) => {
    const w = widths[col] ?? 0;
    const by = Math.max(0, Math.min(over, w - floor));
    widths[col] = w - by;
    over -= by;
  };
  shrink(EVIDENCE, 12);
  shrink(METRIC, 16);
  // Still too wide (a narrow terminal, wide change intervals): cut both further rather than wrap.
  shrink(EVIDENCE, 4);
  shrink(METRIC, 10);
  return rows.map((row) =>
    row.map((c, i) => {
      if (i === METRIC || i === EVIDENCE) return { ...c, text: ellipsize(c.text, widths[i] ?? 0) };
      return c;
    }),
  );
}

function footerLines(input: ReportInput, paint: Paint): string[] {
  const lines: string[] = [];
  const b = baselineFacts(input);
  if (b) {
    const when = b.createdAt ? `${sanitizeTerminal(b.createdAt, 40)}${b.age ? ` (${b.age})` : ''}` : undefined;
    const parts = [
      b.sha ? sanitizeTerminal(b.sha) : 'unknown commit',
      when,
      b.source && `from ${sanitizeTerminal(b.source, 80)}`,
    ];
    lines.push(paint(`Baseline: ${parts.filter(Boolean).join(' · ')}`, 'dim'));
  }
  const diffs = input.base ? envDifferences(input.base.env, input.head.env) : [];
  if (diffs.length > 0) {
    const what = diffs.map((d) => `${d.field}: ${sanitizeTerminal(d.base, 60)} → ${sanitizeTerminal(d.head, 60)}`);
    lines.push(
      paint(
        `! The baseline ran on a different machine (${what.join('; ')}): part of any change may come from that.`,
        'yellow',
      ),
    );
  }
  return lines;
}

/** Trusted parts as they are, PR text sanitised. */
function partsText(parts: readonly Part[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : sanitizeTerminal('code' in p ? p.code : p.text, 100))).join('');
}

const NAMED = 5;

function warningLine(w: VerdictWarning): string {
  const names = (w.metrics ?? []).slice(0, NAMED).map((id) => sanitizeTerminal(id, 100));
  const more = (w.metrics?.length ?? 0) - names.length;
  if (more > 0) names.push(`${more} more`);
  return `${sanitizeTerminal(w.message, 300)}${names.length > 0 ? `: ${names.join(', ')}` : ''}`;
}

export function renderTerminal(input: ReportInput, opts: TerminalOptions = {}): string {
  const paint = painter(opts.color === true);
  const width = Math.max(40, Math.floor(opts.width ?? 100));
  const { verdict } = input;
  const h = headline(input);
  const [mark, style] = TONE_MARK[h.tone];
  const title = `perf-action${h.configId ? ` (${sanitizeTerminal(h.configId, 60)})` : ''}: ${statusWord(h.status)}`;
  const counts = hasBaseline(input)
    ? countsText(countVerdicts(verdict.comparisons))
    : `${plural(verdict.comparisons.length, 'metric')} measured, no baseline to compare with`;
  const sections: string[][] = [
    [`${paint(mark, style)} ${paint(title, 'bold')} — ${partsText(h.reason)}`, paint(INDENT + counts, 'dim')],
  ];

  const broken = input.head.suites.filter((s) => !s.ok);
  if (broken.length > 0) {
    sections.push([
      'Failed suites',
      ...broken.map(
        (s) =>
          `${INDENT}${paint('✘', 'red')} ${sanitizeTerminal(s.name, 100)} (${sanitizeTerminal(s.kind, 40)}): ${sanitizeTerminal(s.error ?? 'no error message', 300)}`,
      ),
    ]);
  }
  sections.push(criteriaLines(input, paint));
  sections.push(metricLines(input, width, paint));
  if (verdict.warnings.length > 0) {
    sections.push(['Warnings', ...verdict.warnings.map((w) => `${INDENT}${paint('!', 'yellow')} ${warningLine(w)}`)]);
  }
  sections.push(footerLines(input, paint));
  return `${sections
    .filter((s) => s.length > 0)
    .map((s) => s.join('\n'))
    .join('\n\n')}\n`;
}
