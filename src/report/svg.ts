// Charts for the HTML report as inline SVG text: pure functions, no DOM and no script, so the page draws
// them with nothing loaded. Colours are presentation attributes (not page CSS), so a chart looks the same
// wherever it is pasted. Every label that can come from a pull request (units, names) is escaped here, so a
// caller cannot forget to.

import { formatValue, round, unitInfo } from '../model/units.ts';
import { quantileSorted } from '../stats/quantile.ts';
import { cap, flatten } from './escape.ts';

// ---- text -------------------------------------------------------------------------------------------------

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Trusted text (fixed words, numbers) as HTML: safe in element content and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/**
 * Untrusted text as HTML: one visible line with secrets redacted (escape.ts), capped, entity-escaped. A "://"
 * gets a zero-width joiner, so a name that looks like a URL is never one, and the page holds no address but
 * its own links.
 */
export function escapeText(text: string, max = 200): string {
  return escapeHtml(cap(flatten(text), max).replace(/:\/\//g, ':\u200d//'));
}

/** A value in the metric's unit, as trusted text: the unit only when it is a known one in plain characters. */
export function formatTick(v: number, unit: string): string {
  return unitInfo(unit) !== undefined && /^[A-Za-z%/µ]*$/.test(unit) ? formatValue(v, unit) : round(v);
}

/** Whether tick labels carry the unit themselves (else the caller says the unit in a caption). */
export function unitInTicks(unit: string): boolean {
  return unit !== '' && formatTick(1, unit) !== round(1);
}

// ---- scales -----------------------------------------------------------------------------------------------

export type Tone = 'base' | 'head' | 'trend';

export const COLOURS: Record<Tone, string> = { base: '#6e7781', head: '#0969da', trend: '#8c959f' };

/** A coordinate with one decimal: plenty on screen, and a fifth of the bytes of a full double. */
function n(v: number): string {
  return String(Math.round(v * 10) / 10);
}

export interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
}

/** Round steps (1, 2, 5 × 10^k) covering [lo, hi], and the domain widened to the outer ticks. */
export function niceAxis(lo: number, hi: number, count = 5): Axis {
  let a = lo;
  let b = hi;
  if (!(Number.isFinite(a) && Number.isFinite(b))) return { lo: 0, hi: 1, ticks: [0, 1] };
  if (b < a) [a, b] = [b, a];
  if (a === b) {
    // One value: a band around it, so it sits mid-chart instead of on an edge.
    const pad = a === 0 ? 1 : Math.abs(a) * 0.1;
    a -= pad;
    b += pad;
  }
  const raw = (b - a) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag) as number;
  const first = Math.floor(a / step + 1e-9) * step;
  const last = Math.ceil(b / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0, v = first; v <= last + step * 1e-6 && i < 100; i++, v = first + i * step) {
    ticks.push(Number(v.toPrecision(12)));
  }
  return { lo: first, hi: last, ticks };
}

/** Maps a value of [lo, hi] to a pixel of [from, to]. */
function scale(axis: { lo: number; hi: number }, from: number, to: number): (v: number) => number {
  const span = axis.hi - axis.lo || 1;
  return (v) => from + ((v - axis.lo) / span) * (to - from);
}

function finiteOnly(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v));
}

/**
 * At most `max` values standing for the distribution of `values`: evenly spaced order statistics, so the
 * spread and the tails stay where they were.
 */
export function thin(values: readonly number[], max: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length <= max || max < 2) return sorted;
  return Array.from({ length: max }, (_, k) => sorted[Math.round((k * (sorted.length - 1)) / (max - 1))] as number);
}

/** At most `max` points of a series in order: bucket means, each at its bucket's middle position. */
export function bucket(points: ReadonlyArray<readonly [number, number]>, max: number): Array<[number, number]> {
  if (points.length <= max) return points.map(([x, y]) => [x, y]);
  const out: Array<[number, number]> = [];
  for (let b = 0; b < max; b++) {
    const slice = points.slice(Math.floor((b * points.length) / max), Math.floor(((b + 1) * points.length) / max));
    if (slice.length === 0) continue;
    const x = slice.reduce((s, p) => s + p[0], 0) / slice.length;
    const y = slice.reduce((s, p) => s + p[1], 0) / slice.length;
    out.push([x, y]);
  }
  return out;
}

