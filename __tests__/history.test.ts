// The baseline's history (perf-action/history@1): built from results, carried forward on every save,
// bounded in runs and bytes, stored next to the baseline by both stores, and never fatal when damaged.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CacheBaselineStore, type CacheClient } from '../src/baseline/cache-store.ts';
import { FileBaselineStore, loadBaselineFile } from '../src/baseline/file.ts';
import {
  appendToHistory,
  emptyHistory,
  HISTORY_SCHEMA,
  type HistoryDocument,
  historyFileFor,
  historyRunFrom,
  parseHistory,
  readHistoryFile,
  trimHistory,
} from '../src/baseline/history.ts';
import { judge } from '../src/compare/judge.ts';
import { RESULTS_SCHEMA, type ResultsDocument } from '../src/model/results.ts';
import { summarize } from '../src/stats/summary.ts';

const env = { os: 'linux 6.1', arch: 'x64', cpu: 'Test CPU', cores: 4, node: 'v20.0.0' };

function results(i: number, values: Record<string, number[]> = { 's/a': [10, 11, 10.5] }, ok = true): ResultsDocument {
  return {
    schema: RESULTS_SCHEMA,
    createdAt: new Date(Date.UTC(2026, 0, 1, i)).toISOString(),
    git: { sha: `sha${i}` },
    env,
    suites: [
      {
        name: 's',
        kind: 'bench',
        ok,
        durationMs: 1,
        metrics: Object.entries(values).map(([id, samples]) => ({
          id,
          suite: 's',
          name: id.slice(2),
          unit: 'ms',
          better: 'lower' as const,
          samples,
          stats: summarize(samples),
        })),
      },
    ],
  };
}

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'perf-history-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('history documents', () => {
  it('keeps each metric of finished suites as median, n and samples; a crashed suite is left out', () => {
    const run = historyRunFrom({
      ...results(1, { 's/a': [3, 1, 2] }),
      suites: [...results(1, { 's/a': [3, 1, 2] }).suites, ...results(1, { 's/b': [5] }, false).suites],
    });
    expect(run.git?.sha).toBe('sha1');
    expect(run.env).toEqual(env);
    expect(Object.keys(run.metrics)).toEqual(['s/a']);
    expect(run.metrics['s/a']).toEqual({ unit: 'ms', better: 'lower', median: 2, level: 2, n: 3, samples: [3, 1, 2] });
  });

  it('appends, keeps the newest N, and does not count a retried save of the same run twice', () => {
    let h: HistoryDocument | undefined;
    for (let i = 0; i < 14; i++) h = appendToHistory(h, results(i), { maxRuns: 10 });
    expect(h?.runs).toHaveLength(10);
    expect(h?.runs[0]?.git?.sha).toBe('sha4');
    expect(h?.runs[9]?.git?.sha).toBe('sha13');
    const again = appendToHistory(h, results(13), { maxRuns: 10 });
    expect(again.runs).toHaveLength(10);
    expect(again.runs[9]?.git?.sha).toBe('sha13');
    expect(again.runs[0]?.git?.sha).toBe('sha4');
  });

  it('fits a byte cap: samples of the oldest runs go first, then the oldest runs', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`s/m${i}`, [1.5, 2.25, 3.125, 4, 5]]));
    let h: HistoryDocument | undefined;
    for (let i = 0; i < 6; i++) h = appendToHistory(h, results(i, many), { maxBytes: 1e9 });
    const full = Buffer.byteLength(JSON.stringify(h));
    const withSamples = (d: HistoryDocument) => d.runs.map((r) => r.metrics['s/m0']?.samples !== undefined);
    // Just over the cap: the oldest run's samples go, nothing else.
    const capped = trimHistory(h as HistoryDocument, { maxBytes: full - 10 });
    expect(withSamples(capped)).toEqual([false, true, true, true, true, true]);
    expect(capped.runs[0]?.metrics['s/m0']?.median).toBe(3.125);
    // Further: more runs lose their samples, oldest first, and every run is still there.
    const tighter = trimHistory(h as HistoryDocument, { maxBytes: Math.floor(full * 0.8) });
    expect(Buffer.byteLength(JSON.stringify(tighter))).toBeLessThanOrEqual(full * 0.8);
    expect(tighter.runs).toHaveLength(6);
    const kept = withSamples(tighter);
    expect(kept[0]).toBe(false);
    expect(kept.at(-1)).toBe(true);
    expect([...kept].sort()).toEqual(kept);
    // Medians alone do not fit either: whole runs go, oldest first, and the newest stays.
    const tiny = trimHistory(h as HistoryDocument, { maxBytes: Math.floor(full / 8) });
    expect(tiny.runs.length).toBeGreaterThan(0);
    expect(tiny.runs.length).toBeLessThan(6);
    expect(tiny.runs.at(-1)?.git?.sha).toBe('sha5');
    expect(Buffer.byteLength(JSON.stringify(tiny))).toBeLessThanOrEqual(full / 8);
    // The input is not changed.
    expect(h?.runs[0]?.metrics['s/m0']?.samples).toHaveLength(5);
  });

  it('round-trips through JSON and rejects another major version or a corrupt file, naming the place', () => {
    const h = appendToHistory(undefined, results(1));
    expect(parseHistory(JSON.stringify(h), 'h.json')).toEqual(h);
    expect(() => parseHistory(JSON.stringify({ ...h, schema: 'perf-action/history@2' }), 'h.json')).toThrow(
      /h\.json: uses perf-action\/history@2, a major version/,
    );
    const bad = JSON.parse(JSON.stringify(h));
    bad.runs[0].metrics['s/a'].median = 'fast';
    expect(() => parseHistory(JSON.stringify(bad), 'h.json')).toThrow(/h\.json: is corrupt at \$\.runs\[0\]\.metrics/);
  });

  it('a metric id like "__proto__" can neither reach a prototype nor be read as a metric', () => {
    const h = parseHistory(
      JSON.stringify({
        schema: HISTORY_SCHEMA,
        runs: [{ createdAt: 'x', env, metrics: { __proto__: { unit: 'ms', better: 'lower', median: 1, n: 1 } } }],
      }),
      'h.json',
    );
    const metrics = h.runs[0]?.metrics ?? {};
    expect(Object.keys(metrics)).toEqual([]);
    expect(Object.getPrototypeOf(metrics)).toBeNull();
    expect(({} as Record<string, unknown>).median).toBeUndefined();
  });

  it('lives next to the baseline file', () => {
    expect(historyFileFor('perf/base.json')).toBe('perf/base.history.json');
    expect(historyFileFor('base')).toBe('base.history.json');
  });
});

