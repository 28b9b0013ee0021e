// Output paths are checked before anything runs, and only regular files are ever replaced.

import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputProblem, writeJsonAtomic } from '../src/baseline/file.ts';

const root = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'perf-out-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('outputProblem / writeJsonAtomic', () => {
  it('accepts a new or regular file, refuses a device, a folder and a symbolic link', async () => {
    expect(outputProblem(path.join(work, 'new', 'deeper', 'r.json'))).toBeUndefined();
    writeFileSync(path.join(work, 'old.json'), '{}');
    expect(outputProblem(path.join(work, 'old.json'))).toBeUndefined();
    expect(outputProblem('/dev/null')).toMatch(/not a regular file/);
    expect(outputProblem(work)).toMatch(/not a regular file/);
    const target = path.join(work, 'target.json');
    writeFileSync(target, 'keep');
    const link = path.join(work, 'link.json');
    symlinkSync(target, link);
    expect(outputProblem(link)).toMatch(/symbolic link/);
    await expect(writeJsonAtomic(link, { a: 1 })).rejects.toThrow(/symbolic link/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('keep');
    await expect(writeJsonAtomic('/dev/null', { a: 1 })).rejects.toThrow(/not a regular file/);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

describe('the CLI bundle checks every output before running a suite', () => {
  it('exits 2 naming the path, and runs nothing', () => {
    const cli = path.join(root, 'dist/cli.js');
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    writeFileSync(
      path.join(work, 'perf.yml'),
      [
        'version: 1',
        'suites:',
        '  - name: marker',
        '    kind: command',
        "    run: node -e \"require('fs').writeFileSync('ran', '')\"",
        '',
      ].join('\n'),
    );
    for (const flag of ['--out', '--json', '--markdown', '--save-baseline']) {
      const r = spawnSync(process.execPath, [cli, 'run', '--config', 'perf.yml', flag, '/dev/null'], {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/\/dev\/null is not a regular file .*nothing was run/);
      expect(existsSync(path.join(work, 'ran'))).toBe(false);
    }
  });
});

describe('SIGTERM (a cancelled job) stops the run and keeps what was measured', () => {
  it('writes the finished suite, marks the interrupted one, and exits 130', async () => {
    const cli = path.join(root, 'dist/cli.js');
    const dir = mkdtempSync(path.join(tmpdir(), 'perf-term-'));
    writeFileSync(
      path.join(dir, 'perf.yml'),
      [
        'version: 1',
        'suites:',
        '  - name: quick',
        '    kind: command',
        '    run: node -e "0"',
        '  - name: slow',
        '    kind: command',
        '    run: node -e "setTimeout(() => {}, 600000)"',
        '',
      ].join('\n'),
    );
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [cli, 'run', '--config', 'perf.yml', '--out', 'r.json'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let exited = false;
    const exit = new Promise<number | null>((r) =>
      child.on('exit', (c) => {
        exited = true;
        r(c);
      }),
    );
    // The first suite's results are on disk once it ends; then the second is running. A CLI that dies
    // before that (a broken bundle) fails the test at once with its stderr, rather than hanging it.
    while (!/slow \(command\)/.test(stderr) && !exited) await new Promise((r) => setTimeout(r, 50));
    expect(exited, stderr).toBe(false);
    child.kill('SIGTERM');
    const code = await exit;
    expect(code).toBe(130);
    expect(stderr).toMatch(/terminated: stopping the current suite/);
    const doc = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));
    expect(doc.suites.map((s: { name: string; ok: boolean }) => [s.name, s.ok])).toEqual([
      ['quick', true],
      ['slow', false],
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
});
