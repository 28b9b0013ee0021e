import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkCriteria } from '../src/criteria/index.ts';
import { loadConfig } from '../src/index.ts';
import { badValue, configSeeds, fuzzConfig } from '../tools/fuzz/config.ts';

describe('config fuzzer', () => {
  it('every damaged perf.yml loads or fails with an error that names perf.yml, a place and no internals', async () => {
    const report = await fuzzConfig({ mutants: 200, seed: 1 });
    const shown = report.failures
      .slice(0, 10)
      .map((f) => `${f.name}\n  ${f.problem}\n  input: ${f.input}`)
      .join('\n\n');
    expect(report.failures, `${report.failures.length} failures:\n${shown}`).toEqual([]);
    expect(report.cases).toBeGreaterThanOrEqual(200);
  });

  it('its hand-written seeds are valid configs, so mutations start from something that loads', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'perf-fuzz-seeds-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const seeds = configSeeds();
    for (const name of ['all-kinds', 'json', 'small']) {
      const seed = seeds.find((s) => s.name === name);
      expect(seed, name).toBeDefined();
      writeFileSync(path.join(dir, 'perf.yml'), seed?.text ?? '');
      const loaded = await loadConfig('perf.yml', { cwd: dir, env: { REDIS_URL: 'redis://127.0.0.1:6390' } });
      expect(() => checkCriteria(loaded.config.criteria)).not.toThrow();
    }
    // Every kind is covered, so every suite schema is fuzzed.
    const kinds = new Set(
      [...(seeds.find((s) => s.name === 'all-kinds')?.text ?? '').matchAll(/kind: ([\w-]+)/g)].map((m) => m[1]),
    );
    expect([...kinds].sort()).toEqual(['amqp', 'bench', 'command', 'http', 'redis-streams']);
    expect(seeds.some((s) => s.name === 'examples/quickstart/perf.yml')).toBe(true);
  });

  it('judges a loaded config by the values the runner would get', () => {
    expect(badValue({ suites: [{ time: 250 }] })).toBeUndefined();
    expect(badValue({ suites: [{ load: { 'think-time': { min: -1, max: 5 } } }] })).toMatch(/think-time\.min/);
    expect(badValue({ compare: { budget: 2 ** 31 } })).toMatch(/timer/);
    expect(badValue({ compare: { minEffect: Number.NaN } })).toMatch(/NaN/);
    // Request bodies may hold any number, but never an endless value.
    expect(badValue({ json: { n: -1 } })).toBeUndefined();
    const body: Record<string, unknown> = {};
    body.self = body;
    expect(badValue({ suites: [{ json: body }] })).toMatch(/contains itself/);
  });
});
