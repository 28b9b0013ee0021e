// The HTML report as text: what it says, what it draws, that nothing from a pull request can become markup,
// and that the page references nothing outside itself. report-html.browser.test.ts opens it in a browser.

import { describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { judge } from '../src/compare/judge.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import { type Metric, RESULTS_SCHEMA, type ResultsDocument, type RunEnvironment } from '../src/model/results.ts';
import {
  type Comparison,
  type ComparisonVerdict,
  VERDICT_SCHEMA,
  type VerdictDocument,
  warning,
} from '../src/model/verdict.ts';
import { HTML_CSP, MAX_CHARTED } from '../src/report/html.ts';
import { type HtmlReportInput, renderHtml } from '../src/report/index.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { summarize } from '../src/stats/summary.ts';

// ---- a realistic run: ten main-branch runs with history, then a slower head, judged for real --------------

const ENV: RunEnvironment = { os: 'linux 6.1', arch: 'x64', cpu: 'AMD EPYC 7763', cores: 4, node: 'v20.11.0' };
const REPLICATES = 7;
const WINDOWS = 24;
const MAIN_RUNS = 10;

function run(i: number, rng: () => number, slow: number, sha: string, ref: string): ResultsDocument {
  const reps = (level: number) => Array.from({ length: REPLICATES }, () => level * Math.exp(0.01 * normalDraw(rng)));
  const wins = (level: number) => Array.from({ length: WINDOWS }, () => level * Math.exp(0.02 * normalDraw(rng)));
  const latency = wins(12 * slow);
  // An http suite's latency stats come from every request's histogram, not from the window medians.
  const stats = { ...summarize(latency), n: 4000, p90: 20 * slow, p95: 25 * slow, p99: 40 * slow, max: 80 * slow };
  return {
    schema: RESULTS_SCHEMA,
    createdAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
    git: { sha, ref },
    env: ENV,
    suites: [
      {
        name: 'api',
        kind: 'bench',
        ok: true,
        durationMs: 1,
        metrics: [makeMetric({ suite: 'api', name: 'plan', unit: 'ms', better: 'lower', samples: reps(10 * slow) })],
      },
      {
        name: 'web',
        kind: 'http',
        ok: true,
        durationMs: 1,
        metrics: [
          makeMetric({
            suite: 'web',
            name: 'get/latency',
            unit: 'ms',
            better: 'lower',
            samples: latency,
            windows: true,
            stats,
          }),
          makeMetric({
            suite: 'web',
            name: 'get/throughput',
            unit: 'req/s',
            better: 'higher',
            samples: wins(500 / slow),
            windows: true,
          }),
        ],
      },
    ],
  };
}

const BASE_SHA = 'b'.repeat(40);
const HEAD_SHA = 'c0ffee'.padEnd(40, '1');

function judged(): HtmlReportInput & { base: ResultsDocument; history: HistoryDocument } {
  const rng = makeRng(11);
  let history: HistoryDocument | undefined;
  let base: ResultsDocument | undefined;
  for (let i = 0; i < MAIN_RUNS; i++) {
    base = run(i, rng, 1, i === MAIN_RUNS - 1 ? BASE_SHA : `${i}`.padStart(40, '0'), 'main');
    history = appendToHistory(history, base);
  }
  if (!base || !history) throw new Error('no main runs');
  const head = run(MAIN_RUNS + 5, rng, 1.3, HEAD_SHA, 'feature/faster');
  const verdict = judge({
    head,
    baseline: { results: base, source: 'actions-cache', history },
    criteria: [{ name: 'latency budget', expect: 'web/get/latency p95 < 30ms' }],
  });
  return { verdict, head, base, history, fullReportUrl: 'https://github.com/o/r/actions/runs/42' };
}

// ---- hand-made documents ------------------------------------------------------------------------------------

function results(metrics: Metric[], over: Partial<ResultsDocument> = {}): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    createdAt: '2026-02-01T00:00:00Z',
    env: ENV,
    suites: [{ name: 'suite', kind: 'bench', ok: true, durationMs: 1, metrics }],
    ...over,
  };
}

function metric(id: string, samples: number[], unit = 'ms'): Metric {
  const slash = id.indexOf('/');
  return {
    id,
    suite: id.slice(0, slash),
    name: id.slice(slash + 1),
    unit,
    better: 'lower',
    samples,
    stats: summarize(samples),
  };
}