function svgOpen(width: number, height: number, kind: string, title: string): string {
  // The viewBox lets the chart shrink with the page; the title is what a screen reader says. No xmlns: the
  // HTML parser puts inline SVG in its namespace, and the page then holds no address but its own links.
  return (
    `<svg class="chart ${kind}" role="img" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}"><title>${title}</title>`
  );
}

/** A horizontal value axis at `y`: grid lines up to `top`, tick marks and labels. */
function valueAxisX(axis: Axis, x: (v: number) => number, y: number, top: number, unit: string): string {
  const parts = axis.ticks.map((t) => {
    const px = n(x(t));
    return (
      `<line x1="${px}" x2="${px}" y1="${n(top)}" y2="${n(y)}" stroke="#d0d7de" stroke-width="1"/>` +
      `<text x="${px}" y="${n(y + 16)}" text-anchor="middle" font-size="11" fill="#57606a">${escapeHtml(formatTick(t, unit))}</text>`
    );
  });
  const left = n(x(axis.lo));
  const right = n(x(axis.hi));
  return `<g class="axis">${parts.join('')}<line x1="${left}" x2="${right}" y1="${n(y)}" y2="${n(y)}" stroke="#8c959f"/></g>`;
}

/** A vertical value axis at `x`: grid lines across to `right`, labels to the left. */
function valueAxisY(axis: Axis, y: (v: number) => number, x: number, right: number, unit: string): string {
  const parts = axis.ticks.map((t) => {
    const py = n(y(t));
    return (
      `<line x1="${n(x)}" x2="${n(right)}" y1="${py}" y2="${py}" stroke="#d0d7de" stroke-width="1"/>` +
      `<text x="${n(x - 6)}" y="${py}" dy="4" text-anchor="end" font-size="11" fill="#57606a">${escapeHtml(formatTick(t, unit))}</text>`
    );
  });
  return `<g class="axis">${parts.join('')}<line x1="${n(x)}" x2="${n(x)}" y1="${n(y(axis.lo))}" y2="${n(y(axis.hi))}" stroke="#8c959f"/></g>`;
}

function legend(
  items: ReadonlyArray<{ label: string; colour: string; shape: 'line' | 'dot' | 'diamond' }>,
  x0: number,
) {
  let x = x0;
  const parts = items.map((it) => {
    const mark =
      it.shape === 'line'
        ? `<line x1="${n(x)}" x2="${n(x + 16)}" y1="10" y2="10" stroke="${it.colour}" stroke-width="2"/>`
        : it.shape === 'dot'
          ? `<circle cx="${n(x + 8)}" cy="10" r="4" fill="${it.colour}"/>`
          : `<path d="${diamond(x + 8, 10, 5)}" fill="${it.colour}"/>`;
    const text = `<text x="${n(x + 21)}" y="14" font-size="11" fill="#24292f">${escapeHtml(it.label)}</text>`;
    x += 30 + it.label.length * 6.5;
    return mark + text;
  });
  return `<g class="legend">${parts.join('')}</g>`;
}

function diamond(cx: number, cy: number, r: number): string {
  return `M${n(cx)} ${n(cy - r)}L${n(cx + r)} ${n(cy)}L${n(cx)} ${n(cy + r)}L${n(cx - r)} ${n(cy)}Z`;
}

// ---- strip plot with boxes ----------------------------------------------------------------------------------

export interface SampleSet {
  /** Trusted row label ("base", "head"). */
  label: string;
  tone: Tone;
  values: readonly number[];
}

export interface StripOptions {
  unit: string;
  /** Trusted text: the accessible title. */
  title: string;
  width?: number;
}

/**
 * The sample sets on one horizontal axis in the unit, one row each: every value a dot (jittered
 * deterministically, so the same input draws the same page), a box from the lower to the upper quartile with
 * the median, whiskers to the extremes. One dot per value given: callers thin large sets first.
 */
