// Unit mismatches are found when perf.yml is read (perf-action validate, before any suite runs), with the
// same rule evaluation applies after the run; what cannot be known before the run is left to evaluation.

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/program.ts';
import { CriteriaConfigError } from '../src/criteria/parse.ts';
import { checkCriteriaUnits, type SuiteUnits, unitOf } from '../src/criteria/units-check.ts';
import { evaluateCriteria } from '../src/index.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import { BENCH_METRIC_UNITS } from '../suites/bench/units.ts';
import { BROKER_METRIC_UNITS } from '../suites/broker/units.ts';
import { HTTP_METRIC_UNITS } from '../suites/http/units.ts';
import { registry } from '../suites/registry.ts';

const suites: SuiteUnits[] = [
  { name: 'api', units: HTTP_METRIC_UNITS },
  { name: 'bus', units: BROKER_METRIC_UNITS },
  { name: 'plan', units: BENCH_METRIC_UNITS, ladder: ['plan/solve p95 < 1s'] },
  { name: 'tool' },
];

const errorOf = (expect: string, where = 'perf.yml:9:13'): CriteriaConfigError | undefined => {
  try {
    checkCriteriaUnits([{ expect, where }], suites);
    return undefined;
  } catch (err) {
    if (err instanceof CriteriaConfigError) return err;
    throw err;
  }
};

describe('criteria units, checked before the run', () => {
  it('knows a metric unit from its suite kind and literal name, and nothing from globs or unknown kinds', () => {
    expect(unitOf('api/GET_agents/latency', suites)).toBe('ms');
    expect(unitOf('api/all/throughput[users=10]', suites)).toBe('req/s');
    expect(unitOf('bus/consume/throughput', suites)).toBe('events/s');
    expect(unitOf('plan/solve[nodes=1000]', suites)).toBe('ms');
    expect(unitOf('plan/max_users', suites)).toBe('count');
    expect(unitOf('api/*/latency', suites)).toBe('ms');
    expect(unitOf('api/x/*', suites)).toBeUndefined();
    expect(unitOf('*/x/latency', suites)).toBeUndefined();
    expect(unitOf('tool/elapsed', suites)).toBeUndefined();
    expect(unitOf('nosuch/latency', suites)).toBeUndefined();
  });

  it('rejects a VALUE of another dimension, naming the place and the metric', () => {
    const err = errorOf('api/*/latency p95 < 200MB');
    expect(err?.message).toMatch(/^perf\.yml:9:13: criterion 1 "api\/\*\/latency p95 < 200MB": 200MB is/);
    expect(err?.message).toMatch(/ms/);
    expect(errorOf('bus/consume/throughput >= 100ms')?.message).toMatch(/events\/s/);
    expect(errorOf('api/all/error_rate < 5ms')?.message).toMatch(/%/);
  });

  it('rejects a bare number on a metric with a unit, and asks for one', () => {
    expect(errorOf('api/all/latency p95 < 200')?.message).toMatch(/has no unit.*give a unit/);
  });

  it('accepts what evaluation accepts: same dimension, a rate on a bench time, counts, n', () => {
    for (const ok of [
      'api/*/latency p95 < 0.2s',
      'plan/solve >= 50/s',
      'bus/lost == 0',
      'api/all/latency n >= 100',
      'diff(api/a/latency, api/b/latency) < 100ms',
      'ratio(plan/a, plan/b) >= 2',
      'scaling(plan/solve, nodes) < 1.2',
      'tool/elapsed < 5',
    ]) {
      expect(errorOf(ok), ok).toBeUndefined();
    }
  });

  it('checks ladder criteria and diff() too, and lists every problem at once', () => {
    const err = (() => {
      try {
        checkCriteriaUnits(
          [
            { expect: 'diff(api/a/latency, api/b/latency) < 5%', where: 'perf.yml:20:5' },
            { expect: 'api/all/throughput > 1s', where: 'perf.yml:21:5' },
          ],
          [...suites.slice(0, 2), { name: 'plan', units: BENCH_METRIC_UNITS, ladder: ['plan/solve < 3MB'] }],
        );
      } catch (e) {
        return e as CriteriaConfigError;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(CriteriaConfigError);
    expect(err?.problems.map((p) => p.where)).toEqual(['perf.yml:20:5', 'perf.yml:21:5', 'suite plan ladder[0]']);
  });

  it('agrees with evaluation after the run on every verdict it gives before it', () => {
    const metrics = [
      makeMetric({ suite: 'api', name: 'x/latency', unit: 'ms', better: 'lower', samples: [10, 12] }),
      makeMetric({ suite: 'api', name: 'x/throughput', unit: 'req/s', better: 'higher', samples: [100, 120] }),
      makeMetric({ suite: 'plan', name: 'solve', unit: 'ms', better: 'lower', samples: [5, 6] }),
    ];
    for (const expectText of [
      'api/x/latency p95 < 1req/s',
      'api/x/latency < 20',
      'api/x/throughput > 1s',
      'api/x/latency < 1s',
      'api/x/throughput > 50/s',
      'plan/solve >= 50/s',
      'plan/solve < 5MB',
      'api/x/latency p95 < 200req/s',
    ]) {
      const before = errorOf(expectText) === undefined;
      let after = true;
      try {
        evaluateCriteria([{ expect: expectText }], metrics);
      } catch (err) {
        if (!(err instanceof CriteriaConfigError)) throw err;
        after = false;
      }
      expect(before, expectText).toBe(after);
    }
  });
});

describe('perf-action validate', () => {
  async function validate(criterion: string, suiteKeys = ''): Promise<{ code: number; err: string }> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'perf-units-'));
    writeFileSync(
      path.join(dir, 'perf.yml'),
      `version: 1
suites:
  - name: api
    kind: http
    target: http://127.0.0.1:9
    load: { users: ${suiteKeys ? '"{{grid.users}}"' : 1}, duration: 1s }
    requests:
      - { name: list, path: /agents }
${suiteKeys}criteria:
  - expect: "${criterion}"
`,
    );
    let out = '';
    let err = '';
    const sink = (f: (t: string) => void) =>
      ({
        write: (t: string) => {
          f(t);
          return true;
        },
      }) as unknown as NodeJS.WriteStream;
    const code = await main(['validate', '--config', 'perf.yml'], {
      stdout: sink((t) => {
        out += t;
      }),
      stderr: sink((t) => {
        err += t;
      }),
      cwd: dir,
      env: {},
      registry,
    });
    return { code, err: err + out };
  }

  it('exits 2 before running anything when a criterion VALUE cannot be read in its metric unit', async () => {
    const bad = await validate('api/list/latency p95 < 200');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/perf\.yml:10:\d+: criterion 1 .*200 has no unit but api\/list\/latency is measured in ms/);
    // A ladder's criteria too, placed at their suite's line.
    const ladder = await validate(
      'api/list/latency p95 < 200ms',
      '    grid: { users: [1, 2] }\n    ladder: ["api/all/latency p95 < 2MB"]\n',
    );
    expect(ladder.code).toBe(2);
    expect(ladder.err).toMatch(
      /perf\.yml:3 ladder\[0\]: criterion 1 .*2MB is .* but api\/all\/latency is measured in ms/,
    );
    const good = await validate('api/list/latency p95 < 200ms');
    expect(good.code).toBe(0);
    expect(good.err).toMatch(/is valid/);
  });
});