const RATIO: Partial<Record<ComparisonVerdict, number>> = {
  regressed: 1.2,
  improved: 0.8,
  unchanged: 1,
  inconclusive: 1.05,
};

function cmp(id: string, verdict: ComparisonVerdict, over: Partial<Comparison> = {}): Comparison {
  const ratio = RATIO[verdict];
  return {
    id,
    unit: 'ms',
    better: 'lower',
    ...(verdict !== 'new' ? { base: 100 } : {}),
    ...(verdict !== 'missing' ? { head: 100 * (ratio ?? 1) } : {}),
    ...(ratio !== undefined ? { ratio } : {}),
    verdict,
    ...over,
  };
}

function verdict(over: Partial<VerdictDocument> = {}): VerdictDocument {
  return {
    schema: VERDICT_SCHEMA,
    status: 'pass',
    baseline: { sha: BASE_SHA, createdAt: '2026-01-31T00:00:00Z', source: 'actions-cache' },
    criteria: [],
    comparisons: [],
    warnings: [],
    ...over,
  };
}

// ---- reading the page back ----------------------------------------------------------------------------------

/** The chunk of one metric's section, found by its (escaped) id. */
function sectionOf(html: string, escapedId: string): string {
  const chunk = html.split('<section class="metric"').find((s) => s.includes(`<h3><code>${escapedId}</code>`));
  if (!chunk) throw new Error(`no section for ${escapedId}`);
  return chunk.slice(0, chunk.indexOf('</section>'));
}

const svgsOf = (chunk: string) => chunk.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
const svgTitled = (chunk: string, title: string) => svgsOf(chunk).find((s) => s.includes(`<title>${title}</title>`));
const count = (text: string, needle: string) => text.split(needle).length - 1;
/** The coordinate pairs of each polyline, per series tone. */
function polyline(svg: string, tone: string): number {
  const m = new RegExp(`<g class="series ${tone}"><polyline class="line" points="([^"]*)"`).exec(svg);
  return m ? (m[1] as string).trim().split(/\s+/).length : 0;
}
/** Dots of a strip plot's row. */
function dots(svg: string, tone: string): number {
  const row = new RegExp(`<g class="row ${tone}">([\\s\\S]*?)</g>`).exec(svg)?.[1] ?? '';
  return count(row, '<circle class="pt"');
}
const metricSections = (html: string) => count(html, '<section class="metric"');

// Every element the renderer writes: anything else in the page came from a document.
const ALLOWED_TAGS = new Set(
  (
    'html head meta title style body header h1 h2 h3 p span strong ul li code a section table thead tbody tr th td ' +
    'details summary figure figcaption div footer svg g line text rect circle polyline path'
  ).split(' '),
);

function tagsOf(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => (m[1] as string).toLowerCase());
}

