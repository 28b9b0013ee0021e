// What a reader sees of the history: unreliable rows with their run-to-run band, one warning naming them,
// and the warning when base and head ran on different machines, in the PR comment and in the terminal.

import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { judge } from '../src/compare/judge.ts';
import type { ResultsDocument, RunEnvironment } from '../src/model/results.ts';
import { renderMarkdown, renderTerminal } from '../src/report/index.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { resultsAt } from './helpers/documents.ts';
import { syntheticMetric } from './helpers/synthetic.ts';

const env: RunEnvironment = { os: 'linux 6.1', arch: 'x64', cpu: 'AMD EPYC 7763', cores: 4, node: 'v20.11.0' };

/** A steady metric and a drifting one (±6% between runs), each with 5 tight replicates. */
function run(i: number, rng: () => number, e: RunEnvironment = env, slow = 1): ResultsDocument {
  const values = (level: number) => Array.from({ length: 5 }, () => level * Math.exp(0.003 * normalDraw(rng)));
  return resultsAt(
    i,
    e,
    [
      syntheticMetric('api/steady', 'lower', values(10 * (1 + 0.002 * normalDraw(rng)) * slow)),
      syntheticMetric('api/drifty', 'lower', values(20 * Math.exp(0.06 * normalDraw(rng)) * slow)),
    ],
    `${i}`.padStart(7, '0'),
  );
}

function scenario(headEnv: RunEnvironment = env) {
  const rng = makeRng(77);
  let history: HistoryDocument | undefined;
  let base: ResultsDocument | undefined;
  for (let i = 0; i < 10; i++) {
    base = run(i, rng);
    history = appendToHistory(history, base);
  }
  const head = run(20, rng, headEnv, 1.3);
  const judged = judge({
    head,
    baseline: { results: base as ResultsDocument, source: 'base.json', ...(history ? { history } : {}) },
  });
  const input = { verdict: judged, head, base: base as ResultsDocument };
  return { judged, input };
}

describe('reports show run-to-run noise', () => {
  it('judges each metric against its history: the steady one regressed, the drifting one not decided', () => {
    const { judged, input } = scenario();
    const steady = judged.comparisons.find((c) => c.id === 'api/steady');
    const drifty = judged.comparisons.find((c) => c.id === 'api/drifty');
    expect(steady?.verdict).toBe('regressed');
    expect(steady?.evidence).toMatchObject({ test: 'history', historyRuns: 10 });
    // ±6% between runs: a 30% slowdown cannot be told from drift at the run's confidence.
    expect(drifty?.verdict).toBe('inconclusive');
    expect(drifty?.evidence?.sd).toBeGreaterThan(0.03);
    expect(steady?.evidence?.sd).toBeLessThan(0.01);
    // Base is the history's prediction and Change is Head/Base of the same statistic.
    expect((steady?.head ?? 0) / (steady?.base ?? 1)).toBeCloseTo(steady?.ratio ?? 0, 10);
    const md = renderMarkdown(input);
    const row = md.split('\n').find((l) => l.includes('<code>api/drifty</code>'));
    expect(row).toContain('10 runs');
    const term = renderTerminal(input, { width: 200 });
    expect(term.split('\n').find((l) => l.trimStart().startsWith('api/steady'))).toContain('10 runs');
  });

  it('warns in both reports when the baseline ran on another CPU, core count, Node version or OS', () => {
    const other = { ...env, cpu: 'Intel Xeon 8375C', cores: 8, node: 'v22.3.0', os: 'darwin 23.1' };
    const { judged, input } = scenario(other);
    const w = judged.warnings.map((x) => x.message).join('\n');
    expect(w).toMatch(/different CPU \(baseline: AMD EPYC 7763; this run: Intel Xeon 8375C\)/);
    expect(w).toMatch(/different number of CPU cores \(baseline: 4; this run: 8\)/);
    expect(w).toMatch(/different Node\.js version \(baseline: v20\.11\.0; this run: v22\.3\.0\)/);
    expect(w).toMatch(/different platform \(baseline: linux 6\.1\/x64; this run: darwin 23\.1\/x64\)/);
    const md = renderMarkdown(input);
    expect(md).toMatch(
      /The baseline ran on a different machine \(OS: linux 6\.1 → darwin 23\.1; CPU: AMD EPYC 7763 → Intel Xeon 8375C; cores: 4 → 8; Node: v20\.11\.0 → v22\.3\.0\)/,
    );
    const term = renderTerminal(input, { width: 200 });
    expect(term).toContain('The baseline ran on a different machine');
    expect(term).toContain('CPU: AMD EPYC 7763 → Intel Xeon 8375C');
    // The history was measured on the baseline's machine; it still describes the baseline's noise.
    expect(judged.comparisons.find((c) => c.id === 'api/drifty')?.evidence?.historyRuns).toBe(10);
  });
});
