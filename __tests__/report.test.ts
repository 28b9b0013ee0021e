import { describe, expect, it } from 'vitest';
import { type Metric, RESULTS_SCHEMA, type ResultsDocument, type RunEnvironment } from '../src/model/results.ts';
import {
  type Comparison,
  type ComparisonVerdict,
  type CriterionResult,
  type Evidence,
  VERDICT_SCHEMA,
  type VerdictDocument,
  warning,
} from '../src/model/verdict.ts';
import { evidenceText } from '../src/report/facts.ts';
import {
  escapeMarkdown,
  type ReportInput,
  renderJson,
  renderMarkdown,
  renderTerminal,
  reportMarker,
  sanitizeTerminal,
} from '../src/report/index.ts';

// ---- factories ----------------------------------------------------------------------------------------------

const ENV: RunEnvironment = {
  os: 'linux',
  arch: 'x64',
  cpu: 'AMD EPYC 7763',
  cores: 4,
  node: 'v22.3.0',
  runner: 'gh-1',
};
const HEAD_AT = '2024-05-03T12:00:00Z';
const BASE_AT = '2024-05-01T12:00:00Z';

function metric(id: string, over: Partial<Metric> = {}): Metric {
  const [suite = 's', ...name] = id.split('/');
  return {
    id,
    suite,
    name: name.join('/') || 'm',
    unit: 'ms',
    better: 'lower',
    stats: { n: 5, mean: 1, median: 1, min: 1, max: 1 },
    ...over,
  };
}

function results(metrics: Metric[] = [], over: Partial<ResultsDocument> = {}): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    createdAt: HEAD_AT,
    env: ENV,
    suites: [{ name: 'suite', kind: 'bench', ok: true, durationMs: 10, metrics }],
    ...over,
  };
}

// A plausible ratio per verdict, so a comparison built from a verdict word alone still reads sensibly.
const DEFAULT_RATIO: Partial<Record<ComparisonVerdict, number>> = {
  regressed: 1.2,
  improved: 0.8,
  unchanged: 1.01,
  inconclusive: 1.04,
};

/** Evidence of a rank test on 5 replicates a side, one head run, in a family of 20 with 3 looks. */
function ev(over: Partial<Evidence> = {}): Evidence {
  return {
    test: 'rank',
    scale: 'log',
    level: 'lower-quartile',
    nBase: 5,
    nHead: 5,
    headRuns: 1,
    alpha: 0.0005,
    family: { size: 20, rejected: 1, looks: 3 },
    ...over,
  };
}

// What the comparison step attaches per verdict: no test for rows only one side has; a bound when undecided.
const DEFAULT_EVIDENCE: Partial<Record<ComparisonVerdict, Partial<Evidence>>> = {
  regressed: {},
  improved: {},
  unchanged: {},
  inconclusive: { detectable: 0.12 },
};

function cmp(id: string, verdict: ComparisonVerdict, over: Partial<Comparison> = {}): Comparison {
  const ratio = over.ratio ?? DEFAULT_RATIO[verdict];
  const evidence = DEFAULT_EVIDENCE[verdict];
  const base = verdict === 'new' ? undefined : 100;
  const head = verdict === 'missing' ? undefined : ratio !== undefined ? 100 * ratio : 100;
  return {
    id,
    unit: 'ms',
    better: 'lower',
    ...(base !== undefined ? { base } : {}),
    ...(head !== undefined ? { head } : {}),
    ...(ratio !== undefined ? { ratio } : {}),
    verdict,
    ...(evidence ? { evidence: ev(evidence) } : {}),
    ...over,
  };
}

function crit(status: CriterionResult['status'], over: Partial<CriterionResult> = {}): CriterionResult {
  return {
    expect: 'suite/m p95 < 1s',
    status,
    ...(status === 'missing' ? { detail: 'matched no metric' } : { actual: 250, unit: 'ms' }),
    ...over,
  };
}

function verdict(over: Partial<VerdictDocument> = {}): VerdictDocument {
  return {
    schema: VERDICT_SCHEMA,
    status: 'pass',
    baseline: { sha: '0123456789abcdef0123', createdAt: BASE_AT, source: 'actions-cache' },
    criteria: [],
    comparisons: [],
    warnings: [],
    ...over,
  };
}

/** A report input whose head and base documents agree with the verdict's baseline (or its absence). */
function input(v: VerdictDocument, over: Partial<ReportInput> = {}): ReportInput {
  return {
    verdict: v,
    head: results(),
    ...(v.baseline ? { base: results([], { createdAt: v.baseline.createdAt }) } : {}),
    ...over,
  };
}

function many(n: number, verdictWord: ComparisonVerdict, prefix: string): Comparison[] {
  return Array.from({ length: n }, (_, i) => cmp(`${prefix}/m${i}`, verdictWord));
}

// ---- reading the output back ------------------------------------------------------------------------------

const headlineOf = (md: string) => md.split('\n')[1] ?? '';
const count = (text: string, needle: string) => text.split(needle).length - 1;
/** Cell separators: pipes not escaped by a backslash (an escaped backslash before a pipe does not count). */
const separators = (row: string) => (row.replace(/\\\\/g, '').match(/(?<!\\)\|/g) ?? []).length;
const ids = (rows: string[]) => rows.map((r) => /<code>(.*?)<\/code>/.exec(r)?.[1]);

/** Rows (without header and separator) of every table whose header starts with `header`. */
function tableRows(md: string, header: string): string[] {
  const lines = md.split('\n');
  const rows: string[] = [];
  lines.forEach((line, i) => {
    if (!line.startsWith(header)) return;
    for (let j = i + 2; j < lines.length && lines[j]?.startsWith('|'); j++) rows.push(lines[j] as string);
  });
  return rows;
}
const deltaRows = (md: string) => tableRows(md, '| Metric |');
const mainDelta = (md: string) => deltaRows(md.split('<details>')[0] ?? '');
const folded = (md: string) => deltaRows(md.slice(md.indexOf('<details>')));

const pct = (fraction: number) => `${fraction < 0 ? '-' : '+'}${Math.abs(fraction * 100).toFixed(1)}%`;

// ---- tests --------------------------------------------------------------------------------------------------