export function stripPlot(sets: readonly SampleSet[], opts: StripOptions): string {
  const rows = sets.map((s) => ({ ...s, values: finiteOnly(s.values) })).filter((s) => s.values.length > 0);
  const width = opts.width ?? 720;
  const left = 56;
  const right = width - 24;
  const rowH = 46;
  const top = 8;
  const axisY = top + rows.length * rowH;
  const height = axisY + 26;
  const all = rows.flatMap((s) => s.values);
  const axis = niceAxis(Math.min(...all), Math.max(...all));
  const x = scale(axis, left, right);
  const body = rows.map((s, r) => {
    const cy = top + r * rowH + rowH / 2;
    const colour = COLOURS[s.tone];
    const sorted = [...s.values].sort((a, b) => a - b);
    const q = (p: number) => quantileSorted(sorted, p);
    const [lo, q1, med, q3, hi] = [q(0), q(0.25), q(0.5), q(0.75), q(1)].map(x);
    const box =
      `<line x1="${n(lo as number)}" x2="${n(hi as number)}" y1="${n(cy)}" y2="${n(cy)}" stroke="${colour}"/>` +
      `<rect class="box" x="${n(q1 as number)}" y="${n(cy - 10)}" width="${n(Math.max(1, (q3 as number) - (q1 as number)))}" ` +
      `height="20" fill="${colour}" fill-opacity="0.12" stroke="${colour}"/>` +
      `<line class="median" x1="${n(med as number)}" x2="${n(med as number)}" y1="${n(cy - 12)}" y2="${n(cy + 12)}" ` +
      `stroke="${colour}" stroke-width="2.5"/>`;
    // Golden-ratio jitter: spread evenly over the row's band, and the same every time.
    const dots = s.values.map((v, i) => {
      const dy = ((((i + 1) * 0.6180339887) % 1) - 0.5) * 26;
      return `<circle class="pt" cx="${n(x(v))}" cy="${n(cy + dy)}" r="3" fill="${colour}" fill-opacity="0.75"/>`;
    });
    const label = `<text x="${n(left - 8)}" y="${n(cy + 4)}" text-anchor="end" font-size="12" fill="${colour}">${escapeHtml(s.label)}</text>`;
    return `<g class="row ${s.tone}">${label}${box}${dots.join('')}</g>`;
  });
  return `${svgOpen(width, height, 'strip', escapeHtml(opts.title))}${valueAxisX(axis, x, axisY, top, opts.unit)}${body.join('')}</svg>`;
}

// ---- line chart ---------------------------------------------------------------------------------------------

export interface LineSeries {
  /** Trusted legend label. */
  label: string;
  tone: Tone;
  points: ReadonlyArray<readonly [number, number]>;
  /** A dot on every point (short series). */
  dots?: boolean;
}

export interface Marker {
  /** Trusted label written beside the mark. */
  label: string;
  tone: Tone;
  x: number;
  y: number;
}

export interface LineOptions {
  unit: string;
  title: string;
  /** Trusted labels under the x axis at chosen positions. */
  xTicks?: ReadonlyArray<{ x: number; label: string }>;
  width?: number;
  height?: number;
}

/**
 * Series over an x axis (a run or window index) with values in the unit on the y axis, and marks for single
 * points (the base and the head). Each series is one polyline: its `points` attribute has one pair per point.
 */
