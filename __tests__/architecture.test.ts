// The layering the style guide fixes, checked on the import graph: the engine in src/ never imports suites/
// (only the entry points hand the registry in), and a suite never imports the action.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { whyNotSave } from '../src/gate/save.ts';
import type { ResultsDocument } from '../src/model/results.ts';

const root = path.resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

/** Relative import specifiers of a file (static, re-exports and dynamic), resolved to repository paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1] as string);
  return found.map((spec) => path.relative(root, path.resolve(path.dirname(path.join(root, file)), spec)));
}

const ENTRY_POINTS = ['src/cli/main.ts', 'src/action/main.ts', 'src/index.ts'];

describe('the import graph', () => {
  it('finds the imports it checks (the scan itself works)', () => {
    expect(importsOf('src/cli/main.ts')).toContain(path.join('suites', 'registry.ts'));
    expect(sources('src').length).toBeGreaterThan(50);
  });

  it('src/ imports suites/ only in the entry points', () => {
    const offenders = sources('src')
      .filter((f) => !ENTRY_POINTS.includes(f.split(path.sep).join('/')))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => i.startsWith(`suites${path.sep}`))
          .map((i) => `${f} -> ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it('no suite imports the action', () => {
    const offenders = sources('suites').flatMap((f) =>
      importsOf(f)
        .filter((i) => i.startsWith(path.join('src', 'action')))
        .map((i) => `${f} -> ${i}`),
    );
    expect(offenders).toEqual([]);
  });
});

function run(suites: Array<{ name: string; ok: boolean }>): ResultsDocument {
  return {
    schema: 'perf-action/results@1',
    createdAt: '2026-12-05T00:00:00.000Z',
    env: { os: 'linux', arch: 'x64', cpus: 2, cpuModel: 'x', node: 'v24', memoryMb: 1024 },
    suites: suites.map((s) => ({ ...s, kind: 'bench', durationMs: 1, metrics: [] })),
  } as unknown as ResultsDocument;
}

describe('the save rule (gate/save.ts), one for the CLI and the action', () => {
  it('saves a complete run', () => {
    expect(whyNotSave({ results: run([{ name: 'a', ok: true }]) }, { aborted: false })).toBeUndefined();
  });
  it('never saves an interrupted run, even with save-baseline: always', () => {
    expect(whyNotSave({ results: run([{ name: 'a', ok: true }]) }, { aborted: true, always: true })).toMatch(
      /interrupted/,
    );
  });
  it('names the failed suites and set-up errors, unless told to save always', () => {
    const failed = run([
      { name: 'a', ok: true },
      { name: 'b', ok: false },
    ]);
    expect(whyNotSave({ results: failed }, { aborted: false })).toBe('suite "b" failed');
    expect(whyNotSave({ results: failed, setupErrors: ['x'] }, { aborted: false })).toMatch(/could not be set up/);
    expect(whyNotSave({ results: failed }, { aborted: false, always: true })).toBeUndefined();
  });
});
