// ratio(A, B) and diff(A, B) keep their pairs in the verdict: the JSON writer orders them, parseVerdict reads
// them back unchanged, and the Markdown, terminal and HTML reports list every pair under the criterion.

import { describe, expect, it } from 'vitest';
import { judge } from '../src/compare/judge.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import { RESULTS_SCHEMA, type ResultsDocument } from '../src/model/results.ts';
import { parseVerdict, type VerdictDocument } from '../src/model/verdict.ts';
import { renderHtml } from '../src/report/html.ts';
import { renderJson } from '../src/report/json.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { renderTerminal } from '../src/report/terminal.ts';

/** A coordination round and the same work called directly, at three agent counts; agents=8 has no direct. */
function head(): ResultsDocument {
  const metric = (name: string, agents: number, samples: number[]) =>
    makeMetric({ suite: 'coord', name, params: { agents }, unit: 'ms', better: 'lower', samples });
  return {
    schema: RESULTS_SCHEMA,
    createdAt: '2026-12-01T00:00:00.000Z',
    env: { os: 'linux', arch: 'x64', cpu: 'Test CPU', cores: 2, node: 'v22.0.0' },
    suites: [
      {
        name: 'coord',
        kind: 'bench',
        ok: true,
        durationMs: 1000,
        metrics: [
          metric('round', 4, [20, 21, 22]),
          metric('round', 8, [40, 41, 42]),
          metric('round', 32, [150, 160, 170]),
          metric('direct', 4, [1, 1, 1]),
          metric('direct', 32, [8, 8, 8]),
        ],
      },
    ],
  };
}

function verdictOf(expect: string): VerdictDocument {
  return judge({ head: head(), criteria: [{ name: 'overhead', expect }] });
}

describe('relative criteria evidence in the verdict', () => {
  it('keeps every pair of diff(A, B) through the JSON writer and parseVerdict', () => {
    const v = verdictOf('diff(coord/round, coord/direct) max < 100ms');
    const c = v.criteria[0];
    expect(c?.status).toBe('fail');
    expect(c?.relative?.kind).toBe('diff');
    expect(c?.relative?.pairs.map((p) => [p.a.id, p.b.id, p.value, p.status])).toEqual([
      ['coord/round[agents=4]', 'coord/direct[agents=4]', 21, 'pass'],
      ['coord/round[agents=32]', 'coord/direct[agents=32]', 162, 'fail'],
    ]);
    expect(c?.relative?.unpaired).toEqual([{ side: 'a', id: 'coord/round[agents=8]' }]);

    const text = renderJson(v);
    const back = parseVerdict(text, 'verdict.json');
    expect(back).toEqual(JSON.parse(JSON.stringify(v)));
    expect(back.criteria[0]?.relative).toEqual(c?.relative);
    // The writer's order is documented: the evidence comes last in a criterion, its keys in their own order.
    const written = JSON.parse(text).criteria[0];
    expect(Object.keys(written)).toEqual(['name', 'expect', 'status', 'actual', 'unit', 'detail', 'relative']);
    expect(Object.keys(written.relative)).toEqual(['kind', 'stat', 'pairs', 'unpaired', 'ambiguous']);
    expect(Object.keys(written.relative.pairs[0])).toEqual(['a', 'b', 'value', 'unit', 'limit', 'status']);
    // Writing what was read gives the same bytes: verdicts diff cleanly.
    expect(renderJson(back)).toBe(text);
  });

  it('refuses relative evidence of the wrong shape with the path to it', () => {
    const v = JSON.parse(renderJson(verdictOf('ratio(coord/round, coord/direct) <= 30')));
    v.criteria[0].relative.pairs[1].status = 'maybe';
    expect(() => parseVerdict(JSON.stringify(v), 'v.json')).toThrow(/\$\.criteria\[0\]\.relative\.pairs\[1\]\.status/);
    delete v.criteria[0].relative.pairs[1].a.id;
    v.criteria[0].relative.pairs[1].status = 'fail';
    expect(() => parseVerdict(JSON.stringify(v), 'v.json')).toThrow(/\$\.criteria\[0\]\.relative\.pairs\[1\]\.a\.id/);
  });

  it('reads a verdict without relative evidence (written before it existed) as before', () => {
    const v = verdictOf('coord/round[agents=4] max < 100ms');
    expect(v.criteria[0]?.relative).toBeUndefined();
    const text = renderJson(v);
    expect(text).not.toContain('"relative"');
    expect(parseVerdict(text, 'v.json').criteria[0]).toEqual(v.criteria[0]);
  });

  it('lists every pair under the criterion in the Markdown, terminal and HTML reports, failing pairs first', () => {
    // Read back first, as the action's report mode does with an uploaded verdict.
    const verdict = parseVerdict(renderJson(verdictOf('ratio(coord/round, coord/direct) <= 20.5')), 'v.json');
    const input = { verdict, head: head(), configId: 'orch' };
    const md = renderMarkdown(input);
    const row = md.split('\n').find((l) => l.includes('ratio\\(coord/round, coord/direct\\)')) ?? '';
    const cell = row.replace(/ \|$/, '').split(' | ').at(-1) ?? '';
    const lines = cell.split('<br>');
    expect(lines).toHaveLength(3); // the detail, then one line per pair
    expect(lines[1]).toBe('❌ coord/round\\[agents=4\\] / coord/direct\\[agents=4\\]: 21 ms / 1 ms = 21x');
    expect(lines[2]).toBe('✅ coord/round\\[agents=32\\] / coord/direct\\[agents=32\\]: 160 ms / 8 ms = 20x');

    const terminal = renderTerminal(input, { color: false }).split('\n');
    const at = terminal.findIndex((l) => l.includes('ratio(coord/round, coord/direct) <= 20.5'));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(terminal[at + 1]?.trim()).toBe('✘ coord/round[agents=4] / coord/direct[agents=4]: 21 ms / 1 ms = 21x');
    expect(terminal[at + 2]?.trim()).toBe('✔ coord/round[agents=32] / coord/direct[agents=32]: 160 ms / 8 ms = 20x');
    // The pair lines sit in the detail column, under the row's own detail.
    expect(terminal[at + 1]?.indexOf('✘')).toBe(terminal[at]?.indexOf('worst:'));

    const html = renderHtml(input);
    expect(html).toContain('coord/round[agents=32] / coord/direct[agents=32]: 160 ms / 8 ms = 20x</li>');
  });

  it('leaves a single pair to the detail, which already shows it', () => {
    const verdict = verdictOf('diff(coord/round[agents=32], coord/round[agents=4]) < 200ms');
    expect(verdict.criteria[0]?.relative?.pairs).toHaveLength(1);
    const md = renderMarkdown({ verdict, head: head() });
    const row = md.split('\n').find((l) => l.includes('diff\\(')) ?? '';
    expect(row).not.toContain('<br>');
    expect(row).toContain('coord/round\\[agents=32\\] - coord/round\\[agents=4\\]');
  });
});
