// Trend charts in the comment: Mermaid xychart blocks for the changed metrics, built from the history's levels.

import { describe, expect, it } from 'vitest';
import { HISTORY_SCHEMA, type HistoryDocument } from '../src/baseline/history.ts';
import { RESULTS_SCHEMA, type ResultsDocument } from '../src/model/results.ts';
import { type Comparison, VERDICT_SCHEMA, type VerdictDocument } from '../src/model/verdict.ts';
import { renderMarkdown } from '../src/report/index.ts';
import { MAX_CHARTS, mermaidBlock, trendCharts } from '../src/report/mermaid.ts';

const env = { os: 'linux', arch: 'x64', cpu: 'Test CPU', cores: 2, node: 'v24.0.0' };

const cmp = (id: string, verdict: Comparison['verdict'], head: number, unit = 'ms'): Comparison =>
  ({ id, unit, better: 'lower', base: 10, head, ratio: head / 10, verdict }) as Comparison;

function history(levels: Record<string, number[]>, unit = 'ms'): HistoryDocument {
  const n = Math.max(...Object.values(levels).map((v) => v.length));
  return {
    schema: HISTORY_SCHEMA,
    runs: Array.from({ length: n }, (_, i) => ({
      createdAt: `2026-11-0${i + 1}T00:00:00.000Z`,
      git: { sha: `${'abcdef0123456789'[i]}`.repeat(40) },
      env,
      metrics: Object.fromEntries(
        Object.entries(levels)
          .filter(([, v]) => v[i] !== undefined)
          .map(([id, v]) => [
            id,
            { unit, better: 'lower' as const, median: v[i] as number, level: v[i] as number, n: 5 },
          ]),
      ),
    })),
  };
}

describe('trend charts', () => {
  it('charts changed metrics only, worst first, with each history level then the head', () => {
    const comparisons = [cmp('a/flat', 'unchanged', 10), cmp('a/slow', 'regressed', 15), cmp('a/fast', 'improved', 8)];
    const charts = trendCharts(
      comparisons,
      history({ 'a/flat': [10, 10], 'a/slow': [10, 10.5, 9.5], 'a/fast': [10, 10] }),
    );
    expect(charts.map((c) => c.id)).toEqual(['a/slow', 'a/fast']);
    expect(charts[0]).toEqual({
      id: 'a/slow',
      unit: 'ms',
      labels: ['aaaaaaa', 'bbbbbbb', 'ccccccc', 'head'],
      values: [10, 10.5, 9.5, 15],
    });
  });

  it('converts history levels to the comparison unit, skips metrics with under two runs, caps the count', () => {
    const s = trendCharts([cmp('a/x', 'regressed', 0.02, 's')], history({ 'a/x': [10, 12] }, 'ms'));
    expect(s[0]?.values).toEqual([0.01, 0.012, 0.02]);
    expect(trendCharts([cmp('a/y', 'regressed', 20)], history({ 'a/y': [10] }))).toEqual([]);
    const many = Array.from({ length: 6 }, (_, i) => cmp(`m/${i}`, 'regressed', 20 + i));
    const levels = Object.fromEntries(many.map((c) => [c.id, [10, 11]]));
    expect(trendCharts(many, history(levels))).toHaveLength(MAX_CHARTS);
    expect(trendCharts(many, undefined)).toEqual([]);
  });

  it('writes a block with only safe characters from the unit and labels', () => {
    const block = mermaidBlock(
      { id: 'x', unit: 'req/s"]\n', labels: ['a1b2c3d', 'head'], values: [1234.5678, 0.000123] },
      2,
    );
    expect(block).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "Trend 2: main-branch runs, then this run"',
        '  x-axis ["a1b2c3d", "head"]',
        '  y-axis "req/s"',
        '  line [1235, 0.000123]',
        '```',
      ].join('\n'),
    );
  });

  it('goes into the Markdown report only when asked', () => {
    const verdict: VerdictDocument = {
      schema: VERDICT_SCHEMA,
      status: 'fail',
      baseline: { sha: 'c'.repeat(40), createdAt: '2026-11-03T00:00:00.000Z', source: 'file' },
      criteria: [],
      comparisons: [cmp('a/slow', 'regressed', 15)],
      warnings: [],
    };
    const head: ResultsDocument = { schema: RESULTS_SCHEMA, createdAt: '2026-11-04T00:00:00.000Z', env, suites: [] };
    const input = { verdict, head, history: history({ 'a/slow': [10, 10.5, 9.5] }) };
    expect(renderMarkdown(input)).not.toContain('```mermaid');
    const md = renderMarkdown(input, { charts: true });
    expect(md).toContain('#### Trend\n\n<code>a/slow</code> (ms)\n\n```mermaid\nxychart-beta');
    expect(md).toContain('  line [10, 10.5, 9.5, 15]');
  });
});
