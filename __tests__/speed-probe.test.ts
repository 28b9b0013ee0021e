// The machine-speed probe: what it measures (on a clock the test controls, never the real one), that runs
// record it, and what the report says when the baseline's machine ran at another speed than this one.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { environmentWarnings, SPEED_TOLERANCE, speedWarning } from '../src/compare/environment.ts';
import { judge } from '../src/compare/judge.ts';
import { loadConfig } from '../src/index.ts';
import { parseResults, type ResultsDocument, type RunEnvironment } from '../src/model/results.ts';
import { renderMarkdown } from '../src/report/index.ts';
import { runSuites } from '../src/runner/run.ts';
import { probeSpeed, speedOf } from '../src/runner/speed-probe.ts';
import { resultsAt } from './helpers/documents.ts';
import { scratchDir } from './helpers/scratch.ts';
import { syntheticMetric } from './helpers/synthetic.ts';

const env: RunEnvironment = { os: 'linux 6.1', arch: 'x64', cpu: 'AMD EPYC 7763', cores: 4, node: 'v20.11.0' };
const at = (speed: number): RunEnvironment => ({ ...env, speed });

/** A clock that moves `step` ms each time it is read. */
function steppingClock(step: number) {
  let t = 0;
  return () => {
    t += step;
    return t;
  };
}

describe('probeSpeed', () => {
  it('counts units of work per second of the clock, and a slower clock means a slower machine', () => {
    // The clock is read once per 16 units; a slice ends once 20 ms have passed.
    const fast = probeSpeed({ now: steppingClock(1), warmupMs: 5, slices: 3, sliceMs: 20 });
    expect(fast).toBe((16 * 20 * 1000) / 20);
    const slow = probeSpeed({ now: steppingClock(2), warmupMs: 5, slices: 3, sliceMs: 20 });
    expect(slow).toBe(fast / 2);
  });

  it('reports the median slice, so one slice cut by a pause does not move it', () => {
    // Warm-up takes reads 1-11 (10 ms); the first slice starts at read 12, and read 14 stalls for 500 ms.
    const stalling = () => {
      let reads = 0;
      let t = 0;
      return () => {
        reads++;
        t += reads === 14 ? 500 : 1;
        return t;
      };
    };
    // Alone, the stalled slice is slow: the stall lands in it.
    expect(probeSpeed({ now: stalling(), warmupMs: 10, slices: 1, sliceMs: 20 })).toBeLessThan(100);
    expect(probeSpeed({ now: stalling(), warmupMs: 10, slices: 5, sliceMs: 20 })).toBe(16_000);
  });

  it('summarises a run as the median of its probes, rounded to the probe’s resolution', () => {
    expect(speedOf([])).toBeUndefined();
    expect(speedOf([Number.NaN, 0, -3])).toBeUndefined();
    expect(speedOf([41_234, 39_876, 100_000])).toBe(41_200);
    expect(speedOf([40_000, 42_000])).toBe(41_000);
  });
});

describe('speed warnings', () => {
  it('says how much slower or faster the machine ran than the baseline’s, past the tolerance only', () => {
    expect(speedWarning(at(40_000), at(40_000 * (1 + SPEED_TOLERANCE * 0.9)))).toBeUndefined();
    expect(speedWarning(at(40_000), at(40_000 / (1 + SPEED_TOLERANCE * 0.9)))).toBeUndefined();
    const slower = speedWarning(at(40_000), at(30_000));
    expect(slower).toMatch(/^this run's machine was 25% slower than the baseline's \(speed probe: 30000 vs 40000/);
    expect(slower).toMatch(/compare-to: base/);
    expect(speedWarning(at(30_000), at(40_000))).toMatch(/33% faster/);
    // Either side without a probe (ingested results, older baselines): nothing to say.
    expect(speedWarning(env, at(30_000))).toBeUndefined();
    expect(speedWarning(at(30_000), env)).toBeUndefined();
  });

  it('stays quiet when the baseline machine’s own history shows such speeds are usual there', () => {
    const earlier = [38_000, 31_000, 42_000, 35_000].map(at);
    expect(speedWarning(at(40_000), at(32_000), earlier)).toBeUndefined();
    // Slower than any earlier run: said, with the history's size.
    expect(speedWarning(at(40_000), at(28_000), earlier)).toMatch(/outside the range of the last 4 baseline runs/);
    // Too few earlier runs to know the range: the tolerance alone decides.
    expect(speedWarning(at(40_000), at(32_000), earlier.slice(0, 3))).toMatch(/20% slower/);
  });

  it('a different CPU is said as such, not as a speed difference', () => {
    const other = { ...at(20_000), cpu: 'Intel Xeon E5-2680' };
    const warnings = environmentWarnings(at(40_000), other);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/different CPU/);
  });
});

describe('runs record the speed, and reports show it', () => {
  it('runSuites probes the machine unless told not to; the document keeps it', async () => {
    const dir = scratchDir('perf-speed');
    writeFileSync(
      path.join(dir, 'perf.yml'),
      'version: 1\nsuites:\n  - name: t\n    kind: command\n    run: "true"\n    repeat: 2\n',
    );
    const loaded = await loadConfig(path.join(dir, 'perf.yml'), { env: {} });
    const probed = await runSuites(loaded, { logDir: dir });
    expect(probed.results.suites[0]?.ok).toBe(true);
    expect(probed.results.env.speed).toBeGreaterThan(0);
    const back = parseResults(JSON.stringify(probed.results), 'results.json');
    expect(back.env.speed).toBe(probed.results.env.speed);
    const plain = await runSuites(loaded, { logDir: dir, speedProbe: false });
    expect(plain.results.env.speed).toBeUndefined();
    expect(() => parseResults(JSON.stringify({ ...plain.results, env: { ...env, speed: -1 } }), 'x.json')).toThrow(
      /speed/,
    );
  });

  it('the PR comment warns about a slow machine and gives the probe’s change in its footer', () => {
    const doc = (i: number, e: RunEnvironment, level: number) =>
      resultsAt(i, e, [syntheticMetric('api/op', 'lower', [level, level * 1.01, level * 0.99, level, level * 1.02])]);
    let history: HistoryDocument | undefined;
    let base: ResultsDocument | undefined;
    for (let i = 0; i < 5; i++) {
      base = doc(i, at([41_000, 39_000, 40_500, 39_500, 40_000][i] as number), 10);
      history = appendToHistory(history, base);
    }
    const head = doc(9, at(28_000), 13);
    const judged = judge({
      head,
      baseline: { results: base as ResultsDocument, source: 'base.json', ...(history ? { history } : {}) },
    });
    expect(judged.warnings.map((w) => w.message).join('\n')).toMatch(/machine was 30% slower than the baseline's/);
    const md = renderMarkdown({ verdict: judged, head, base: base as ResultsDocument });
    expect(md).toMatch(/speed probe -30\.0% vs baseline/);
    expect(md).toMatch(/#### Warnings[\s\S]*30% slower/);
  });
});
