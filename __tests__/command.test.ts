// The `command` suite kind against real processes: wall time, repeats, peak RSS and CPU of the process tree,
// readiness (HTTP and log line) with a clean stop, parameter grids, and every way a run can fail.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Metric } from '../src/model/results.ts';
import { SuiteSetupError } from '../src/runner/suite-kind.ts';
import { commandKind } from '../suites/command/index.ts';
import { planCommand } from '../suites/command/plan.ts';
import type { CommandSuiteConfig } from '../suites/command/schema.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'command');
const NODE = process.execPath;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'perf-command-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Outcome {
  metrics: Metric[];
  error?: Error;
  warnings: string[];
  progress: string[];
}

async function runSuite(config: Record<string, unknown>, signal = new AbortController().signal): Promise<Outcome> {
  const out: Outcome = { metrics: [], warnings: [], progress: [] };
  const parsed = commandKind.schema.parse(config);
  try {
    const iterable = commandKind.run({
      suite: 'cmd',
      config: { ...parsed, name: 'cmd', kind: 'command' },
      configDir: FIXTURES,
      signal,
      progress: (message) => out.progress.push(message),
      warn: (message) => out.warnings.push(message),
      env: process.env,
    });
    for await (const m of iterable) out.metrics.push(m);
  } catch (err) {
    out.error = err as Error;
  }
  return out;
}

function metric(out: Outcome, id: string): Metric {
  const m = out.metrics.find((x) => x.id === id);
  if (!m)
    throw new Error(
      `no metric ${id}; got ${out.metrics.map((x) => x.id).join(', ')}${out.error ? `; error: ${out.error.message}` : ''}`,
    );
  return m;
}