function attributesOf(html: string): string[] {
  const names: string[] = [];
  for (const tag of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    for (const a of tag[0].matchAll(/\s([^\s=>"']+)=/g)) names.push((a[1] as string).toLowerCase());
  }
  return names;
}

// ---- tests --------------------------------------------------------------------------------------------------

describe('HTML report: a self-contained page', () => {
  it('declares the policy that forbids every fetch and script, before anything else in the head', () => {
    const html = renderHtml(judged());
    expect(HTML_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    const head = html.slice(0, html.indexOf('</head>'));
    const meta = `<meta http-equiv="Content-Security-Policy" content="${HTML_CSP}">`;
    expect(head).toContain(meta);
    expect(head.indexOf(meta)).toBeLessThan(head.indexOf('<style>'));
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('references nothing outside itself: no scripts, sources, stylesheets or CSS urls; addresses only as links', () => {
    const html = renderHtml(judged());
    expect(html).not.toMatch(/<script|<link|<iframe|<object|<embed|<img|\ssrc=|srcset=|url\(|@import|xlink:href/i);
    // The run's link is the only address, as a plain <a href>.
    expect(html).toContain('<a href="https://github.com/o/r/actions/runs/42" rel="noopener noreferrer">');
    const withoutLinks = html.replace(/<a href="https?:\/\/[^"]*"/g, '<a');
    expect(withoutLinks).not.toMatch(/:\/\//);
  });

  it('links only plain http(s) addresses', () => {
    const html = renderHtml({ ...judged(), fullReportUrl: 'javascript:alert(1)' });
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('<a href="j');
    const quoted = renderHtml({ ...judged(), fullReportUrl: 'https://x.example/"onmouseover=alert(1)' });
    expect(quoted).not.toContain('onmouseover');
  });

  it('is the same page for the same input', () => {
    expect(renderHtml(judged())).toBe(renderHtml(judged()));
  });
});

describe('HTML report: untrusted names', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const IMG = '"><img src=x onerror=alert(1)>';
  const TOKEN = `ghp_${'A1b2C3d4'.repeat(5)}`;

  function hostile(): HtmlReportInput {
    const ids = [`api/${SCRIPT}`, `api/${IMG}`, 'api/https://evil.example/x.png'];
    const metrics = ids.map((id) => metric(id, [1, 1.1, 1.2, 1.05, 1.15], '<b>ms</b>'));
    return {
      verdict: verdict({
        status: 'fail',
        criteria: [{ name: SCRIPT, expect: `${IMG} p95 < 1s`, status: 'fail', actual: 2, unit: IMG, detail: SCRIPT }],
        comparisons: ids.map((id) => cmp(id, 'regressed', { unit: '<b>ms</b>' })),
        warnings: [warning('note', `${SCRIPT} ${TOKEN}`, ids)],
      }),
      head: results(metrics, {
        git: { sha: IMG, ref: SCRIPT },
        env: { ...ENV, cpu: SCRIPT, runner: IMG },
        suites: [
          { name: SCRIPT, kind: IMG, ok: false, error: `token ${TOKEN} ${IMG}`, durationMs: 1, metrics: [] },
          { name: 'api', kind: 'bench', ok: true, durationMs: 1, metrics },
        ],
      }),
      base: results(metrics),
      configId: IMG,
    };
  }

  it('turns <script> and "><img onerror> into text: only the renderer\'s own elements and attributes', () => {
    const html = renderHtml(hostile());
    expect(tagsOf(html).filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
    const attributes = new Set(attributesOf(html));
    expect([...attributes].filter((a) => a.startsWith('on') || a === 'src' || a === 'style')).toEqual([]);
    // The names are still there for the reader, as text.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;ms&lt;/b&gt;');
    // The hostile metrics got their sections, with charts whose labels are escaped too.
    expect(metricSections(html)).toBe(3);
    expect(count(html, '<svg class="chart strip"')).toBe(3);
  });

  it('redacts secrets and never writes a name that looks like an address as one', () => {
    const html = renderHtml(hostile());
    expect(html).not.toContain(TOKEN);
    expect(html).toContain('[redacted]');
    expect(html).not.toContain('https://evil');
    expect(html).toContain('evil.example');
  });
});

describe('HTML report: reviewer first', () => {
  it('heads with the decision, the first failed criterion with its actual value, the worst change and the commits', () => {
    const input = judged();
    expect(input.verdict.status).toBe('fail');
    const html = renderHtml(input);
    const header = html.slice(html.indexOf('<header'), html.indexOf('</header>'));
    expect(header).toContain('perf-action: failed');
    expect(header).toMatch(
      /First failed criterion: latency budget \(<code>web\/get\/latency p95 &lt; 30ms<\/code>\): actual 3\d(\.\d+)? ms/,
    );
    // The worst change is the one that moved furthest in its bad direction, with its verdict.
    expect(header).toMatch(/Worst change: <a href="#m\d+"><code>[^<]+<\/code><\/a> \+\d+\.\d%/);
    expect(header).toContain(
      `Comparing head <code>${HEAD_SHA.slice(0, 7)}</code> (feature/faster) with base <code>${BASE_SHA.slice(0, 7)}</code> (main)`,
    );
    expect(header).toContain('from actions-cache');
  });

  it('lists criteria, then comparisons with regressions first and the unchanged and undecided folded', () => {
    const comparisons = [
      cmp('s/u1', 'unchanged'),
      cmp('s/n1', 'inconclusive'),
      cmp('s/i1', 'improved'),
      cmp('s/r1', 'regressed'),
      cmp('s/w1', 'new'),
      cmp('s/m1', 'missing'),
      cmp('s/r2', 'regressed', { ratio: 1.5, head: 150 }),
    ];
    const criteria = [
      { expect: 's/r1 median < 1s', status: 'pass' as const, actual: 120, unit: 'ms' },
      { expect: 's/zz p95 < 1s', status: 'missing' as const, detail: 'matched no metric' },
    ];
    const html = renderHtml({ verdict: verdict({ comparisons, criteria }), head: results([]), base: results([]) });
    expect(html.indexOf('id="criteria"')).toBeLessThan(html.indexOf('id="comparisons"'));
    const tables = html.slice(html.indexOf('id="comparisons"'), html.indexOf('id="metrics"'));
    const [listed = '', folded = ''] = tables.split('<details>');
    const idsIn = (t: string) =>
      [...t.matchAll(/<tr class="row-[a-z]+"><td>(?:<a href="#m\d+">)?<code>([^<]+)/g)].map((m) => m[1]);
    expect(idsIn(listed)).toEqual(['s/r2', 's/r1', 's/i1', 's/m1', 's/w1']);
    expect(folded).toContain('<summary>1 inconclusive, 1 unchanged</summary>');
    expect(idsIn(folded)).toEqual(['s/n1', 's/u1']);
    const crit = html.slice(html.indexOf('id="criteria"'), html.indexOf('id="comparisons"'));
    expect(crit).toContain('<span class="badge c-pass">pass</span>');
    expect(crit).toContain('<span class="badge c-missing">missing</span>');
    expect(crit).toContain('120 ms');
  });

  it('lists the warnings and says the environment in the footer', () => {
    const w = warning('environment', 'The machines differ', ['s/a', 's/b']);
    const html = renderHtml({
      verdict: verdict({ warnings: [w] }),
      head: results([], { env: { ...ENV, runner: 'gh-7', cores: 8 } }),
      base: results([]),
    });
    expect(html).toContain(
      '<section id="warnings"><h2>Warnings</h2><ul><li>The machines differ: <code>s/a</code>, <code>s/b</code></li>',
    );
    const footer = html.slice(html.indexOf('<footer>'));
    expect(footer).toContain('linux 6.1/x64 · AMD EPYC 7763 · 8 cores · Node v20.11.0 · runner gh-7');
    expect(footer).toContain('The baseline ran on a different machine (cores: 4 → 8)');
  });
});

describe('HTML report: charts per metric', () => {
  it('draws base and head replicates on one axis, one dot each, and the trend of the history with both marked', () => {
    const input = judged();
    const html = renderHtml(input);
    expect(metricSections(html)).toBe(3);
    const plan = sectionOf(html, 'api/plan');
    const strip = svgTitled(plan, 'Base and head replicates') ?? '';
    expect(dots(strip, 'base')).toBe(REPLICATES);
    expect(dots(strip, 'head')).toBe(REPLICATES);
    expect(count(strip, '<rect class="box"')).toBe(2);
    const trend = svgTitled(plan, 'Trend over main-branch runs') ?? '';
    expect(polyline(trend, 'trend')).toBe(MAIN_RUNS);
    expect(trend).toContain('<g class="mark base">');
    expect(trend).toContain('<g class="mark head">');
    expect(plan).toContain(`level of ${MAIN_RUNS} earlier main-branch runs`);
    // Replicates are no time series, and bench stats are no request latencies.
    expect(svgTitled(plan, 'Values per time window')).toBeUndefined();
    expect(plan).not.toContain('class="percentiles"');
  });

  it('marks the head above the base when the head is slower', () => {
    const html = renderHtml(judged());
    const trend = svgTitled(sectionOf(html, 'api/plan'), 'Trend over main-branch runs') ?? '';
    // The head is a circle at its point; the base a diamond whose path starts 6 px above its point.
    const head = Number(/<g class="mark head"><circle cx="[\d.]+" cy="([\d.]+)"/.exec(trend)?.[1]);
    const base = Number(/<g class="mark base"><path d="M[\d.]+ ([\d.]+)/.exec(trend)?.[1]) + 6;
    // SVG y grows downwards: a larger time is drawn higher, with a smaller y.
    expect(Number.isFinite(base) && Number.isFinite(head)).toBe(true);
    expect(head).toBeLessThan(base);
  });

  it('draws windowed samples over time, base and head, and an http request latency as percentiles', () => {
    const html = renderHtml(judged());
    const latency = sectionOf(html, 'web/get/latency');
    const windows = svgTitled(latency, 'Values per time window') ?? '';
    expect(polyline(windows, 'head')).toBe(WINDOWS);
    expect(polyline(windows, 'base')).toBe(WINDOWS);
    expect(latency).toContain('Distribution of the time windows of one run (base 24, head 24)');
    const table = /<table class="percentiles">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(latency)?.[1] ?? '';
    expect([...table.matchAll(/<tr><th>(\w+)<\/th>/g)].map((m) => m[1])).toEqual(['p50', 'p90', 'p95', 'p99', 'max']);
    // p95 went from 25 ms to 32.5 ms.
    expect(table).toContain(
      '<tr><th>p95</th><td class="num">25 ms</td><td class="num">32.5 ms</td><td class="num">+30.0%</td></tr>',
    );
    const bars = svgTitled(latency, 'Latency percentiles') ?? '';
    expect(count(bars, '<rect class="bar base"')).toBe(5);
    expect(count(bars, '<rect class="bar head"')).toBe(5);
    // A throughput has windows but no latency percentiles.
    const throughput = sectionOf(html, 'web/get/throughput');
    expect(polyline(svgTitled(throughput, 'Values per time window') ?? '', 'head')).toBe(WINDOWS);
    expect(throughput).not.toContain('class="percentiles"');
  });

  it('without a baseline or history: the head alone, and says so', () => {
    const head = results([metric('s/a', [1, 2, 3, 4])]);
    const html = renderHtml({ verdict: verdict({ baseline: undefined, comparisons: [cmp('s/a', 'new')] }), head });
    expect(html).toContain('no baseline to compare with');
    expect(html).toContain('No history was given');
    const strip = svgTitled(sectionOf(html, 's/a'), 'Base and head replicates') ?? '';
    expect(dots(strip, 'head')).toBe(4);
    expect(strip).not.toContain('class="row base"');
  });

  it('thins a huge sample set to evenly spaced quantiles, and says so', () => {
    const many = Array.from({ length: 5000 }, (_, i) => 1 + (i % 97) / 100);
    const html = renderHtml({
      verdict: verdict({ comparisons: [cmp('s/big', 'unchanged')] }),
      head: results([metric('s/big', many)]),
      base: results([metric('s/big', many)]),
    });
    const section = sectionOf(html, 's/big');
    const strip = svgTitled(section, 'Base and head replicates') ?? '';
    expect(dots(strip, 'head')).toBe(300);
    expect(dots(strip, 'base')).toBe(300);
    expect(section).toContain('(base 5000, head 5000)');
    expect(section).toContain('evenly spaced quantiles');
  });

  it(`charts at most ${MAX_CHARTED} metrics, the most interesting first, and says where the cut is`, () => {
    const total = MAX_CHARTED + 50;
    const ids = Array.from({ length: total }, (_, i) => `s/m${String(i).padStart(3, '0')}`);
    // The regressions are at the end of the documents: the cut must not follow document order.
    const regressed = new Set(ids.slice(-10));
    const metrics = ids.map((id) => metric(id, [1, 2, 3]));
    const comparisons = ids.map((id) => cmp(id, regressed.has(id) ? 'regressed' : 'unchanged'));
    const html = renderHtml({ verdict: verdict({ comparisons }), head: results(metrics), base: results(metrics) });
    expect(metricSections(html)).toBe(MAX_CHARTED);
    expect(html).toContain(`Charts for the ${MAX_CHARTED} most interesting of ${total} metrics`);
    expect(html).toContain(`the other ${total - MAX_CHARTED} are in the tables above`);
    for (const id of regressed) expect(() => sectionOf(html, id)).not.toThrow();
    // Every metric still has its row; only the charted ones link to a section.
    const tables = html.slice(html.indexOf('id="comparisons"'), html.indexOf('id="metrics"'));
    expect(count(tables, '<tr class="row-')).toBe(total);
    expect(count(tables, '<a href="#m')).toBe(MAX_CHARTED);
  });
});
