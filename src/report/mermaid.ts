// Small trend charts for the PR comment, as Mermaid xychart blocks that GitHub draws in place: for each changed
// metric (regressed first, then improved), its level over the baseline history's main-branch runs, then this
// run. Only trusted text goes into the block: numbers, short shas and a fixed title with the metric's index.

import type { HistoryDocument } from '../baseline/history.ts';
import { inUnit } from '../model/units.ts';
import type { Comparison } from '../model/verdict.ts';
import { sortWorstFirst } from './facts.ts';

/** Charts per comment, and runs per chart: enough to see a step, small enough to read at a glance. */
export const MAX_CHARTS = 3;
export const MAX_CHART_RUNS = 20;

export interface TrendChart {
  /** The metric the chart is about (rendered outside the block, escaped, by the caller). */
  id: string;
  unit: string;
  /** x labels: short shas (or run numbers) of the history runs, then "head". */
  labels: string[];
  values: number[];
}

/** The charts' data: changed metrics with at least two earlier runs in the history. */
export function trendCharts(
  comparisons: readonly Comparison[],
  history: HistoryDocument | undefined,
  max = MAX_CHARTS,
): TrendChart[] {
  if (!history || history.runs.length === 0) return [];
  const changed = sortWorstFirst(comparisons.filter((c) => c.verdict === 'regressed' || c.verdict === 'improved'));
  const runs = history.runs.slice(-MAX_CHART_RUNS);
  const charts: TrendChart[] = [];
  for (const c of changed) {
    if (charts.length >= max || c.head === undefined) break;
    const labels: string[] = [];
    const values: number[] = [];
    runs.forEach((run, i) => {
      const m = Object.hasOwn(run.metrics, c.id) ? run.metrics[c.id] : undefined;
      const v = m ? inUnit(m.level ?? m.median, m.unit, c.unit) : undefined;
      if (v === undefined || !Number.isFinite(v)) return;
      labels.push(run.git?.sha ? run.git.sha.slice(0, 7) : `run ${i + 1}`);
      values.push(v);
    });
    if (values.length < 2) continue;
    charts.push({ id: c.id, unit: c.unit, labels: [...labels, 'head'], values: [...values, c.head] });
  }
  return charts;
}

/** Three significant digits (whole numbers from 100 up), never in exponent form, which Mermaid does not read. */
function num(v: number): string {
  if (Math.abs(v) >= 100) return String(Math.round(v));
  const text = String(Number(v.toPrecision(3)));
  return text.includes('e') ? v.toFixed(12).replace(/0+$/, '') : text;
}

/** One xychart block; `index` numbers the chart, the metric's name is written above it by the caller. */
export function mermaidBlock(chart: TrendChart, index: number): string {
  // Labels are hex shas, "run N" or "head"; the unit comes from our unit table or an ingested tool, so only
  // safe characters are kept.
  const unit = chart.unit.replace(/[^A-Za-z0-9/%µ _-]/g, '').slice(0, 20) || 'value';
  const labels = chart.labels.map((l) => `"${l.replace(/[^A-Za-z0-9 ]/g, '')}"`).join(', ');
  return [
    '```mermaid',
    'xychart-beta',
    `  title "Trend ${index}: main-branch runs, then this run"`,
    `  x-axis [${labels}]`,
    `  y-axis "${unit}"`,
    `  line [${chart.values.map(num).join(', ')}]`,
    '```',
  ].join('\n');
}
