// Pull-request code never sees the runner's or the action's secrets (runner/scrub.ts), in the CLI bundle too.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSecretName, scrubEnvironment, withSecretsHidden } from '../src/runner/scrub.ts';

const root = path.resolve(import.meta.dirname, '..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('scrubEnvironment', () => {
  it('removes the runner and action credentials and keeps everything else', () => {
    const env = {
      ACTIONS_RUNTIME_TOKEN: 't',
      ACTIONS_RESULTS_URL: 'u',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'o',
      'INPUT_GITHUB-TOKEN': 'ghs_x',
      GITHUB_TOKEN: 'g',
      GH_TOKEN: 'h',
      GITHUB_SHA: 'abc',
      PATH: '/bin',
      REDIS_URL: 'redis://127.0.0.1:6379',
    };
    expect(scrubEnvironment(env)).toEqual({ GITHUB_SHA: 'abc', PATH: '/bin', REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(scrubEnvironment(env, ['GH_TOKEN'])).toMatchObject({ GH_TOKEN: 'h' });
    expect(isSecretName('GITHUB_REF')).toBe(false);
    expect(isSecretName('input_foo')).toBe(true);
  });

  it('hides secrets from this process while in-process code runs, and puts them back', async () => {
    process.env.ACTIONS_RUNTIME_TOKEN_TEST_ONLY = 'secret';
    const seen = await withSecretsHidden([], async () => process.env.ACTIONS_RUNTIME_TOKEN_TEST_ONLY);
    expect(seen).toBeUndefined();
    expect(process.env.ACTIONS_RUNTIME_TOKEN_TEST_ONLY).toBe('secret');
    delete process.env.ACTIONS_RUNTIME_TOKEN_TEST_ONLY;
  });
});

describe('the CLI bundle runs suites and expands perf.yml with the scrubbed environment', () => {
  function project(passEnv?: string[]): string {
    const dir = mkdtempSync(path.join(tmpdir(), 'perf-scrub-'));
    dirs.push(dir);
    writeFileSync(
      path.join(dir, 'seen.mjs'),
      "import { writeFileSync } from 'node:fs';\n" +
        'const e = process.env;\n' +
        "writeFileSync('seen.json', JSON.stringify({ token: e.ACTIONS_RUNTIME_TOKEN ?? null, input: e['INPUT_GITHUB-TOKEN'] ?? null, gh: e.GITHUB_TOKEN ?? null, plain: e.PERF_PLAIN ?? null, arg: process.argv[2] }));\n",
    );
    writeFileSync(
      path.join(dir, 'perf.yml'),
      [
        'version: 1',
        ...(passEnv ? [`pass-env: [${passEnv.join(', ')}]`] : []),
        'suites:',
        '  - name: seen',
        '    kind: command',
        '    run: node seen.mjs ${ACTIONS_RUNTIME_TOKEN:-none}',
        '',
      ].join('\n'),
    );
    return dir;
  }

  function run(dir: string) {
    const cli = path.join(root, 'dist/cli.js');
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
    const r = spawnSync(process.execPath, [cli, 'run', '--config', 'perf.yml'], {
      cwd: dir,
      env: {
        ...process.env,
        ACTIONS_RUNTIME_TOKEN: 'runtime-secret',
        'INPUT_GITHUB-TOKEN': 'ghs_inputsecret',
        GITHUB_TOKEN: 'ghs_tokensecret',
        PERF_PLAIN: 'plain',
        NO_COLOR: '1',
      },
      encoding: 'utf8',
    });
    return { code: r.status, seen: JSON.parse(readFileSync(path.join(dir, 'seen.json'), 'utf8')), out: r.stdout };
  }

  it('a command sees no secret, and ${VAR} in perf.yml expands without it', () => {
    const r = run(project());
    expect(r.code).toBe(0);
    expect(r.seen).toEqual({ token: null, input: null, gh: null, plain: 'plain', arg: 'none' });
  });

  it('pass-env passes a named variable through, and only that one', () => {
    const r = run(project(['ACTIONS_RUNTIME_TOKEN']));
    expect(r.seen).toEqual({ token: 'runtime-secret', input: null, gh: null, plain: 'plain', arg: 'runtime-secret' });
  });
});
