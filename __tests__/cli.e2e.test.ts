// End-to-end: the built CLI bundle (dist/cli.js) as a user runs it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResults } from '../src/model/results.ts';
import { parseVerdict } from '../src/model/verdict.ts';
import { HANG_GUARD_MS } from './helpers/tier.ts';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/cli.js');
const fixtures = path.join(root, '__tests__/fixtures');
let work: string;

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1', ...env },
    encoding: 'utf8',
    timeout: HANG_GUARD_MS,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  work = mkdtempSync(path.join(tmpdir(), 'perf-cli-'));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('perf-action CLI bundle', () => {
  const spin = path.join(fixtures, 'spin/perf.yml');

  it('runs, writes results, and gates a 30% slowdown as regressed while the same code is not', () => {
    const first = run(['run', '--config', spin, '--out', 'base.json', '--json', 'v0.json', '--markdown', 'r0.md']);
    expect(first.stderr).toMatch(/spin \(bench\)/);
    expect(first.code).toBe(0);
    const base = parseResults(readFileSync(path.join(work, 'base.json'), 'utf8'), 'base.json');
    const ids = base.suites[0]?.metrics.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['spin/spin[ms=0.2]', 'spin/spin[ms=0.4]']));
    for (const m of base.suites[0]?.metrics ?? []) {
      expect(m.samples).toHaveLength(5);
      expect(m.unit).toBe('ms');
      expect(m.better).toBe('lower');
    }
    const v0 = parseVerdict(readFileSync(path.join(work, 'v0.json'), 'utf8'), 'v0.json');
    expect(v0.status).toBe('pass');
    expect(v0.comparisons.every((c) => c.verdict === 'new')).toBe(true);
    expect(readFileSync(path.join(work, 'r0.md'), 'utf8')).toMatch(/baseline/i);

    const same = run(['run', '--config', spin, '--baseline', 'base.json', '--json', 'v1.json']);
    const v1 = parseVerdict(readFileSync(path.join(work, 'v1.json'), 'utf8'), 'v1.json');
    expect(v1.comparisons.map((c) => c.verdict)).not.toContain('regressed');
    expect(v1.baseline?.source).toBe('base.json');
    expect(same.code).toBe(0);

    const slow = run(
      [
        'run',
        '--config',
        spin,
        '--baseline',
        'base.json',
        '--out',
        'slow.json',
        '--json',
        'v2.json',
        '--markdown',
        'r2.md',
        '--html',
        'r2.html',
      ],
      {
        SPIN_FACTOR: '1.3',
      },
    );
    expect(slow.code).toBe(1);
    const v2 = parseVerdict(readFileSync(path.join(work, 'v2.json'), 'utf8'), 'v2.json');
    expect(v2.status).toBe('fail');
    for (const c of v2.comparisons) {
      expect(c.verdict).toBe('regressed');
      expect(c.ratio).toBeGreaterThan(1.2);
      expect(c.ratio).toBeLessThan(1.4);
    }
    expect(readFileSync(path.join(work, 'r2.md'), 'utf8')).toMatch(/regress/i);
    // The HTML report: one self-contained page with the regressed rows and their charts, fetching nothing.
    const page = readFileSync(path.join(work, 'r2.html'), 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain("default-src 'none'");
    expect(page).toContain('spin/spin[ms=0.4]');
    expect(page).toMatch(/<svg[^>]*>/);
    expect(page).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/i);
    expect(slow.stdout).toMatch(/regress/i);
    // 5 replicates against 5 cannot decide two metrics at the run's confidence: the gate ran the suite again
    // and decided on the pooled runs, each of which showed the slowdown.
    expect(slow.stderr).toMatch(/run 2 of up to 3: spin again to decide/);
    expect(v2.warnings.find((w) => w.code === 'runs-added')?.values?.runs).toBeGreaterThanOrEqual(1);
    for (const c of v2.comparisons) {
      expect(c.evidence?.test).toBe('rank');
      expect(c.evidence?.headRuns).toBeGreaterThanOrEqual(2);
      expect(c.ci?.[0]).toBeGreaterThan(1);
    }

    // `compare` reaches the same decision from the two files.
    const cmp = run(['compare', '--base', 'base.json', '--head', 'slow.json', '--config', spin, '--json', 'v3.json']);
    expect(cmp.code).toBe(1);
    const v3 = parseVerdict(readFileSync(path.join(work, 'v3.json'), 'utf8'), 'v3.json');
    expect(v3.comparisons.map((c) => c.verdict)).toEqual(v2.comparisons.map((c) => c.verdict));
  });

  it('clears a regression that a second run of its suite does not repeat, and says so', () => {
    run(['run', '--config', spin, '--out', 'spell-base.json']);
    // The first run's five processes land in a slow spell; the recheck's five do not.
    const counter = path.join(work, 'spell-count');
    const spell = run(
      ['run', '--config', spin, '--baseline', 'spell-base.json', '--json', 'vs.json', '--markdown', 'rs.md'],
      {
        SPIN_SLOW_SPELL: `${counter}:5`,
      },
    );
    expect(readFileSync(counter, 'utf8').length).toBeGreaterThanOrEqual(10);
    expect(spell.stderr).toMatch(/spin again to decide/);
    const v = parseVerdict(readFileSync(path.join(work, 'vs.json'), 'utf8'), 'vs.json');
    expect(v.status).toBe('pass');
    expect(spell.code).toBe(0);
    // The first run was about +50%; the runs after it were not: a regression must show in every run.
    for (const c of v.comparisons) {
      expect(c.verdict).not.toBe('regressed');
      expect(c.evidence?.headRuns).toBeGreaterThanOrEqual(2);
    }
    expect(v.warnings.some((w) => w.code === 'runs-added')).toBe(true);

    // With recheck off, the same spell fails the gate in one run.
    const config = path.join(work, 'no-recheck.yml');
    writeFileSync(
      config,
      `${readFileSync(spin, 'utf8').replace(/file: spin.bench.ts/, `file: ${path.join(path.dirname(spin), 'spin.bench.ts')}`)}  recheck: false\n`,
    );
    const once = run(['run', '--config', config, '--baseline', 'spell-base.json', '--json', 'vo.json'], {
      SPIN_SLOW_SPELL: `${path.join(work, 'spell-count-2')}:5`,
    });
    expect(once.stderr).not.toMatch(/again to decide/);
    expect(once.code).toBe(1);
  });

  it('compare --history judges a one-value metric against earlier runs; without them, by the threshold', () => {
    const doc = (i: number, value: number) => ({
      schema: 'perf-action/results@1',
      createdAt: new Date(Date.UTC(2026, 0, 1, i)).toISOString(),
      git: { sha: `h${i}` },
      env: { os: 'linux', arch: 'x64', cpu: 'cpu', cores: 2, node: 'v24' },
      suites: [
        {
          name: 'go',
          kind: 'command',
          ok: true,
          durationMs: 1,
          metrics: [
            {
              id: 'go/BenchmarkPlan',
              suite: 'go',
              name: 'BenchmarkPlan',
              unit: 'ns',
              better: 'lower',
              stats: { n: 1, mean: value, median: value, min: value, max: value },
            },
          ],
        },
      ],
    });
    const levels = [100, 102, 99, 101, 98];
    for (const [i, v] of levels.entries()) writeFileSync(path.join(work, `h${i}.json`), JSON.stringify(doc(i, v)));
    writeFileSync(path.join(work, 'h-head.json'), JSON.stringify(doc(9, 115)));
    const history = levels.slice(0, -1).flatMap((_, i) => ['--history', `h${i}.json`]);
    const withHistory = run(['compare', '--base', 'h4.json', '--head', 'h-head.json', ...history, '--json', 'vh.json']);
    expect(withHistory.code).toBe(1);
    const vh = parseVerdict(readFileSync(path.join(work, 'vh.json'), 'utf8'), 'vh.json');
    expect(vh.comparisons[0]).toMatchObject({ verdict: 'regressed', evidence: { test: 'history', historyRuns: 5 } });
    const alone = run(['compare', '--base', 'h4.json', '--head', 'h-head.json', '--json', 'va.json']);
    expect(alone.code).toBe(0);
    const va = parseVerdict(readFileSync(path.join(work, 'va.json'), 'utf8'), 'va.json');
    expect(va.comparisons[0]).toMatchObject({ verdict: 'unchanged', evidence: { test: 'threshold', threshold: 0.25 } });
    const missing = run(['compare', '--base', 'h4.json', '--head', 'h-head.json', '--history', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/history file .*nope\.json not found/);
  });

  it('passes a linear scaling check and fails a quadratic one', () => {
    const r = run(['run', '--config', path.join(fixtures, 'spin/scaling.yml'), '--json', 'scaling.json']);
    expect(r.code).toBe(1);
    const v = parseVerdict(readFileSync(path.join(work, 'scaling.json'), 'utf8'), 'scaling.json');
    const byName = Object.fromEntries(v.criteria.map((c) => [c.name, c]));
    expect(byName.linear?.status).toBe('pass');
    expect(byName.linear?.actual).toBeLessThan(1.2);
    expect(byName.quadratic?.status).toBe('fail');
    expect(byName.quadratic?.actual).toBeGreaterThan(1.6);
  });

  it('exits 2 on a misspelled key, naming the line and the right key', () => {
    const r = run(['validate', '--config', path.join(fixtures, 'broken/typo.yml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /typo\.yml:6:5: suites\[0\]\.replicats: unknown key "replicats" \(did you mean "replicates"\?\)/,
    );
  });

  it('exits 2 on a benchmark file that does not load, naming the file', () => {
    const r = run(['run', '--config', path.join(fixtures, 'broken/perf.yml'), '--out', 'broken.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.bench\.ts/);
    // What was measured (here: the failed suite itself) is still written.
    const doc = parseResults(readFileSync(path.join(work, 'broken.json'), 'utf8'), 'broken.json');
    expect(doc.suites[0]?.ok).toBe(false);
    expect(doc.suites[0]?.error).toMatch(/broken\.bench\.ts/);
  });

  it('--save-baseline keeps each complete run as the baseline and grows its history; a failed run saves nothing', () => {
    for (let i = 1; i <= 2; i++) {
      const r = run([
        'run',
        '--config',
        spin,
        '--suite',
        'spin',
        // From the second run on, it compares with the baseline it then replaces.
        ...(i > 1 ? ['--baseline', 'main.json'] : []),
        '--save-baseline',
        'main.json',
      ]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(
        `baseline saved to main.json; its history (main.history.json) holds ${i} run${i > 1 ? 's' : ''}`,
      );
      const history = JSON.parse(readFileSync(path.join(work, 'main.history.json'), 'utf8'));
      expect(history.schema).toBe('perf-action/history@1');
      expect(history.runs).toHaveLength(i);
      expect(Object.keys(history.runs[i - 1].metrics)).toEqual(expect.arrayContaining(['spin/spin[ms=0.2]']));
    }
    const saved = parseResults(readFileSync(path.join(work, 'main.json'), 'utf8'), 'main.json');
    const before = readFileSync(path.join(work, 'main.json'), 'utf8');
    const broken = run(['run', '--config', path.join(fixtures, 'broken/perf.yml'), '--save-baseline', 'main.json']);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/baseline not saved to main\.json: .*the previous baseline stays/);
    expect(readFileSync(path.join(work, 'main.json'), 'utf8')).toBe(before);
    expect(saved.suites[0]?.ok).toBe(true);
    expect(JSON.parse(readFileSync(path.join(work, 'main.history.json'), 'utf8')).runs).toHaveLength(2);
  });

  it('exits 2 on a missing baseline before running anything, and says a corrupt one is corrupt', () => {
    const missing = run(['run', '--config', spin, '--baseline', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/baseline file .*nope\.json not found/);
    expect(missing.stderr).not.toMatch(/spin \(bench\)/);
    writeFileSync(path.join(work, 'cut.json'), '{"schema":"perf-action/results@1","suites":[{"na');
    const cut = run(['run', '--config', spin, '--baseline', 'cut.json']);
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/cut\.json: is not valid JSON/);
    writeFileSync(path.join(work, 'future.json'), JSON.stringify({ schema: 'perf-action/results@2' }));
    const future = run(['compare', '--base', 'future.json', '--head', 'future.json']);
    expect(future.code).toBe(2);
    expect(future.stderr).toMatch(/results@2, a major version this perf-action cannot read/);
  });

  it('exits 2 on usage errors with help', () => {
    expect(run(['frobnicate']).code).toBe(2);
    const r = run(['run', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage:/);
    expect(run(['compare', '--base', 'a.json']).stderr).toMatch(/--head/);
    expect(run(['--help']).code).toBe(0);
  });

  it('runs a TypeScript bench file with enums, .js specifiers, async benches and per-case setup/teardown', () => {
    const log = path.join(work, 'ts-features.log');
    const r = run(['run', '--config', path.join(fixtures, 'ts-features/perf.yml'), '--out', 'ts.json'], {
      TS_FEATURES_LOG: log,
    });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const doc = parseResults(readFileSync(path.join(work, 'ts.json'), 'utf8'), 'ts.json');
    const ids = doc.suites[0]?.metrics.map((m) => m.id).sort();
    const cases = ['size=100,kind=chain', 'size=100,kind=star', 'size=50,kind=chain', 'size=50,kind=star'];
    expect(ids).toEqual([...cases.map((c) => `ts/walk-async[${c}]`), ...cases.map((c) => `ts/walk[${c}]`)]);
    // Setup and teardown run for each of the 8 cases (2 benches x 4 points) in each of the 2 replicate
    // processes, and teardown sees setup's state.
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.startsWith('setup '))).toHaveLength(16);
    expect(lines.filter((l) => l.startsWith('teardown '))).toHaveLength(16);
    expect(lines).toContain('teardown size=100 kind=star edges=99');
    expect(lines).toContain('teardown size=50 kind=chain edges=49');
  });

  it('ingests tool output into a results document that compare can gate', () => {
    const hf = path.join(fixtures, 'ingest/hyperfine/params.json');
    const r = run(['ingest', hf, '--suite', 'hf', '--out', 'hf.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hyperfine: 2 metrics -> hf\.json/);
    const doc = parseResults(readFileSync(path.join(work, 'hf.json'), 'utf8'), 'hf.json');
    expect(doc.suites[0]?.kind).toBe('ingest');
    const metrics = doc.suites[0]?.metrics ?? [];
    expect(metrics.map((m) => m.params)).toEqual([{ ms: 2 }, { ms: 4 }]);
    for (const m of metrics) {
      expect(m.id.startsWith('hf/')).toBe(true);
      expect(m.better).toBe('lower');
      expect(m.samples).toHaveLength(5);
    }
    // Without --out the document goes to stdout, so it pipes.
    const piped = run(['ingest', hf, '--suite', 'hf']);
    expect(parseResults(piped.stdout, 'stdout').suites[0]?.metrics).toHaveLength(2);

    // The same results compared with themselves: nothing regressed, and the gate passes.
    const same = run(['compare', '--base', 'hf.json', '--head', 'hf.json', '--json', 'hfv.json']);
    expect(same.code).toBe(0);
    const v = parseVerdict(readFileSync(path.join(work, 'hfv.json'), 'utf8'), 'hfv.json');
    expect(v.comparisons).toHaveLength(2);
    expect(v.comparisons.map((c) => c.verdict)).not.toContain('regressed');
  });

  it('a large ingest lists a few metrics, and a reader that leaves early (| head) costs no stack or file', () => {
    const lines = ['goos: linux', 'goarch: amd64', 'pkg: example.com/big'];
    for (let i = 0; i < 2000; i++) lines.push(`BenchmarkB${i}-8\t1000\t${1000 + i} ns/op`);
    writeFileSync(path.join(work, 'big.txt'), `${lines.concat('PASS', '').join('\n')}`);
    const listed = run(['ingest', 'big.txt', '--out', 'big.json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^go: 2000 metrics -> big\.json\n/);
    expect(listed.stdout.trim().split('\n')).toHaveLength(1 + 50 + 1);
    expect(listed.stdout).toMatch(/… and 1950 more in big\.json\n$/);
    expect(parseResults(readFileSync(path.join(work, 'big.json'), 'utf8'), 'big.json').suites[0]?.metrics).toHaveLength(
      2000,
    );
    // The document to stdout, read by a shell pipeline that takes one line and closes the pipe.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" ingest big.txt | head -n 1`], {
      cwd: work,
      encoding: 'utf8',
    });
    expect(r.stdout.split('\n')[0]).toBe('{');
    expect(r.stderr).not.toMatch(/EPIPE|at .*\.js:\d+/);
  });

  it('exits 2 on ingest input it cannot read, naming the file and the fix', () => {
    const missing = run(['ingest', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: expected a file or directory/);
    writeFileSync(path.join(work, 'notes.txt'), 'hello, this is not benchmark output\n');
    const unknown = run(['ingest', 'notes.txt']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/notes\.txt: .*pass --format/);
    const badFormat = run(['ingest', 'notes.txt', '--format', 'pytest']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/--format pytest is not known: use auto or one of pytest-benchmark/);
    expect(run(['ingest']).stderr).toMatch(/at least one FILE/);
  });
});