/** Gone, or a zombie waiting for a reaper (this container's pid 1 does not reap orphans). */
function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function readPid(file: string): number {
  const pid = Number(readFileSync(file, 'utf8'));
  expect(pid).toBeGreaterThan(0);
  return pid;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function tmpFile(name: string): string {
  return path.join(tmp, `${name}-${Math.random().toString(36).slice(2)}`);
}

describe('command: measuring runs', () => {
  it('measures wall time of each run, after unmeasured warmup runs', async () => {
    const log = tmpFile('runs');
    const out = await runSuite({ run: `echo run >> ${log}; sleep 0.3`, repeat: 3 });
    expect(out.error).toBeUndefined();
    const wall = metric(out, 'cmd/wall');
    expect(wall.unit).toBe('ms');
    expect(wall.better).toBe('lower');
    expect(wall.samples).toHaveLength(3);
    for (const s of wall.samples ?? []) expect(s).toBeGreaterThanOrEqual(300);
    // The default warmup is one run: four runs happened, three were measured.
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(4);
    expect(out.progress).toEqual(['warmup 1/1', 'run 1/3', 'run 2/3', 'run 3/3', 'done']);
    expect(metric(out, 'cmd/cpu').samples).toHaveLength(3);
    expect(metric(out, 'cmd/peak_rss').unit).toBe('MB');
  });

  it('reports a higher peak RSS for a process that allocates 200 MB than for one that allocates 20 MB', async () => {
    const small = await runSuite({ argv: [NODE, 'alloc.mjs', '20'], repeat: 2, warmup: 0 });
    const big = await runSuite({ argv: [NODE, 'alloc.mjs', '200'], repeat: 2, warmup: 0 });
    const s = metric(small, 'cmd/peak_rss').stats.median;
    const b = metric(big, 'cmd/peak_rss').stats.median;
    expect(s).toBeGreaterThan(20);
    expect(b - s).toBeGreaterThan(150);
  });

  it('sums the RSS of the whole process tree, not just its largest process', async () => {
    const one = await runSuite({ argv: [NODE, 'alloc.mjs', '100', '600'], repeat: 1, warmup: 0 });
    const two = await runSuite({
      run: `"${NODE}" alloc.mjs 100 600 & "${NODE}" alloc.mjs 100 600 & wait`,
      repeat: 1,
      warmup: 0,
    });
    const single = metric(one, 'cmd/peak_rss').stats.median;
    const tree = metric(two, 'cmd/peak_rss').stats.median;
    expect(tree - single).toBeGreaterThan(80);
  });

  it('counts the CPU of every process in the tree, including reaped grandchildren', async () => {
    const sleeper = await runSuite({ run: 'sleep 0.4', repeat: 2, warmup: 0 });
    const busy = await runSuite({ run: `"${NODE}" busy.mjs 400; true`, repeat: 2, warmup: 0 });
    const pair = await runSuite({
      run: `"${NODE}" busy.mjs 400 & "${NODE}" busy.mjs 400 & wait`,
      repeat: 2,
      warmup: 0,
    });
    const idle = metric(sleeper, 'cmd/cpu').stats.median;
    const one = metric(busy, 'cmd/cpu').stats.median;
    const both = metric(pair, 'cmd/cpu').stats.median;
    expect(one).toBeGreaterThan(idle + 300);
    // The busy processes are the shell's children: their CPU reaches us only through the shell's reaped time.
    expect(one).toBeGreaterThanOrEqual(390); // at least what busy.mjs spun for, minus one clock tick
    expect(both).toBeGreaterThan(one * 1.6);
  });

  it('finds a double-forked process whose parent exited before any sample saw it', async () => {
    const idle = await runSuite({ run: 'sleep 1.2', repeat: 1, warmup: 0, metrics: ['cpu'] });
    const orphan = await runSuite({
      run: `("${NODE}" busy.mjs 600 &); sleep 1.2`,
      repeat: 1,
      warmup: 0,
      metrics: ['cpu'],
    });
    // Re-parented to init, its CPU never reaches ours: it is counted from the process-group scans.
    expect(metric(orphan, 'cmd/cpu').stats.median).toBeGreaterThan(metric(idle, 'cmd/cpu').stats.median + 250);
  });

  it('stops processes left running after the command exits, and says so', async () => {
    const pidfile = tmpFile('bg');
    const out = await runSuite({ run: `sleep 30 & echo $! > ${pidfile}`, repeat: 1, warmup: 0 });
    expect(out.error).toBeUndefined();
    expect(processGone(readPid(pidfile))).toBe(true);
    expect(out.warnings.join('\n')).toMatch(/1 process\(es\) were still running/);
  });
});

describe('command: parameter grids', () => {
  it('runs every value with it exported as an environment variable, and puts it in the metric ids', async () => {
    const dir = mkdtempSync(path.join(tmp, 'grid-'));
    const out = await runSuite({
      run: `echo "agents=$AGENTS mode=$MODE" > ${dir}/$AGENTS-$MODE.txt`,
      params: { AGENTS: [5, 20], MODE: ['fast'] },
      env: { MODE: 'overridden' },
      repeat: 2,
      warmup: 0,
      metrics: ['wall'],
    });
    expect(out.error).toBeUndefined();
    expect(out.metrics.map((m) => m.id)).toEqual(['cmd/wall[AGENTS=5,MODE=fast]', 'cmd/wall[AGENTS=20,MODE=fast]']);
    expect(out.metrics[1]?.params).toEqual({ AGENTS: 20, MODE: 'fast' });
    expect(out.metrics[1]?.samples).toHaveLength(2);
    expect(readFileSync(path.join(dir, '20-fast.txt'), 'utf8').trim()).toBe('agents=20 mode=fast');
    expect(out.progress).toContain('run 2/2 [AGENTS=20,MODE=fast]');
  });
});

describe('command: readiness', () => {
  it('measures the time until an HTTP endpoint answers, then stops the server cleanly', async () => {
    const port = await freePort();
    const pidfile = tmpFile('pid');
    const stopfile = tmpFile('stop');
    const out = await runSuite({
      argv: [NODE, 'server.mjs'],
      env: { PORT: port, DELAY: 300, PIDFILE: pidfile, STOPFILE: stopfile },
      ready: `http://127.0.0.1:${port}/health`,
      repeat: 2,
      warmup: 0,
    });
    expect(out.error).toBeUndefined();
    const ready = metric(out, 'cmd/ready');
    expect(ready.samples).toHaveLength(2);
    for (const s of ready.samples ?? []) expect(s).toBeGreaterThanOrEqual(300);
    expect(out.metrics.map((m) => m.id).sort()).toEqual(['cmd/cpu', 'cmd/peak_rss', 'cmd/ready']);
    expect(processGone(readPid(pidfile))).toBe(true);
    expect(readFileSync(stopfile, 'utf8')).toBe('SIGTERM'); // stopped with SIGTERM, not killed
  });

  it('measures the time until a log line matches, through a shell, and leaves no process behind', async () => {
    const port = await freePort();
    const pidfile = tmpFile('pid');
    const out = await runSuite({
      run: `echo booting; PORT=${port} DELAY=200 PIDFILE=${pidfile} "${NODE}" server.mjs; echo after`,
      ready: { log: 'listening on \\d+' },
      repeat: 1,
      warmup: 0,
    });
    expect(out.error).toBeUndefined();
    expect(metric(out, 'cmd/ready').stats.median).toBeGreaterThanOrEqual(200);
    expect(processGone(readPid(pidfile))).toBe(true);
  });

  it('fails with the output tail when the server is not ready in time, and kills it', async () => {
    const port = await freePort();
    const pidfile = tmpFile('pid');
    const out = await runSuite({
      argv: [NODE, 'server.mjs'],
      env: { PORT: port, DELAY: 20_000, PIDFILE: pidfile },
      ready: { url: `tcp://127.0.0.1:${port}`, timeout: '500ms' },
      repeat: 1,
      warmup: 0,
    });
    expect(out.error?.message).toMatch(
      /run 1\/1: .* not ready after 500 ms \(waiting for tcp:\/\/127\.0\.0\.1:\d+; last error: ECONNREFUSED\)/,
    );
    expect(out.error?.message).toContain('starting');
    expect(out.metrics).toEqual([]);
    expect(processGone(readPid(pidfile))).toBe(true);
  });

  it('fails when the command exits before it is ready', async () => {
    const out = await runSuite({
      run: 'echo "bad config: no port" >&2; exit 2',
      ready: { log: 'listening' },
      warmup: 0,
    });
    expect(out.error?.message).toMatch(/exited with code 2 before it was ready/);
    expect(out.error?.message).toContain('bad config: no port');
  });
});

describe('command: failures', () => {
  it('keeps the metrics of the runs that succeeded and reports the exit code with the last 20 lines', async () => {
    const counter = tmpFile('count');
    const script = [
      `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}`,
      'if [ $n -ge 3 ]; then for i in $(seq 1 30); do echo "out $i"; done; echo "boom: disk full" >&2; exit 3; fi',
    ].join('\n');
    const out = await runSuite({ run: script, repeat: 5, warmup: 0 });
    expect(out.error).toBeInstanceOf(Error);
    expect(out.error).not.toBeInstanceOf(SuiteSetupError);
    const message = out.error?.message ?? '';
    expect(message).toMatch(/^run 3\/5: .* exited with code 3/);
    expect(message).toContain('boom: disk full');
    expect(message).toContain('out 30');
    expect(message).not.toContain('out 10\n'); // only the tail
    expect(message).toContain('--- last 20 lines of its output ---');
    expect(metric(out, 'cmd/wall').samples).toHaveLength(2);
  });

  it('kills the whole tree when a run times out', async () => {
    const pidfile = tmpFile('pid');
    const out = await runSuite({
      run: `sleep 30 & echo $! > ${pidfile}; echo waiting; wait`,
      'run-timeout': '400ms',
      repeat: 1,
      warmup: 0,
    });
    expect(out.error?.message).toMatch(/run 1\/1: .* timed out after 400 ms; its process tree was killed/);
    expect(out.error?.message).toContain('waiting');
    expect(processGone(readPid(pidfile))).toBe(true);
  });

  it('stops the tree when the suite is aborted', async () => {
    const pidfile = tmpFile('pid');
    const controller = new AbortController();
    const pending = runSuite({ run: `sleep 30 & echo $! > ${pidfile}; wait`, repeat: 3, warmup: 0 }, controller.signal);
    while (!existsSync(pidfile) || readFileSync(pidfile, 'utf8').trim() === '')
      await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error('suite timed out after 9 ms'));
    const out = await pending;
    expect(out.error?.message).toMatch(/^suite timed out after 9 ms \(during run 1\/3; its process tree was stopped\)/);
    expect(processGone(readPid(pidfile))).toBe(true);
  });

  it('says clearly when the command does not exist', async () => {
    const direct = await runSuite({ argv: ['perf-action-no-such-command'], warmup: 0 });
    expect(direct.error).toBeInstanceOf(SuiteSetupError);
    expect(direct.error?.message).toMatch(/command not found: "perf-action-no-such-command"/);
    const viaShell = await runSuite({ run: 'perf-action-no-such-command --flag', warmup: 0 });
    expect(viaShell.error).toBeInstanceOf(SuiteSetupError);
    expect(viaShell.error?.message).toMatch(/exited with code 127 \(the shell could not find the command\)/);
    expect(viaShell.error?.message).toMatch(/perf-action-no-such-command: not found/);
  });

  it('rejects setups the schema cannot express', async () => {
    const both = await runSuite({ run: 'true', argv: ['true'] });
    expect(both.error).toBeInstanceOf(SuiteSetupError);
    expect(both.error?.message).toMatch(/exactly one of run .* or argv/);
    const cwd = await runSuite({ run: 'true', cwd: 'no-such-folder' });
    expect(cwd.error?.message).toMatch(/cwd no-such-folder is not a folder/);
    const wall = await runSuite({ run: 'true', ready: 'http://127.0.0.1:1/', metrics: ['wall'] });
    expect(wall.error?.message).toMatch(/no wall time; use ready/);
  });
});