describe('stores carry the history forward', () => {
  it('the file store: save appends to the history beside the file; load returns both', async () => {
    const file = path.join(tmp(), 'base.json');
    const store = new FileBaselineStore(file, { maxRuns: 3 });
    for (let i = 0; i < 5; i++) await store.save(results(i));
    const loaded = await new FileBaselineStore(file).load();
    expect(loaded.results.git?.sha).toBe('sha4');
    expect(loaded.history?.runs.map((r) => r.git?.sha)).toEqual(['sha2', 'sha3', 'sha4']);
    // A fresh store that loads first carries on from what it loaded.
    const next = new FileBaselineStore(file, { maxRuns: 3 });
    await next.load();
    await next.save(results(5));
    expect((await loadBaselineFile(file)).history?.runs.map((r) => r.git?.sha)).toEqual(['sha3', 'sha4', 'sha5']);
  });

  it('a damaged history is no history, said once as a warning in the verdict; the baseline still counts', async () => {
    const file = path.join(tmp(), 'base.json');
    await new FileBaselineStore(file).save(results(1));
    writeFileSync(historyFileFor(file), '{"schema":"perf-action/history@1","runs":[{');
    const loaded = await loadBaselineFile(file, 'base.json');
    expect(loaded.history).toBeUndefined();
    expect(loaded.historyProblem).toMatch(/base\.history\.json: is not valid JSON/);
    expect(loaded.historyProblem).toMatch(/not used/);
    const verdict = judge({ head: results(2), baseline: loaded });
    expect(
      verdict.warnings.filter((w) => w.code === 'history-unusable' && w.message.includes('base.history.json')),
    ).toHaveLength(1);
    expect(verdict.comparisons[0]?.verdict).not.toBe('new');
    // The next save starts a new history instead of failing.
    await new FileBaselineStore(file).save(results(3));
    expect((await readHistoryFile(historyFileFor(file))).history?.runs).toHaveLength(1);
  });

  it('the cache store: the history travels in the same entry as the baseline and grows with each save', async () => {
    const workspace = tmp();
    // An in-memory Actions cache: an entry is the files at `paths` when saved, found by key prefix.
    const entries: Array<{ key: string; paths: string[]; files: Map<string, string> }> = [];
    const client: CacheClient = {
      async saveCache(paths, key) {
        const files = new Map(paths.map((p) => [p, readFileSync(path.join(workspace, p), 'utf8')]));
        entries.push({ key, paths: [...paths], files });
        return entries.length;
      },
      async restoreCache(paths, primaryKey, restoreKeys = []) {
        for (const prefix of [primaryKey, ...restoreKeys]) {
          const hit = [...entries]
            .reverse()
            .find((e) => e.key.startsWith(prefix) && e.paths.join('\n') === paths.join('\n'));
          if (!hit) continue;
          for (const [p, text] of hit.files) writeFileSync(path.join(workspace, p), text);
          return hit.key;
        }
        return undefined;
      },
    };
    const warnings: string[] = [];
    const storeFor = (i: number) =>
      new CacheBaselineStore({
        client,
        workspace,
        os: 'Linux',
        arch: 'X64',
        configId: 'perf',
        baseBranch: 'main',
        save: { branch: 'main', sha: `sha${i}`, runId: String(i), attempt: '1' },
        warn: (m) => warnings.push(m),
      });
    for (let i = 0; i < 4; i++) {
      const store = storeFor(i);
      await store.load();
      await store.save(results(i));
    }
    expect(entries.map((e) => e.paths)).toEqual(
      Array(4).fill(['.perf-action/baseline/perf.json', '.perf-action/baseline/perf.history.json']),
    );
    const reader = storeFor(9);
    const loaded = await reader.load();
    expect(loaded?.results.git?.sha).toBe('sha3');
    expect(loaded?.history?.runs.map((r) => r.git?.sha)).toEqual(['sha0', 'sha1', 'sha2', 'sha3']);
    expect(warnings).toEqual([]);
  });

  it('without a history file nothing changes: no history, no problem', async () => {
    const file = path.join(tmp(), 'base.json');
    writeFileSync(file, JSON.stringify(results(1)));
    const loaded = await loadBaselineFile(file);
    expect(loaded.history).toBeUndefined();
    expect(loaded.historyProblem).toBeUndefined();
    expect(emptyHistory().runs).toEqual([]);
  });
});
