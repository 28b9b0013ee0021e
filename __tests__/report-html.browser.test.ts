// The HTML report in a real browser: Debian's headless Chromium opens the page from a file and the test asks
// it, over the DevTools protocol on a pipe (no port, no npm dependency), what it drew: the charts have size,
// the hostile names stayed text, the page fetched nothing and its policy is in force. A screenshot is kept
// under .perf/test-artifacts for a person to look at.

import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToHistory, type HistoryDocument } from '../src/baseline/history.ts';
import { judge } from '../src/compare/judge.ts';
import { makeMetric } from '../src/model/make-metric.ts';
import { RESULTS_SCHEMA, type ResultsDocument, type RunEnvironment } from '../src/model/results.ts';
import { renderHtml } from '../src/report/index.ts';
import { normalDraw } from '../src/stats/random.ts';
import { makeRng } from '../src/stats/rng.ts';
import { summarize } from '../src/stats/summary.ts';

const ARTIFACTS = path.resolve('.perf/test-artifacts');
const SCREENSHOT = path.join(ARTIFACTS, 'report.png');
const WIDTH = 1200;
const HEIGHT = 3000;
/** A guard against a browser that never answers, not a speed check. */
const ANSWER_WITHIN_MS = 120_000;

/** Debian's chromium, where scripts/test-tools.sh installs it, or one on PATH. */
function findChromium(): string {
  const dirs = ['/usr/bin', ...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const file = path.join(dir, 'chromium');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here; the next directory.
    }
  }
  throw new Error(
    'Chromium was not found (/usr/bin/chromium or chromium on PATH): the HTML report test opens the page in it. ' +
      "Run `bash scripts/test-tools.sh` (it installs Debian's chromium package), then run the test again.",
  );
}

// ---- the page: a judged run with history, hostile names among the metrics ---------------------------------

const HOSTILE_SCRIPT = '<script>document.title="pwned"</script>';
const HOSTILE_IMG = '"><img src=x onerror="document.title=\'pwned\'">';
const ENV: RunEnvironment = { os: 'linux 6.1', arch: 'x64', cpu: 'AMD EPYC 7763', cores: 4, node: 'v20.11.0' };

function run(i: number, rng: () => number, slow: number): ResultsDocument {
  const reps = (level: number) => Array.from({ length: 7 }, () => level * Math.exp(0.01 * normalDraw(rng)));
  const wins = (level: number) => Array.from({ length: 24 }, () => level * Math.exp(0.02 * normalDraw(rng)));
  const latency = wins(12 * slow);
  const stats = { ...summarize(latency), n: 4000, p90: 20 * slow, p95: 25 * slow, p99: 40 * slow, max: 80 * slow };
  return {
    schema: RESULTS_SCHEMA,
    createdAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
    git: { sha: `${i}`.padStart(40, 'a'), ref: i > 10 ? 'feature' : 'main' },
    env: ENV,
    suites: [
      {
        name: 'api',
        kind: 'bench',
        ok: true,
        durationMs: 1,
        metrics: [
          makeMetric({ suite: 'api', name: 'plan', unit: 'ms', better: 'lower', samples: reps(10 * slow) }),
          makeMetric({ suite: 'api', name: HOSTILE_SCRIPT, unit: 'ms', better: 'lower', samples: reps(3) }),
          makeMetric({ suite: 'api', name: HOSTILE_IMG, unit: 'ms', better: 'lower', samples: reps(4) }),
        ],
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
        ],
      },
    ],
  };
}

function page(): string {
  const rng = makeRng(3);
  let history: HistoryDocument | undefined;
  let base: ResultsDocument | undefined;
  for (let i = 0; i < 10; i++) {
    base = run(i, rng, 1);
    history = appendToHistory(history, base);
  }
  if (!base || !history) throw new Error('no main runs');
  const head = run(20, rng, 1.3);
  const verdict = judge({ head, baseline: { results: base, source: 'actions-cache', history } });
  return renderHtml({ verdict, head, base, history, configId: HOSTILE_IMG });
}