describe('report headline', () => {
  it('passes with the criteria met and the counts of what did not move', () => {
    const criteria = [crit('pass'), crit('pass'), crit('pass'), crit('pass')];
    const comparisons = [...many(12, 'unchanged', 'u'), ...many(2, 'improved', 'imp')];
    const md = renderMarkdown(input(verdict({ criteria, comparisons })));
    const h = headlineOf(md);
    expect(h).toMatch(/^✅ \*\*perf-action: passed\*\* — /);
    expect(h).toContain(`${criteria.length} criteria met, no regressions (2 improved, 12 unchanged)`);
    expect(md).toContain('**Metrics:** 2 improved · 12 unchanged');
  });

  it('never says a bare "no regressions" when metrics could not be decided, and names the change they hide', () => {
    const criteria = [crit('pass'), crit('pass'), crit('pass'), crit('pass')];
    const comparisons = [
      ...many(12, 'unchanged', 'u'),
      cmp('i/a', 'inconclusive', { evidence: ev({ detectable: 0.08 }) }),
      cmp('i/b', 'inconclusive', { evidence: ev({ detectable: 0.12 }) }),
      cmp('i/c', 'inconclusive', { evidence: ev({ detectable: 0.05 }) }),
    ];
    const md = renderMarkdown(input(verdict({ criteria, comparisons })));
    const h = headlineOf(md);
    expect(h).toMatch(/^✅ \*\*perf-action: passed\*\* — /);
    // The largest bound among the undecided metrics: changes smaller than it could hide in any of them.
    expect(h).toContain(
      `${criteria.length} criteria met, 3 metrics could not be decided (regressions under 12.0% would pass), ` +
        'no regressions in the rest (12 unchanged)',
    );
    expect(h).not.toMatch(/no regressions \(/);
    expect(md).toContain('**Metrics:** 12 unchanged · 3 inconclusive');
    // The terminal says the same.
    expect(renderTerminal(input(verdict({ criteria, comparisons }))).split('\n')[0]).toContain(
      '3 metrics could not be decided (regressions under 12.0% would pass)',
    );
  });

  it('gives the bound of an undecided throughput as the fall it would have caught', () => {
    // Worse-oriented 1.25 for better:higher: head/base = 0.8, a fall of 20%.
    const c = cmp('api/rps', 'inconclusive', { better: 'higher', unit: 'req/s', evidence: ev({ detectable: 0.25 }) });
    const h = headlineOf(renderMarkdown(input(verdict({ comparisons: [c] }))));
    expect(h).toContain('no criteria, 1 metric could not be decided (regressions under 20.0% would pass)');
    expect(h).not.toContain('no regressions');
  });

  it('says when an undecided metric has no finite bound', () => {
    const open = cmp('i/open', 'inconclusive', { evidence: ev({ detectable: undefined }) });
    const untested = cmp('i/units', 'inconclusive', { evidence: undefined });
    const bounded = cmp('i/bounded', 'inconclusive', { evidence: ev({ detectable: 0.3 }) });
    const none = headlineOf(renderMarkdown(input(verdict({ comparisons: [open, untested, cmp('u/x', 'unchanged')] }))));
    expect(none).toContain(
      '2 metrics could not be decided (no finite bound), no regressions in the rest (1 unchanged)',
    );
    const mixed = headlineOf(renderMarkdown(input(verdict({ comparisons: [open, bounded] }))));
    expect(mixed).toContain(
      '2 metrics could not be decided (regressions under 30.0% would pass; 1 with no finite bound)',
    );
    expect(mixed).not.toContain('no regressions');
  });

  it('fails by a criterion and says so, without blaming regressions', () => {
    const v = verdict({
      status: 'fail',
      criteria: [crit('pass'), crit('fail')],
      comparisons: many(3, 'unchanged', 'u'),
    });
    const h = headlineOf(renderMarkdown(input(v)));
    // The failed criterion named by its expectation (no label), with what it measured.
    expect(h).toMatch(
      /^❌ \*\*perf-action: failed\*\* — 1 criterion failed \(<code>suite\/m p95 &lt; 1s<\/code>, actual 250 ms\)$/,
    );
  });

  it('names the first failed criterion by its label when there are several', () => {
    const criteria = [
      crit('pass', { name: 'planning' }),
      crit('fail', { name: 'ingest', actual: 81234, unit: 'events/s' }),
      crit('fail', { name: 'latency' }),
    ];
    const h = headlineOf(renderMarkdown(input(verdict({ status: 'fail', criteria }))));
    expect(h).toMatch(/— 2 criteria failed \(first: ingest, actual 81\.2k events\/s\)$/);
  });

  it('fails by regressions, names the worst with its change, and a criterion that matched nothing', () => {
    const comparisons = [
      cmp('r/small', 'regressed', { ratio: 1.1 }),
      cmp('r/big', 'regressed', { ratio: 1.5 }),
      ...many(2, 'unchanged', 'u'),
    ];
    const v = verdict({ status: 'fail', criteria: [crit('missing')], comparisons });
    const h = headlineOf(renderMarkdown(input(v)));
    expect(h).toContain('❌ **perf-action: failed**');
    expect(h).toContain(`1 criterion matched no metric, 2 metrics regressed (worst: <code>r/big</code> ${pct(0.5)})`);
    expect(h).not.toContain('criterion failed');
    const one = verdict({ status: 'fail', comparisons: [cmp('r/only', 'regressed', { ratio: 1.2 })] });
    expect(headlineOf(renderMarkdown(input(one)))).toMatch(/— 1 metric regressed \(<code>r\/only<\/code> \+20\.0%\)$/);
  });

  it('escapes the regressed metric id it names', () => {
    const v = verdict({ status: 'fail', comparisons: [cmp('x|<b>@octocat', 'regressed')] });
    const h = headlineOf(renderMarkdown(input(v)));
    expect(h).toContain('<code>x\\|&lt;b&gt;@\u200doctocat</code>');
    expect(h).not.toContain('<b>');
    expect(renderTerminal(input(v)).split('\n')[0]).toContain('(x|<b>@octocat +20.0%)');
  });

  it('says plainly that there is no baseline, never "no regressions", and no green tick', () => {
    const v = verdict({
      baseline: undefined,
      criteria: [crit('pass'), crit('pass')],
      comparisons: many(3, 'new', 'n'),
    });
    const md = renderMarkdown(input(v));
    const sentence = 'No baseline for this branch yet: regressions were not checked; criteria were.';
    expect(headlineOf(md)).toContain(sentence);
    expect(headlineOf(md)).toContain('2 criteria met');
    expect(headlineOf(md)).not.toContain('✅');
    expect(md).not.toMatch(/no regressions|\b0 regressed/i);
    expect(md).toContain('Baseline: none');
    const term = renderTerminal(input(v));
    expect(term.split('\n')[0]).toContain(sentence);
    expect(term).not.toMatch(/no regressions|\b0 regressed/i);
  });

  it('fails without a baseline when a criterion fails, and still says regressions were not checked', () => {
    const v = verdict({
      baseline: undefined,
      status: 'fail',
      criteria: [crit('fail')],
      comparisons: many(1, 'new', 'n'),
    });
    const h = headlineOf(renderMarkdown(input(v)));
    expect(h).toContain(
      '❌ **perf-action: failed** — 1 criterion failed (<code>suite/m p95 &lt; 1s</code>, actual 250 ms). No baseline',
    );
    expect(h).toContain('regressions were not checked');
  });

  it('marks a pass that carries regressions it does not gate on, instead of claiming none', () => {
    const v = verdict({ status: 'pass', comparisons: [...many(1, 'regressed', 'r'), ...many(1, 'unchanged', 'u')] });
    const h = headlineOf(renderMarkdown(input(v)));
    expect(h).toMatch(/^⚠️ \*\*perf-action: passed\*\*/);
    expect(h).toContain('1 metric regressed (not gating)');
    expect(h).not.toContain('no regressions');
  });

  it('puts the marker first and shows the config id in the title', () => {
    const md = renderMarkdown(input(verdict(), { configId: 'api' }));
    expect(md.startsWith(`${reportMarker('api')}\n`)).toBe(true);
    expect(reportMarker('api')).toBe('<!-- perf-action:api -->');
    expect(headlineOf(md)).toContain('**perf-action (api): passed**');
    expect(renderMarkdown(input(verdict())).startsWith('<!-- perf-action:default -->\n')).toBe(true);
  });

  it('lists failed suites with their error', () => {
    const head = results([], {
      suites: [
        {
          name: 'api',
          kind: 'http',
          ok: false,
          error: 'connect ECONNREFUSED 127.0.0.1:8002',
          durationMs: 5,
          metrics: [],
        },
      ],
    });
    const md = renderMarkdown(input(verdict({ status: 'fail' }), { head }));
    expect(headlineOf(md)).toContain('1 suite failed');
    expect(md).toContain('#### Failed suites');
    expect(md).toContain('- ❌ **api** (http): connect ECONNREFUSED 127.0.0.1:8002');
  });
});

describe('criteria table', () => {
  it('shows status, label, expectation as code, actual with its unit, and detail', () => {
    const criteria = [
      crit('pass', { name: 'ORCH-010 planning', expect: 'graph/plan p95 < 1s', actual: 1500, unit: 'ms' }),
      crit('fail', {
        expect: 'events/consume/throughput >= 100k/s',
        actual: 81234,
        unit: 'events/s',
        detail: 'worst: x',
      }),
      crit('missing', { expect: 'nothing/* < 1s' }),
    ];
    const rows = tableRows(renderMarkdown(input(verdict({ criteria }))), '| | Criterion |');
    expect(rows).toHaveLength(criteria.length);
    expect(rows[0]).toMatch(/^\| ✅ \| ORCH-010 planning \| <code>graph\/plan p95 &lt; 1s<\/code> \| 1\.5 s \|/);
    expect(rows[1]).toMatch(
      /^\| ❌ \| +\| <code>events\/consume\/throughput &gt;= 100k\/s<\/code> \| 81\.2k events\/s \| worst: x \|$/,
    );
    expect(rows[2]).toMatch(/^\| ⚠️ missing \| .* \| — \| matched no metric \|$/);
  });
});

describe('what the comment compares', () => {
  it('says which commits and branches it compares and links the run', () => {
    const v = verdict({ comparisons: [cmp('a/b', 'unchanged')] });
    const md = renderMarkdown(
      input(v, {
        head: results([], { git: { sha: 'b1c2d3e4f5a6b7c8d9e0', ref: 'refs/pull/7/merge' } }),
        branches: { head: 'feature/x', base: 'main' },
        fullReportUrl: 'https://github.com/o/r/actions/runs/42',
      }),
    );
    expect(md).toContain(
      'Comparing <code>b1c2d3e</code> (feature/x) with <code>0123456</code> (main) · [workflow run, full report and HTML report](https://github.com/o/r/actions/runs/42)',
    );
    // Without a baseline there is nothing to compare with: the line says what was measured.
    const alone = renderMarkdown(
      input(verdict({ baseline: undefined }), { head: results([], { git: { sha: 'b1c2d3e4f5' } }) }),
    );
    expect(alone).toContain('Measured <code>b1c2d3e</code>');
  });

  it('names accepted regressions, who accepted them and with which label, and marks their rows', () => {
    const v = verdict({
      comparisons: [cmp('r/big', 'regressed', { ratio: 1.5 }), cmp('u/flat', 'unchanged')],
      accepted: { label: 'accept-regression', by: 'maintainer', metrics: ['r/big'], criteria: [] },
    });
    const md = renderMarkdown(input(v));
    expect(md.split('\n')[1]).toMatch(
      /^⚠️ \*\*perf-action: passed\*\* — .*1 regression accepted by @maintainer \(label <code>accept-regression<\/code>\)/,
    );
    expect(mainDelta(md)[0]).toMatch(/🔴 regressed \(accepted\) \|$/);
  });
});

describe('delta table', () => {
  const mixed = () => [
    cmp('u/flat', 'unchanged'),
    cmp('r/small', 'regressed', { ratio: 1.06 }),
    cmp('n/fresh', 'new'),
    cmp('i/unsure', 'inconclusive'),
    cmp('imp/small', 'improved', { ratio: 0.95 }),
    cmp('r/big', 'regressed', { ratio: 1.5 }),
    cmp('m/gone', 'missing'),
    cmp('r/throughput', 'regressed', { ratio: 0.75, better: 'higher', unit: 'req/s' }),
    cmp('imp/big', 'improved', { ratio: 0.5 }),
  ];

  it('sorts worst first: regressions by size (either direction), improved, missing, new; inconclusive folded', () => {
    const md = renderMarkdown(input(verdict({ status: 'fail', comparisons: mixed() })));
    expect(ids(mainDelta(md))).toEqual([
      'r/big', // +50%
      'r/throughput', // -25% of a better:higher metric: 1/0.75 is a smaller move than 1.5
      'r/small',
      'imp/big',
      'imp/small',
      'm/gone',
      'n/fresh',
    ]);
    expect(md).toContain('<details><summary>1 inconclusive</summary>');
  });

  it('folds inconclusive and unchanged rows into <details> and keeps them out of the main table', () => {
    const comparisons = [...mixed(), cmp('u/two', 'unchanged'), cmp('u/three', 'unchanged')];
    const unchanged = comparisons.filter((c) => c.verdict === 'unchanged').map((c) => c.id);
    const undecided = comparisons.filter((c) => c.verdict === 'inconclusive').map((c) => c.id);
    const md = renderMarkdown(input(verdict({ comparisons })));
    expect(md).toContain(`<details><summary>${unchanged.length} unchanged</summary>\n\n| Metric |`);
    expect(md).toContain(`<details><summary>${undecided.length} inconclusive</summary>\n\n| Metric |`);
    // Inconclusive before unchanged: an undecided row may still hide a change.
    expect(md.indexOf('inconclusive</summary>')).toBeLessThan(md.indexOf('unchanged</summary>'));
    expect(count(md, '<details>')).toBe(2);
    expect(count(md, '</details>')).toBe(2);
    expect(ids(folded(md)).sort()).toEqual([...undecided, ...unchanged].sort());
    expect(ids(mainDelta(md))).not.toEqual(expect.arrayContaining([unchanged[0]]));
    expect(ids(mainDelta(md))).not.toEqual(expect.arrayContaining([undecided[0]]));
    expect(mainDelta(md)).toHaveLength(comparisons.length - unchanged.length - undecided.length);
  });

  it('has no <details> when nothing is unchanged', () => {
    const md = renderMarkdown(input(verdict({ comparisons: many(2, 'improved', 'imp') })));
    expect(md).not.toContain('<details>');
  });

  it('formats the change as ratio - 1 with its interval, values with units, and the evidence', () => {
    const c = cmp('graph/plan', 'regressed', {
      base: 812,
      head: 870,
      ratio: 1.071,
      ci: [1.042, 1.103],
      p: 0.003,
      evidence: ev({ nBase: 7, nHead: 9, interval: [1.042, 1.103] }),
    });
    // The evidence comes from the comparison alone, not from the results documents' replicate counts.
    const base = results([metric('graph/plan', { stats: { n: 70, mean: 1, median: 1, min: 1, max: 1 } })]);
    const head = results([metric('graph/plan', { stats: { n: 90, mean: 1, median: 1, min: 1, max: 1 } })]);
    const md = renderMarkdown({ verdict: verdict({ comparisons: [c] }), head, base });
    const [row] = mainDelta(md);
    const change = `${pct(1.071 - 1)} [${pct(1.042 - 1)}, ${pct(1.103 - 1)}]`;
    const evidence = 'rank: n=7/9, α 0.0005 (BH of 20, 3 looks)';
    expect(row).toBe(`| <code>graph/plan</code> | 812 ms | 870 ms | ${change} | ${evidence} | 🔴 regressed |`);
  });

  it('shows, for an undecided row, its test and the smallest change it would have caught', () => {
    const c = cmp('a/b', 'inconclusive', {
      p: 0.2,
      evidence: ev({
        test: 'history',
        nBase: 8,
        nHead: 1,
        historyRuns: 8,
        sd: Math.log1p(0.021),
        df: 11,
        detectable: 0.12,
      }),
    });
    const md = renderMarkdown(input(verdict({ comparisons: [c] })));
    const [row] = folded(md);
    expect(row).toContain(
      '| history: 8 runs, sd ±2.1%, t df 11, α 0.0005 (BH of 20, 3 looks), would catch ≥ +12.0% | 🟡 inconclusive |',
    );
    const term = renderTerminal(input(verdict({ comparisons: [c] })), { width: 200 });
    expect(term).toContain('history: 8 runs, sd ±2.1%, t df 11, α 0.0005 (BH of 20, 3 looks), would catch ≥ +12.0%');
  });

  it('treats a decrease as the bad direction for better:higher metrics', () => {
    const drop = cmp('api/all/throughput', 'regressed', {
      better: 'higher',
      unit: 'req/s',
      base: 1000,
      head: 880,
      ratio: 0.88,
      ci: [0.85, 0.91],
    });
    const slower = cmp('api/all/latency', 'regressed', { ratio: 1.05 });
    const rise = cmp('api/one/throughput', 'improved', { better: 'higher', unit: 'req/s', ratio: 1.2 });
    const v = verdict({ status: 'fail', comparisons: [slower, rise, drop] });
    const md = renderMarkdown(input(v));
    const rows = mainDelta(md);
    expect(ids(rows)).toEqual([drop.id, slower.id, rise.id]);
    const dropChange = `${pct(0.88 - 1)} [${pct(0.85 - 1)}, ${pct(0.91 - 1)}]`;
    expect(rows[0]).toContain(`| ${dropChange} |`);
    expect(dropChange.startsWith('-12.0%')).toBe(true);
    expect(rows[2]).toContain(`| ${pct(1.2 - 1)} |`);
    expect(rows[2]).toContain('🟢 improved');
    // In the terminal the fall of throughput is red (bad) and its rise green (good).
    const term = renderTerminal(input(v), { color: true, width: 200 });
    expect(term).toContain(`\x1b[31m${dropChange}\x1b[0m`);
    expect(term).toContain(`\x1b[32m${pct(1.2 - 1)}\x1b[0m`);
    expect(term).toContain(`\x1b[31m${pct(1.05 - 1)}\x1b[0m`);
  });
});

describe('evidence text', () => {
  it('describes a history test: runs, spread, degrees of freedom, level and its family', () => {
    const c = cmp('a/b', 'regressed', {
      evidence: ev({ test: 'history', historyRuns: 8, nBase: 8, nHead: 2, headRuns: 2, sd: Math.log1p(0.021), df: 11 }),
    });
    expect(evidenceText(c)).toBe('history: 8 runs, sd ±2.1%, t df 11, 2 head runs, α 0.0005 (BH of 20, 3 looks)');
    // With the reference workload as covariate, a moderated (fractional) df, and one look in a family of one.
    const alone = cmp('a/b', 'unchanged', {
      evidence: ev({
        test: 'history',
        historyRuns: 12,
        sd: Math.log1p(0.005),
        df: 14.37,
        covariate: 0.93,
        alpha: 0.05,
        family: { size: 1, rejected: 0, looks: 1 },
      }),
    });
    expect(evidenceText(alone)).toBe('history: 12 runs, sd ±0.5%, t df 14.4, ref slope 0.93, α 0.05');
  });

  it('gives the spread in the unit on the linear scale, and the bound as a difference', () => {
    const c = cmp('q/depth', 'inconclusive', {
      unit: 'ms',
      evidence: ev({ test: 'history', scale: 'linear', historyRuns: 5, sd: 3.2, df: 4, detectable: 7.5 }),
    });
    expect(evidenceText(c)).toBe(
      'history: 5 runs, sd ±3.2 ms, t df 4, α 0.0005 (BH of 20, 3 looks), would catch ≥ +7.5 ms',
    );
    // A unit perf-action does not know is left out: the evidence text is trusted, the unit is not.
    const odd = { ...c, unit: 'x<b>' };
    expect(evidenceText(odd)).toContain('sd ±3.2, ');
    expect(evidenceText(odd)).toContain('would catch ≥ +7.5');
    expect(evidenceText(odd)).not.toContain('<b>');
  });

  it('describes a rank test by its replicates and head runs', () => {
    expect(evidenceText(cmp('a/b', 'unchanged', { evidence: ev({ nBase: 5, nHead: 10, headRuns: 2 }) }))).toBe(
      'rank: n=5/10, 2 head runs, α 0.0005 (BH of 20, 3 looks)',
    );
  });

  it('describes the threshold, exact and paired tests', () => {
    const threshold = ev({ test: 'threshold', nBase: 1, nHead: 1, threshold: 0.25 });
    delete threshold.alpha;
    delete threshold.family;
    expect(evidenceText(cmp('a/b', 'unchanged', { evidence: threshold }))).toBe('threshold 25% (no history)');
    expect(evidenceText(cmp('a/b', 'regressed', { evidence: { ...threshold, headRuns: 3, nHead: 3 } }))).toBe(
      'threshold 25% (no history), 3 head runs',
    );
    const exact = ev({ test: 'exact', interval: [1, 1] });
    delete exact.alpha;
    delete exact.family;
    expect(evidenceText(cmp('a/b', 'unchanged', { evidence: exact }))).toBe('exact');
    const paired = ev({ test: 'paired', level: 'median', nBase: 20, nHead: 20, alpha: 0.0012 });
    expect(evidenceText(cmp('a/b', 'improved', { evidence: paired }))).toBe(
      'paired: 20 pairs, α 0.0012 (BH of 20, 3 looks)',
    );
  });

  it('says when a regression did not show in every head run, and what an undecided test would have caught', () => {
    const c = cmp('a/b', 'inconclusive', { evidence: ev({ headRuns: 2, unconfirmed: true, detectable: 0.12 }) });
    expect(evidenceText(c)).toBe(
      'rank: n=5/5, 2 head runs, α 0.0005 (BH of 20, 3 looks), unconfirmed: not beyond min-effect in every run, would catch ≥ +12.0%',
    );
    // For better:higher the bound is the fall it would have caught: worse-oriented 1.25 is head/base 0.8.
    const rps = cmp('a/rps', 'inconclusive', { better: 'higher', evidence: ev({ detectable: 0.25 }) });
    expect(evidenceText(rps)).toMatch(/, would catch ≤ -20\.0%$/);
    expect(evidenceText(cmp('a/b', 'inconclusive', { evidence: ev({ detectable: undefined }) }))).toMatch(
      /, no finite bound$/,
    );
  });

  it('is empty for rows with nothing to test, and says so for an undecided row without a test', () => {
    expect(evidenceText(cmp('n/fresh', 'new'))).toBe('');
    expect(evidenceText(cmp('m/gone', 'missing'))).toBe('');
    expect(evidenceText(cmp('i/units', 'inconclusive', { evidence: undefined }))).toBe('not tested');
  });
});

describe('warnings', () => {
  it('folds them under a heading with their count, each message on its own line with the metrics it names', () => {
    const warnings = [
      warning('environment', 'the baseline ran on a different CPU'),
      warning(
        'undecided',
        '7 metrics could not be decided',
        Array.from({ length: 7 }, (_, i) => `i/m${i}`),
      ),
    ];
    const md = renderMarkdown(input(verdict({ comparisons: many(1, 'improved', 'imp'), warnings })));
    const block = md.slice(md.indexOf('#### Warnings'));
    expect(block).toMatch(/^#### Warnings\n\n<details><summary>2 warnings<\/summary>\n\n- /);
    expect(block).toContain('\n- the baseline ran on a different CPU\n');
    const ids = Array.from({ length: 5 }, (_, i) => `<code>i/m${i}</code>`).join(', ');
    expect(block).toContain(`\n- 7 metrics could not be decided: ${ids}, 2 more\n\n</details>`);
    expect(count(md, '<details>')).toBe(1);
    // The Metrics table comes before the warnings, and the footer after them.
    expect(md.indexOf('#### Metrics')).toBeLessThan(md.indexOf('#### Warnings'));
    expect(md.indexOf('</details>')).toBeLessThan(md.indexOf('<sub>Head:'));
    expect(renderMarkdown(input(verdict()))).not.toContain('#### Warnings');
  });

  it('lists them one a line in the terminal', () => {
    const warnings = [warning('note', 'one'), warning('unit-mismatch', 'two', ['a/b'])];
    const term = renderTerminal(input(verdict({ warnings })));
    expect(term).toContain('Warnings\n  ! one\n  ! two: a/b\n');
  });
});

describe('escaping untrusted text', () => {
  const NASTY =
    'x|y<!-- perf-action:x -->`code`\n| forged | row |\r\n<img src=x onerror=alert(1)>@octocat #123 ' +
    '[link](javascript:alert(1)) <script>alert(1)</script> $x^2$ https://evil.example';

  function nastyInput(): ReportInput {
    const comparisons = [
      cmp(NASTY, 'regressed', { unit: 'ms<b>' }),
      cmp(`${NASTY} 2`, 'unchanged'),
      cmp('ok/one', 'improved'),
    ];
    const criteria = [crit('fail', { name: NASTY, expect: NASTY, detail: NASTY }), crit('pass')];
    const head = results([], {
      env: { ...ENV, cpu: NASTY },
      suites: [{ name: NASTY, kind: 'bench', ok: false, error: NASTY, durationMs: 1, metrics: [] }],
    });
    const v = verdict({
      status: 'fail',
      baseline: { sha: NASTY, createdAt: BASE_AT, source: NASTY },
      criteria,
      comparisons,
      warnings: [
        warning('note', NASTY),
        warning('note', '- looks like a list'),
        warning('note', '1. looks like a list'),
        warning('note', '# looks like a heading'),
        warning('undecided', '2 metrics could not be decided', [NASTY, 'ok/one']),
      ],
    });
    return { verdict: v, head, base: results([], { env: { ...ENV, node: NASTY } }), configId: 'main' };
  }

  it('cannot forge the marker, break a table, inject HTML or links, or ping anyone', () => {
    const inp = nastyInput();
    const md = renderMarkdown(inp);
    expect(md.startsWith(`${reportMarker('main')}\n`)).toBe(true);
    expect(count(md, '<!--')).toBe(1);
    expect(count(md, '-->')).toBe(1);
    expect(md.split('\n').filter((l) => l.includes('<!-- perf-action:'))).toEqual([reportMarker('main')]);
    expect(md).toContain('&lt;\\!-- perf-action:x --&gt;');
    for (const bad of [
      '<img',
      '<script',
      '<b>',
      '@octocat',
      '#123',
      '](javascript:',
      '`code`',
      '$x^2$',
      'https://evil',
    ]) {
      expect(md).not.toContain(bad);
    }
    // Still readable: the text is there, escaped.
    expect(md).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    // A warning's metric ids are escaped like the rows' (code, no raw HTML), on the warning's own line.
    const named = md.split('\n').find((l) => l.startsWith('- 2 metrics could not be decided: '));
    expect(named).toMatch(
      /^- 2 metrics could not be decided: <code>x\\\|y&lt;\\!-- .*<\/code>, <code>ok\/one<\/code>$/,
    );

    const listed = inp.verdict.comparisons.filter((c) => c.verdict !== 'unchanged');
    expect(mainDelta(md)).toHaveLength(listed.length);
    expect(folded(md)).toHaveLength(inp.verdict.comparisons.length - listed.length);
    for (const row of deltaRows(md)) expect(separators(row)).toBe(7);
    const criteriaRows = tableRows(md, '| | Criterion |');
    expect(criteriaRows).toHaveLength(inp.verdict.criteria.length);
    for (const row of criteriaRows) expect(separators(row)).toBe(6);
    // Every table line is a row we put there: nothing was split off by a newline.
    const tableLines = md.split('\n').filter((l) => l.startsWith('|'));
    const headers = 2 * (1 + 2); // criteria, main delta, folded delta: header and separator each
    expect(tableLines).toHaveLength(headers + inp.verdict.criteria.length + inp.verdict.comparisons.length);
  });

  it('keeps list-like warnings inside their bullet', () => {
    const md = renderMarkdown(nastyInput());
    expect(md).toContain('\n- \\- looks like a list\n');
    expect(md).toContain('\n- 1\\. looks like a list\n');
    expect(md).toMatch(/\n- #\u200d looks like a heading\n/);
  });

  it('sanitises the config id in the marker so it cannot close the comment', () => {
    const md = renderMarkdown(input(verdict(), { configId: 'x --> <img src=x>' }));
    expect(count(md, '<!--')).toBe(1);
    expect(count(md, '-->')).toBe(1);
    expect(md.split('\n')[0]).toMatch(/^<!-- perf-action:[A-Za-z0-9._/:@+=-]+ -->$/);
    expect(md).not.toContain('<img');
  });

  it('caps each untrusted string, without splitting a character', () => {
    const long = escapeMarkdown('a'.repeat(1000));
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
    const emoji = escapeMarkdown('😀'.repeat(300), 51);
    expect(Array.from(emoji)).toHaveLength(51);
    expect(emoji).toMatch(/^(😀)+…$/u);
    expect(escapeMarkdown('short')).toBe('short');
  });

  it('strips terminal escape sequences and line breaks', () => {
    expect(sanitizeTerminal('a\x1b[2Jb\nc\u009b31md\x1b]0;title\x07e\x07')).toBe('ab cde');
    const v = verdict({
      status: 'fail',
      comparisons: [cmp('evil/\x1b[31mred\nline', 'regressed')],
      warnings: [warning('note', '\x1b]0;title\x07'), warning('undecided', 'x', ['evil/\x1b[2Jwarned'])],
    });
    const term = renderTerminal(input(v));
    expect(term).not.toMatch(/[\x1b\x07\u009b]/);
    expect(term).toContain('evil/red line');
    expect(term).toContain('x: evil/warned');
  });
});

describe('cutting to fit', () => {
  const LIMIT = 65_536;
  const URL = 'https://github.com/o/r/actions/runs/42';

  function big(): ReportInput {
    const comparisons = [
      ...Array.from({ length: 20 }, (_, i) => cmp(`hot/m${i}`, 'regressed', { ratio: 1.1 + i / 100 })),
      ...many(30, 'improved', 'good'),
      ...many(4950, 'unchanged', 'flat/with/a/fairly/long/metric/name'),
    ];
    const criteria = [crit('fail', { name: 'throughput' }), crit('pass', { name: 'latency' })];
    return input(verdict({ status: 'fail', criteria, comparisons }), { fullReportUrl: URL });
  }

  it('keeps the marker, headline, criteria and regressions, and points to the full report', () => {
    const inp = big();
    const full = renderMarkdown(inp);
    expect(full.length).toBeGreaterThan(LIMIT);
    const cut = renderMarkdown(inp, { maxLength: LIMIT });
    expect(cut.length).toBeLessThanOrEqual(LIMIT);
    expect(cut.startsWith(`${reportMarker()}\n`)).toBe(true);
    expect(count(cut, '<!--')).toBe(1);
    expect(headlineOf(cut)).toBe(headlineOf(full));
    const criteriaRows = tableRows(full, '| | Criterion |');
    expect(tableRows(cut, '| | Criterion |')).toEqual(criteriaRows);
    const regressed = inp.verdict.comparisons.filter((c) => c.verdict === 'regressed').map((c) => c.id);
    expect(ids(mainDelta(cut)).slice(0, regressed.length).sort()).toEqual([...regressed].sort());
    // Only whole rows, in balanced blocks.
    for (const row of deltaRows(cut)) expect(separators(row)).toBe(7);
    expect(count(cut, '<details>')).toBe(count(cut, '</details>'));
    // The pointer line accounts for every row that was left out.
    const shown = deltaRows(cut).length;
    const total = inp.verdict.comparisons.length;
    expect(shown).toBeLessThan(total);
    const last = cut.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toContain(`${total - shown} of ${total} metric rows are not shown`);
    expect(last).toContain(`(${URL})`);
  });

  it('points to the job summary without a (safe) link', () => {
    for (const fullReportUrl of [undefined, 'javascript:alert(1)']) {
      const inp = { ...big(), ...(fullReportUrl ? { fullReportUrl } : {}) };
      if (!fullReportUrl) delete inp.fullReportUrl;
      const cut = renderMarkdown(inp, { maxLength: LIMIT });
      expect(cut.length).toBeLessThanOrEqual(LIMIT);
      expect(cut).toContain('See the job summary for the full report.');
      expect(cut).not.toContain('javascript:');
    }
  });

  it('still fits when the criteria alone are too long', () => {
    const criteria = Array.from({ length: 300 }, (_, i) => crit('fail', { name: `criterion ${i} ${'x'.repeat(150)}` }));
    const inp = input(verdict({ status: 'fail', criteria, comparisons: many(50, 'regressed', 'r') }));
    for (const max of [3000, 400]) {
      const cut = renderMarkdown(inp, { maxLength: max });
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(cut.startsWith(`${reportMarker()}\n`)).toBe(true);
      expect(cut).toContain('This report was cut to fit');
    }
    expect(headlineOf(renderMarkdown(inp, { maxLength: 3000 }))).toBe(headlineOf(renderMarkdown(inp)));
  });

  it('leaves a report that fits untouched', () => {
    const inp = input(verdict({ comparisons: many(3, 'regressed', 'r') }));
    const full = renderMarkdown(inp);
    expect(renderMarkdown(inp, { maxLength: full.length })).toBe(full);
    expect(full).not.toContain('cut to fit');
  });
});

describe('footer', () => {
  it('describes the head environment and the baseline, and warns when the machines differ', () => {
    const v = verdict({ comparisons: many(1, 'unchanged', 'u') });
    const base = results([], { createdAt: BASE_AT, env: { ...ENV, cpu: 'Intel Xeon 8370C', node: 'v20.1.0' } });
    const md = renderMarkdown(input(v, { base }));
    const days = (Date.parse(HEAD_AT) - Date.parse(BASE_AT)) / 86_400_000;
    expect(md).toContain(
      `<sub>Head: linux/x64 · AMD EPYC 7763 · ${ENV.cores} cores · Node v22.3.0 · runner gh-1</sub>`,
    );
    expect(md).toContain(
      `<sub>Baseline: ${v.baseline?.sha?.slice(0, 7)} · ${BASE_AT} (${days} days before this run) · from actions-cache</sub>`,
    );
    expect(md).toContain('CPU: Intel Xeon 8370C → AMD EPYC 7763; Node: v20.1.0 → v22.3.0');
    expect(renderMarkdown(input(v))).not.toContain('different machine');
  });
});

describe('terminal report', () => {
  const failing = () =>
    input(
      verdict({
        status: 'fail',
        criteria: [
          crit('pass', { name: 'planning' }),
          crit('fail', { name: 'ingest' }),
          crit('missing', { name: 'gone' }),
        ],
        comparisons: [
          cmp(`graph/plan[${'nodes=1000,'.repeat(12)}depth=3]`, 'regressed', { ci: [1.1, 1.3], p: 0.001 }),
          ...many(3, 'unchanged', 'u'),
          cmp('api/new', 'new'),
        ],
        warnings: [warning('environment', 'baseline is 6 days old')],
      }),
    );

  it('has no ANSI escapes without colour and has them with colour', () => {
    expect(renderTerminal(failing())).not.toContain('\x1b');
    expect(renderTerminal(failing(), { color: false })).not.toContain('\x1b');
    expect(renderTerminal(failing(), { color: true })).toMatch(/\x1b\[\d+m/);
  });

  it('shows the same headline as the comment, and one line per criterion', () => {
    const inp = failing();
    const term = renderTerminal(inp);
    const [, reason = ''] = headlineOf(renderMarkdown(inp)).split(' — ');
    // The same words; only the Markdown's code tags and escapes of the metric id differ.
    const plain = reason.replace(/<\/?code>/g, '').replace(/\\(.)/g, '$1');
    expect(term.split('\n')[0]).toBe(`✘ perf-action: failed — ${plain}`);
    expect(plain).toContain('1 criterion failed (ingest, actual 250 ms)');
    expect(plain).toContain('1 metric regressed (graph/plan[nodes=1000,');
    const lines = term.split('\n');
    const start = lines.indexOf('Criteria');
    const criteriaLines = lines.slice(start + 1, start + 1 + inp.verdict.criteria.length);
    expect(criteriaLines.map((l) => l.trim()[0])).toEqual(['✔', '✘', '!']);
    for (const [i, c] of inp.verdict.criteria.entries()) expect(criteriaLines[i]).toContain(c.name);
    expect(term).toContain('Warnings\n  ! baseline is 6 days old');
  });

  it('aligns the metric table within the width and summarises unchanged rows', () => {
    const inp = failing();
    const long = inp.verdict.comparisons[0]?.id ?? '';
    // Wide enough: one row per metric, whole ids, right-aligned numbers.
    const width = 220;
    const lines = renderTerminal(inp, { width }).split('\n');
    const start = lines.findIndex((l) => l.trimStart().startsWith('metric'));
    const listed = inp.verdict.comparisons.filter((c) => c.verdict !== 'unchanged');
    const table = lines.slice(start, start + 1 + listed.length);
    for (const line of table) expect(Array.from(line).length).toBeLessThanOrEqual(width);
    // Right-aligned columns end at the same place in every row: the header's "head" lines up with the values.
    const headEnd = (table[0]?.indexOf('head') ?? 0) + 'head'.length;
    for (const line of table.slice(1)) expect(line[headEnd - 1]).not.toBe(' ');
    expect(table[1]).toContain(long);
    expect(table[1]).toContain('regressed');
    expect(lines[start + 1 + listed.length]).toBe('  3 metrics unchanged (not listed)');
  });

  it('puts each id on its own line when the terminal is too narrow for whole ids, never cutting one', () => {
    const inp = failing();
    const long = inp.verdict.comparisons[0]?.id ?? '';
    const width = 80;
    const lines = renderTerminal(inp, { width }).split('\n');
    const start = lines.findIndex((l) => l.trim() === 'metric');
    expect(start).toBeGreaterThan(0);
    expect(lines[start + 1]).toMatch(/^ +base +head +change +evidence +verdict$/);
    expect(lines[start + 2]).toBe(`  ${long}`);
    expect(lines[start + 3]).toMatch(/regressed$/);
    expect(lines[start + 4]).toBe('  api/new');
    for (const l of [lines[start + 1], lines[start + 3], lines[start + 5]]) {
      expect(Array.from(l ?? '').length).toBeLessThanOrEqual(width);
    }
    expect(lines.join('\n')).not.toContain(`${long.slice(0, 20)}…`);
  });
});

describe('terminal evidence', () => {
  it('cuts long evidence in the middle, keeping the test and what an undecided row would have caught', () => {
    const c = cmp('a/b', 'inconclusive', {
      evidence: ev({ test: 'history', historyRuns: 8, sd: Math.log1p(0.062), df: 11, detectable: 0.16 }),
    });
    const width = 90;
    const line = renderTerminal(input(verdict({ comparisons: [c] })), { width })
      .split('\n')
      .find((l) => l.includes('a/b'));
    expect(Array.from(line ?? '').length).toBeLessThanOrEqual(width);
    expect(line).toMatch(/history: 8 runs.*….*would catch ≥ \+16\.0% +inconclusive$/);
  });
});

describe('renderJson', () => {
  it('writes the documented key order whatever the build order, with 2 spaces and a trailing newline', () => {
    const v = verdict({
      criteria: [{ unit: 'ms', actual: 5, status: 'pass', expect: 'a/b < 1s', name: 'x' }],
      comparisons: [{ verdict: 'unchanged', ratio: 1, id: 'a/b', better: 'lower', unit: 'ms', base: 5, head: 5 }],
    });
    const shuffled = {
      warnings: v.warnings,
      comparisons: v.comparisons,
      criteria: v.criteria,
      status: v.status,
      baseline: v.baseline,
      schema: v.schema,
    };
    const text = renderJson(shuffled as VerdictDocument);
    expect(text).toBe(renderJson(v));
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(v);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'schema',
      'status',
      'baseline',
      'criteria',
      'comparisons',
      'warnings',
    ]);
    expect(Object.keys(JSON.parse(text).comparisons[0])).toEqual([
      'id',
      'unit',
      'better',
      'base',
      'head',
      'ratio',
      'verdict',
    ]);
    expect(text.split('\n')[1]).toBe(`  "schema": "${VERDICT_SCHEMA}",`);
  });

  it('writes evidence after the verdict, its keys in the Evidence order, and warnings as code, message, metrics, values', () => {
    const evidence = {
      unconfirmed: true,
      detectable: 0.12,
      interval: [0.98, 1.3],
      family: { looks: 3, rejected: 1, size: 20 },
      alpha: 0.0005,
      df: 11,
      sd: 0.02,
      historyRuns: 8,
      headRuns: 2,
      nHead: 2,
      nBase: 8,
      level: 'lower-quartile',
      scale: 'log',
      test: 'history',
    } as Evidence;
    const v = verdict({
      comparisons: [
        {
          evidence,
          verdict: 'inconclusive',
          p: 0.01,
          ci: [0.98, 1.3],
          ratio: 1.1,
          id: 'a/b',
          better: 'lower',
          unit: 'ms',
        },
      ],
      warnings: [
        { values: { threshold: 0.25, runs: 2 }, metrics: ['a/b'], message: 'm', code: 'no-history' },
        { message: 'plain', code: 'note' },
      ],
    });
    const parsed = JSON.parse(renderJson(v));
    expect(parsed).toEqual(v);
    expect(Object.keys(parsed.comparisons[0])).toEqual([
      'id',
      'unit',
      'better',
      'ratio',
      'ci',
      'p',
      'verdict',
      'evidence',
    ]);
    expect(Object.keys(parsed.comparisons[0].evidence)).toEqual([
      'test',
      'scale',
      'level',
      'nBase',
      'nHead',
      'headRuns',
      'historyRuns',
      'sd',
      'df',
      'alpha',
      'family',
      'interval',
      'detectable',
      'unconfirmed',
    ]);
    expect(Object.keys(parsed.comparisons[0].evidence.family)).toEqual(['size', 'rejected', 'looks']);
    expect(Object.keys(parsed.warnings[0])).toEqual(['code', 'message', 'metrics', 'values']);
    expect(Object.keys(parsed.warnings[0].values)).toEqual(['runs', 'threshold']);
    expect(Object.keys(parsed.warnings[1])).toEqual(['code', 'message']);
  });
});
