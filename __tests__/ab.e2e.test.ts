// Same-runner A/B mode end to end with the CLI bundle, on a real git repository built here: two commits with
// a known slowdown between them, the base prepared by `ab.setup` in its own worktree.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseVerdict } from '../src/model/verdict.ts';
import { HANG_GUARD_MS } from './helpers/tier.ts';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/cli.js');
let repo: string;

function git(...args: string[]): string {
  const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

function ab(args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'ab', ...args], {
    cwd: repo,
    env: { ...process.env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: HANG_GUARD_MS,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The spin time is scaled by FACTOR in the source, and by factor.txt, a file only `ab.setup` creates in the
// base worktree (it is git-ignored): without the setup step the base could not run at all.
const bench = (factor: number) => `import { readFileSync } from 'node:fs';
import { defineBench } from 'perf-action';
const FACTOR = ${factor};
const prepared = Number(readFileSync(new URL('./factor.txt', import.meta.url), 'utf8'));
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
}
export default defineBench({ benches: { spin: () => spin(0.3 * FACTOR * prepared) } });
`;

const config = `version: 1
id: ab-test
suites:
  - name: s
    kind: bench
    file: spin.bench.ts
    replicates: 5
    time: 40ms
    warmup: 5ms
ab:
  setup: echo 1 > factor.txt
  rounds: 8
  max-rounds: 8
criteria:
  - expect: s/spin median < 1s
compare:
  min-effect: 5%
  confidence: 95%
`;

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  repo = mkdtempSync(path.join(tmpdir(), 'perf-ab-repo-'));
  git('init', '-q');
  git('config', 'user.email', 'ab@example.com');
  git('config', 'user.name', 'ab');
  writeFileSync(path.join(repo, '.gitignore'), 'factor.txt\n.perf/\n');
  writeFileSync(path.join(repo, 'factor.txt'), '1\n');
  writeFileSync(path.join(repo, 'perf.yml'), config);
  writeFileSync(path.join(repo, 'spin.bench.ts'), bench(1));
  git('add', '-A');
  git('commit', '-qm', 'base');
  writeFileSync(path.join(repo, 'README.md'), 'docs only\n');
  git('add', '-A');
  git('commit', '-qm', 'docs');
  writeFileSync(path.join(repo, 'spin.bench.ts'), bench(1.3));
  git('add', '-A');
  git('commit', '-qm', 'slower');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('perf-action ab', () => {
  it('finds a 30% slowdown against the base commit, paired on one runner, and cleans up its worktree', () => {
    const r = ab(['--base', 'HEAD~1', '--json', 'v.json', '--markdown', 'r.md']);
    expect(r.stderr).toMatch(/ab\.setup in the base worktree: echo 1 > factor\.txt/);
    expect(r.code).toBe(1);
    const v = parseVerdict(readFileSync(path.join(repo, 'v.json'), 'utf8'), 'v.json');
    const spin = v.comparisons.find((c) => c.id === 's/spin');
    expect(spin?.verdict).toBe('regressed');
    expect(spin?.ratio).toBeGreaterThan(1.2);
    expect(spin?.ratio).toBeLessThan(1.4);
    expect(v.baseline?.source).toMatch(/^same runner: HEAD~1 \([0-9a-f]{12}\), 8 pairs$/);
    expect(v.baseline?.sha).toBe(git('rev-parse', 'HEAD~1'));
    expect(v.warnings.map((w) => w.message).join('\n')).toMatch(
      /same-runner A\/B against HEAD~1 .*8 interleaved pairs/,
    );
    expect(readFileSync(path.join(repo, 'r.md'), 'utf8')).toMatch(/same runner/);
    expect(v.criteria[0]?.status).toBe('pass');
    // Only the main worktree is left.
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('calls identical code unchanged or inconclusive, never regressed, and passes the gate', () => {
    // HEAD~1 and HEAD~2 differ only in a README.
    git('checkout', '-q', 'HEAD~1');
    try {
      const r = ab(['--base', 'HEAD~1', '--json', 'aa.json']);
      const v = parseVerdict(readFileSync(path.join(repo, 'aa.json'), 'utf8'), 'aa.json');
      const spin = v.comparisons.find((c) => c.id === 's/spin');
      expect(spin?.verdict).not.toBe('regressed');
      expect(spin?.verdict).not.toBe('improved');
      expect(r.code).toBe(0);
    } finally {
      git('checkout', '-q', '-');
    }
  });

  it('compare-to auto: screens against a stored baseline and confirms only the suite it left open', () => {
    // The stored baseline: a normal run of the base commit (HEAD~1, same code as HEAD~2).
    git('checkout', '-q', 'HEAD~1');
    try {
      const r = spawnSync(process.execPath, [cli, 'run', '--out', 'stored.json'], {
        cwd: repo,
        env: { ...process.env, NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: HANG_GUARD_MS,
      });
      expect(r.status).toBe(0);
    } finally {
      git('checkout', '-q', '-');
    }
    const r = ab(['--base', 'HEAD~1', '--screen', 'stored.json', '--json', 'auto.json']);
    expect(r.stderr).toMatch(/screening head against the stored baseline/);
    expect(r.stderr).toMatch(/confirming on this runner: s/);
    expect(r.code).toBe(1);
    const v = parseVerdict(readFileSync(path.join(repo, 'auto.json'), 'utf8'), 'auto.json');
    expect(v.comparisons.find((c) => c.id === 's/spin')?.verdict).toBe('regressed');
    expect(v.baseline?.source).toBe('stored.json');
    expect(v.warnings.map((w) => w.message).join('\n')).toMatch(
      /confirmed on this runner \(same-runner A\/B\) for suite s: 1 metric/,
    );
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('exits 2 with a clear message for a base that does not exist, or a failing setup', () => {
    const noScreen = ab(['--base', 'HEAD~1', '--screen', 'nope.json']);
    expect(noScreen.code).toBe(2);
    expect(noScreen.stderr).toMatch(/nope\.json not found/);
    const missing = ab(['--base', 'no-such-branch']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot find the base "no-such-branch"/);
    const failing = ab(['--base', 'HEAD~1', '--setup', 'echo broken build >&2; exit 3']);
    expect(failing.code).toBe(2);
    expect(failing.stderr).toMatch(/ab\.setup .* failed in the base worktree with exit code 3:\nbroken build/);
    expect(git('worktree', 'list').split('\n')).toHaveLength(1);
    expect(ab([]).stderr).toMatch(/ab needs --base REF/);
  });
});