// ---- DevTools protocol over --remote-debugging-pipe ----------------------------------------------------------

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/** Chromium reads commands on fd 3 and writes answers and events on fd 4, each message ended by a NUL. */
class Browser {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private readonly listeners: Array<(m: Message) => void> = [];
  private buffer = '';
  private stderr = '';

  private constructor(
    private readonly proc: ChildProcess,
    private readonly out: Writable,
  ) {}

  static launch(executable: string, profile: string): Browser {
    const proc = spawn(
      executable,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-extensions',
        '--disable-background-networking',
        '--no-first-run',
        '--no-default-browser-check',
        '--hide-scrollbars',
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    const browser = new Browser(proc, proc.stdio[3] as Writable);
    proc.stderr?.on('data', (d: Buffer) => {
      browser.stderr = (browser.stderr + d.toString()).slice(-4000);
    });
    (proc.stdio[4] as Readable).on('data', (d: Buffer) => browser.receive(d.toString()));
    proc.on('exit', (code) => {
      for (const p of browser.pending.values()) {
        p.reject(new Error(`chromium exited (${code}) before answering; its stderr ends:\n${browser.stderr}`));
      }
      browser.pending.clear();
    });
    return browser;
  }

  private receive(text: string): void {
    this.buffer += text;
    for (let end = this.buffer.indexOf('\0'); end >= 0; end = this.buffer.indexOf('\0')) {
      const message = JSON.parse(this.buffer.slice(0, end)) as Message;
      this.buffer = this.buffer.slice(end + 1);
      const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
      if (waiting && message.id !== undefined) {
        this.pending.delete(message.id);
        if (message.error) waiting.reject(new Error(message.error.message));
        else waiting.resolve(message);
      } else {
        for (const l of this.listeners) l(message);
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.next++;
    const answer = new Promise<Message>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      setTimeout(() => {
        if (this.pending.delete(id))
          reject(new Error(`chromium did not answer ${method}; stderr ends:\n${this.stderr}`));
      }, ANSWER_WITHIN_MS).unref();
    });
    this.out.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return answer.then((m) => m.result ?? {});
  }

  on(listener: (m: Message) => void): void {
    this.listeners.push(listener);
  }

  /** The next event named `method`. */
  once(method: string): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} from chromium`)), ANSWER_WITHIN_MS);
      timer.unref();
      this.listeners.push((m) => {
        if (m.method !== method) return;
        clearTimeout(timer);
        resolve(m);
      });
    });
  }

  async close(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    await this.send('Browser.close').catch(() => undefined);
    const killer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }
}

// ---- what the page showed ------------------------------------------------------------------------------------

interface Seen {
  title: string;
  headline: string;
  charts: Array<{ kind: string; width: number; height: number }>;
  /** Circles, polylines and bars with an area on screen, and all of them. */
  visibleMarks: number;
  marks: number;
  longestLine: number;
  /** Elements a document's text could have become. */
  injected: number;
  metricTitles: string[];
  violation: string;
}

// Runs inside the page, through the protocol (the page's own policy forbids any script of its own).
const INSPECT = `(async () => {
  const charts = [...document.querySelectorAll('svg.chart')].map((s) => {
    const r = s.getBoundingClientRect();
    return { kind: s.getAttribute('class'), width: r.width, height: r.height };
  });
  const marks = [...document.querySelectorAll('svg.chart circle, svg.chart polyline, svg.chart rect.bar')];
  const visibleMarks = marks.filter((m) => { const r = m.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length;
  const lines = [...document.querySelectorAll('svg.chart polyline')].map((p) => p.getTotalLength());
  // Proof the policy is in force: a fetch, even of a data: URL, is refused and reported as a violation.
  const violation = await new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
    fetch('data:text/plain,x').then(() => resolve('fetched'), () => undefined);
    setTimeout(() => resolve('no violation reported'), 10000);
  });
  return {
    title: document.title,
    headline: document.querySelector('h1')?.textContent ?? '',
    charts, visibleMarks, marks: marks.length, longestLine: Math.max(0, ...lines),
    injected: document.querySelectorAll('script, img, iframe, object, embed, link').length,
    metricTitles: [...document.querySelectorAll('section.metric h3 code')].map((c) => c.textContent),
    violation,
  };
})()`;

describe('HTML report in headless Chromium', () => {
  let browser: Browser | undefined;
  let profile = '';
  const requests: string[] = [];
  let seen: Seen;
  let fileUrl = '';

  beforeAll(async () => {
    const chromium = findChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'report.html');
    writeFileSync(file, page());
    fileUrl = pathToFileURL(file).href;
    rmSync(SCREENSHOT, { force: true });
    profile = mkdtempSync(path.join(tmpdir(), 'perf-report-chromium-'));
    browser = Browser.launch(chromium, profile);
    const b = browser;
    const { targetInfos } = (await b.send('Target.getTargets')) as {
      targetInfos: Array<{ type: string; targetId: string }>;
    };
    const target = targetInfos.find((t) => t.type === 'page');
    if (!target) throw new Error('chromium opened no page');
    const { sessionId } = (await b.send('Target.attachToTarget', { targetId: target.targetId, flatten: true })) as {
      sessionId: string;
    };
    b.on((m) => {
      if (m.sessionId === sessionId && m.method === 'Network.requestWillBeSent') {
        requests.push(String((m.params?.request as { url?: string } | undefined)?.url));
      }
    });
    for (const domain of ['Page', 'Network', 'Runtime']) await b.send(`${domain}.enable`, {}, sessionId);
    await b.send(
      'Emulation.setDeviceMetricsOverride',
      { width: WIDTH, height: HEIGHT, deviceScaleFactor: 1, mobile: false },
      sessionId,
    );
    const loaded = b.once('Page.loadEventFired');
    await b.send('Page.navigate', { url: fileUrl }, sessionId);
    await loaded;
    const evaluated = (await b.send(
      'Runtime.evaluate',
      { expression: INSPECT, awaitPromise: true, returnByValue: true },
      sessionId,
    )) as { result: { value: Seen }; exceptionDetails?: unknown };
    if (evaluated.exceptionDetails)
      throw new Error(`inspecting the page failed: ${JSON.stringify(evaluated.exceptionDetails)}`);
    seen = evaluated.result.value;
    const shot = (await b.send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
    writeFileSync(SCREENSHOT, Buffer.from(shot.data, 'base64'));
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('draws every chart with a size, and its dots, lines and bars on screen', () => {
    const kinds = seen.charts.map((c) => c.kind);
    // Four metrics: four distributions and four trends; the http latency adds its windows and percentiles.
    expect(kinds.filter((k) => k === 'chart strip')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'chart line')).toHaveLength(5);
    expect(kinds.filter((k) => k === 'chart bars')).toHaveLength(1);
    for (const c of seen.charts) {
      expect(c.width).toBeGreaterThan(100);
      expect(c.height).toBeGreaterThan(50);
    }
    expect(seen.marks).toBeGreaterThan(50);
    expect(seen.visibleMarks).toBe(seen.marks);
    expect(seen.longestLine).toBeGreaterThan(100);
  });

  it("keeps hostile names as text: no element came from them and the title is the report's", () => {
    expect(seen.injected).toBe(0);
    // Had a payload run, the title would be just "pwned"; it is the report's, the config id in it as text.
    expect(seen.title).toBe(`perf-action (${HOSTILE_IMG}): failed`);
    expect(seen.headline).toContain('perf-action');
    expect(seen.metricTitles).toContain(`api/${HOSTILE_SCRIPT}`);
    expect(seen.metricTitles).toContain(`api/${HOSTILE_IMG}`);
  });

  it('loads nothing but itself, and its policy refuses a fetch', () => {
    expect(requests).toEqual([fileUrl]);
    expect(seen.violation).toBe('connect-src');
  });

  it('leaves a screenshot of the page as a test artifact', () => {
    const png = readFileSync(SCREENSHOT);
    // The PNG signature, then the IHDR chunk's width and height.
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(16)).toBe(WIDTH);
    expect(png.readUInt32BE(20)).toBe(HEIGHT);
    // A blank page of this size compresses to a few kilobytes; charts and text take far more.
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(50_000);
  });
});