describe('command: ingest', () => {
  it("reads the tool's results after the last run of each parameter set, under the suite and with its parameters", async () => {
    const dir = mkdtempSync(path.join(tmp, 'ingest-'));
    const file = path.join(dir, 'results.json');
    const out = await runSuite({
      run: `echo run >> ${dir}/runs; printf '[{"name":"encode","unit":"ms","value":%s}]' "$N" > ${file}`,
      params: { N: [3, 7] },
      ingest: { format: 'custom', file },
      metrics: ['wall'],
    });
    expect(out.error).toBeUndefined();
    expect(out.metrics.map((m) => m.id)).toEqual([
      'cmd/wall[N=3]',
      'cmd/encode[N=3]',
      'cmd/wall[N=7]',
      'cmd/encode[N=7]',
    ]);
    expect(metric(out, 'cmd/encode[N=7]').stats.median).toBe(7);
    expect(metric(out, 'cmd/encode[N=7]').params).toEqual({ N: 7 });
    // With ingest the tool replicates by itself: one run per set, no warmup, unless asked.
    expect(metric(out, 'cmd/wall[N=3]').samples).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'runs'), 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('sets directions: a default for what the tool leaves open, and name globs that always win', async () => {
    const dir = mkdtempSync(path.join(tmp, 'ingest-'));
    const file = path.join(dir, 'results.json');
    // No entry says its direction: the default applies to all of them, then the globs override it.
    const json =
      '[{"name":"score","unit":"points","value":5},{"name":"rate_error","unit":"%","value":2},{"name":"mem/peak","unit":"MB","value":9}]';
    const run = `printf '%s' '${json}' > ${file}`;
    const byDefault = await runSuite({ run, ingest: { format: 'custom', file, better: 'higher' }, metrics: ['wall'] });
    expect(byDefault.error).toBeUndefined();
    expect(metric(byDefault, 'cmd/score').better).toBe('higher');
    expect(metric(byDefault, 'cmd/rate_error').better).toBe('higher');
    // Without a default the unit decides (a share and a size are lower-is-better); the globs win over it.
    const mapped = await runSuite({
      run,
      ingest: { format: 'custom', file, better: { 'rate_*': 'higher', 'mem/*': 'higher' } },
      metrics: ['wall'],
    });
    expect(mapped.error).toBeUndefined();
    expect(metric(mapped, 'cmd/rate_error').better).toBe('higher');
    expect(metric(mapped, 'cmd/mem/peak').better).toBe('higher');
    expect(metric(mapped, 'cmd/wall').better).toBe('lower');
    const unmapped = await runSuite({ run, ingest: { format: 'custom', file }, metrics: ['wall'] });
    expect(metric(unmapped, 'cmd/rate_error').better).toBe('lower');
    expect(metric(unmapped, 'cmd/mem/peak').better).toBe('lower');
  });

  it("fails when the command did not write the file, or left an earlier run's results in place", async () => {
    const dir = mkdtempSync(path.join(tmp, 'ingest-'));
    const file = path.join(dir, 'results.json');
    const missing = await runSuite({ run: 'true', ingest: { format: 'custom', file } });
    expect(missing.error).toBeInstanceOf(SuiteSetupError);
    expect(missing.error?.message).toMatch(/the command did not write .*results\.json/);
    const wrote = await runSuite({ run: `echo '[{"name":"a","unit":"ms","value":1}]' > ${file}`, ingest: { file } });
    expect(wrote.error).toBeUndefined();
    expect(metric(wrote, 'cmd/a').unit).toBe('ms');
    const stale = await runSuite({ run: 'true', ingest: { format: 'custom', file } });
    expect(stale.error?.message).toMatch(/was not rewritten by the command/);
    expect(metric(stale, 'cmd/wall').samples).toHaveLength(1); // the run itself was measured
  });
});

describe('command: other platforms', () => {
  it('measures wall time only, with a warning, where there is no /proc', () => {
    const cfg = { ...commandKind.schema.parse({ run: 'true' }), name: 'cmd', kind: 'command' } as CommandSuiteConfig;
    const { plan, warnings } = planCommand(cfg, FIXTURES, false);
    expect([...plan.metrics]).toEqual(['wall']);
    expect(plan.sampleMs).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/cpu and peak_rss need Linux \/proc/);
  });
});