export function lineChart(series: readonly LineSeries[], markers: readonly Marker[], opts: LineOptions): string {
  const lines = series
    .map((s) => ({ ...s, points: s.points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py)) }))
    .filter((s) => s.points.length > 0);
  const marks = markers.filter((m) => Number.isFinite(m.x) && Number.isFinite(m.y));
  const width = opts.width ?? 720;
  const height = opts.height ?? 220;
  const left = 72;
  const right = width - 56;
  const top = 26;
  const bottom = height - 26;
  const xs = [...lines.flatMap((s) => s.points.map((p) => p[0])), ...marks.map((m) => m.x)];
  const ys = [...lines.flatMap((s) => s.points.map((p) => p[1])), ...marks.map((m) => m.y)];
  const yAxis = niceAxis(Math.min(...ys), Math.max(...ys), 4);
  const xLo = Math.min(...xs);
  const xHi = Math.max(...xs);
  // Half a step of room at each end, so the first and last points are not drawn on the frame.
  const pad = xHi > xLo ? (xHi - xLo) * 0.03 : 1;
  const x = scale({ lo: xLo - pad, hi: xHi + pad }, left, right);
  const y = scale(yAxis, bottom, top);
  const ticks = (opts.xTicks ?? []).map(
    (t) =>
      `<text x="${n(x(t.x))}" y="${n(bottom + 16)}" text-anchor="middle" font-size="11" fill="#57606a">${escapeHtml(t.label)}</text>`,
  );
  const paths = lines.map((s) => {
    const colour = COLOURS[s.tone];
    const pts = s.points.map(([px, py]) => `${n(x(px))},${n(y(py))}`).join(' ');
    const dots = s.dots
      ? s.points.map(([px, py]) => `<circle class="pt" cx="${n(x(px))}" cy="${n(y(py))}" r="2.5" fill="${colour}"/>`)
      : [];
    return (
      `<g class="series ${s.tone}"><polyline class="line" points="${pts}" fill="none" stroke="${colour}" ` +
      `stroke-width="1.75" stroke-linejoin="round"/>${dots.join('')}</g>`
    );
  });
  const marked = marks.map((m) => {
    const colour = COLOURS[m.tone];
    const cx = x(m.x);
    const cy = y(m.y);
    const shape =
      m.tone === 'head'
        ? `<circle cx="${n(cx)}" cy="${n(cy)}" r="5.5" fill="${colour}" stroke="#fff" stroke-width="1.5"/>`
        : `<path d="${diamond(cx, cy, 6)}" fill="${colour}" stroke="#fff" stroke-width="1.5"/>`;
    const text = `<text x="${n(cx + 9)}" y="${n(cy - 7)}" font-size="11" fill="${colour}">${escapeHtml(m.label)}</text>`;
    return `<g class="mark ${m.tone}">${shape}${text}</g>`;
  });
  const key = legend(
    [
      ...lines.map((s) => ({ label: s.label, colour: COLOURS[s.tone], shape: 'line' as const })),
      ...marks.map(
        (m) => ({ label: m.label, colour: COLOURS[m.tone], shape: m.tone === 'head' ? 'dot' : 'diamond' }) as const,
      ),
    ],
    left,
  );
  const frame = `<line x1="${n(left)}" x2="${n(right)}" y1="${n(bottom)}" y2="${n(bottom)}" stroke="#8c959f"/>`;
  return (
    `${svgOpen(width, height, 'line', escapeHtml(opts.title))}${valueAxisY(yAxis, y, left, right, opts.unit)}${frame}` +
    `${ticks.join('')}${paths.join('')}${marked.join('')}${key}</svg>`
  );
}

// ---- grouped bars -------------------------------------------------------------------------------------------

export interface BarGroup {
  /** Trusted group label ("p95"). */
  label: string;
  bars: ReadonlyArray<{ tone: Tone; value: number | undefined }>;
}

/** Horizontal bars from zero, grouped (one bar per side in each group), each with its value written after it. */
export function barChart(groups: readonly BarGroup[], opts: { unit: string; title: string; width?: number }): string {
  const width = opts.width ?? 720;
  const left = 56;
  const right = width - 96;
  const barH = 11;
  const gap = 10;
  const top = 6;
  const groupH = (g: BarGroup) => g.bars.length * (barH + 2) + gap;
  const axisY = top + groups.reduce((s, g) => s + groupH(g), 0);
  const height = axisY + 26;
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v): v is number => Number.isFinite(v));
  const axis = niceAxis(Math.min(0, ...values), Math.max(0, ...values), 5);
  const x = scale(axis, left, right);
  let at = top;
  const body = groups.map((g) => {
    const y0 = at;
    at += groupH(g);
    const bars = g.bars.map((b, i) => {
      if (b.value === undefined || !Number.isFinite(b.value)) return '';
      const by = y0 + i * (barH + 2);
      const x0 = x(Math.min(0, b.value));
      const w = Math.max(1, Math.abs(x(b.value) - x(0)));
      const colour = COLOURS[b.tone];
      return (
        `<rect class="bar ${b.tone}" x="${n(x0)}" y="${n(by)}" width="${n(w)}" height="${barH}" fill="${colour}"/>` +
        `<text x="${n(x0 + w + 4)}" y="${n(by + barH - 1)}" font-size="10" fill="#24292f">${escapeHtml(formatTick(b.value, opts.unit))}</text>`
      );
    });
    const mid = y0 + (g.bars.length * (barH + 2)) / 2 + 3;
    const label = `<text x="${n(left - 8)}" y="${n(mid)}" text-anchor="end" font-size="12" fill="#24292f">${escapeHtml(g.label)}</text>`;
    return `<g class="group">${label}${bars.join('')}</g>`;
  });
  return `${svgOpen(width, height, 'bars', escapeHtml(opts.title))}${valueAxisX(axis, x, axisY, top, opts.unit)}${body.join('')}</svg>`;
}