describe('command: schema', () => {
  it('accepts the short and long forms of ready, with defaults', () => {
    const short = commandKind.schema.parse({ run: 'x', ready: 'http://127.0.0.1:9000/health' }) as { ready: unknown };
    expect(short.ready).toEqual({ url: 'http://127.0.0.1:9000/health', timeout: 30_000 });
    const log = commandKind.schema.parse({ run: 'x', ready: { log: 'listening on', timeout: '5s' } }) as {
      ready: unknown;
    };
    expect(log.ready).toEqual({ log: 'listening on', timeout: 5000 });
  });

  it('rejects bad ready targets, bad regexes and parameter values that would break metric ids', () => {
    expect(commandKind.schema.safeParse({ run: 'x', ready: 'ftp://host' }).success).toBe(false);
    expect(commandKind.schema.safeParse({ run: 'x', ready: { log: '(' } }).success).toBe(false);
    expect(commandKind.schema.safeParse({ run: 'x', ready: { url: 'tcp://a:1', log: 'x' } }).success).toBe(false);
    expect(commandKind.schema.safeParse({ run: 'x', params: { N: ['a,b'] } }).success).toBe(false);
    expect(commandKind.schema.safeParse({ run: 'x', params: { 'not-env': [1] } }).success).toBe(false);
  });
});
