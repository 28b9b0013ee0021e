// Baselines in the GitHub Actions cache. Restores the base commit's baseline first, then the newest of the
// base branch; saves under a unique key. The cache is best effort: when it is down or holds a corrupt
// file, the run goes on without a baseline and says so, never crashing and never claiming "no regressions".

import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseResults, type ResultsDocument } from '../model/results.ts';
import { branchPrefix, type KeyParts, saveKey, shaFromKey, shaPrefix } from './cache-key.ts';
import {
  appendToHistory,
  type HistoryDocument,
  type HistoryLimits,
  historyFileFor,
  readHistoryFile,
  writeHistoryFile,
} from './history.ts';
import type { BaselineStore, LoadedBaseline } from './store.ts';

/** The two calls of @actions/cache this store needs (injectable for tests). */
export interface CacheClient {
  restoreCache(paths: string[], primaryKey: string, restoreKeys?: string[]): Promise<string | undefined>;
  saveCache(paths: string[], key: string): Promise<number>;
}

export interface CacheStoreOptions extends KeyParts {
  client: CacheClient;
  /** Folder the cache paths are relative to (GITHUB_WORKSPACE): the cache's version hash includes them. */
  workspace: string;
  baseBranch?: string;
  baseSha?: string;
  /** Where and as what this run saves; undefined when it must not. */
  save?: { branch: string; sha: string; runId: string; attempt: string };
  warn: (message: string) => void;
  /** Bounds of the history kept in the same cache entry (default: 20 runs, 1 MiB). */
  historyLimits?: HistoryLimits;
}

export class CacheBaselineStore implements BaselineStore {
  /** Relative, and the same in every run: restore only finds entries saved with the same paths. */
  readonly relPath: string;
  /** The history travels in the same cache entry, next to the baseline. */
  readonly historyRelPath: string;
  lastKey?: string;
  /** Why load() found no baseline when the cache failed or held a broken entry (not when none was saved). */
  problem?: string;
  /** The history restored with the baseline, carried forward by save(). */
  history?: HistoryDocument;

  constructor(readonly opts: CacheStoreOptions) {
    this.relPath = `.perf-action/baseline/${opts.configId}.json`;
    this.historyRelPath = historyFileFor(this.relPath);
  }

  private get file(): string {
    return path.join(this.opts.workspace, this.relPath);
  }

  private get historyFile(): string {
    return path.join(this.opts.workspace, this.historyRelPath);
  }

  private get paths(): string[] {
    return [this.relPath, this.historyRelPath];
  }

  async load(): Promise<LoadedBaseline | undefined> {
    const { baseBranch, baseSha, client, warn } = this.opts;
    if (!baseBranch) return undefined;
    const keys = [...(baseSha ? [shaPrefix(this.opts, baseBranch, baseSha)] : []), branchPrefix(this.opts, baseBranch)];
    this.problem = undefined;
    await rm(this.file, { force: true });
    await rm(this.historyFile, { force: true });
    let matched: string | undefined;
    try {
      matched = await client.restoreCache(this.paths, keys[0] as string, keys.slice(1));
    } catch (err) {
      // @actions/cache appends a multi-line help text; the first line names the fault.
      const reason = firstLine((err as Error).message);
      warn(`could not restore the baseline from the Actions cache: ${reason}`);
      this.problem = `the Actions cache could not be read (${reason})`;
      return undefined;
    }
    if (!matched) return undefined;
    this.lastKey = matched;
    // Read the history even when the baseline itself is unusable: the next save carries it forward.
    const { history, problem } = await readHistoryFile(this.historyFile);
    if (history) this.history = history;
    if (!existsSync(this.file)) {
      warn(`the Actions cache entry ${matched} did not contain ${this.relPath}; continuing without a baseline`);
      this.problem = `the Actions cache entry ${matched} did not contain the baseline`;
      return undefined;
    }
    let results: ResultsDocument;
    try {
      results = parseResults(await readFile(this.file, 'utf8'), `baseline from cache key ${matched}`);
    } catch (err) {
      warn(`${(err as Error).message}; continuing without a baseline`);
      this.problem = `the Actions cache entry ${matched} holds an unreadable baseline`;
      return undefined;
    }
    const sha = shaFromKey(this.opts, baseBranch, matched);
    const exact = baseSha !== undefined && sha === baseSha;
    return {
      results,
      source: `Actions cache: ${exact ? 'base commit' : `newest on ${baseBranch}`}${sha ? ` (${sha.slice(0, 7)})` : ''}`,
      ...(history ? { history } : {}),
      ...(problem ? { historyProblem: problem } : {}),
      ...(baseSha && !exact
        ? {
            fallback: `no baseline was saved for the base commit ${baseSha.slice(0, 7)}; compared with the newest on ${baseBranch}${sha ? ` (${sha.slice(0, 7)})` : ''}, so changes that landed on ${baseBranch} since then count as this pull request's`,
          }
        : {}),
    };
  }

  async save(results: ResultsDocument): Promise<void> {
    const s = this.opts.save;
    if (!s) throw new Error('this run is not allowed to save a baseline');
    const key = saveKey(this.opts, s.branch, s.sha, s.runId, s.attempt);
    await mkdir(path.dirname(this.file), { recursive: true });
    await writeFile(this.file, `${JSON.stringify(results)}\n`);
    const history = appendToHistory(this.history, results, this.opts.historyLimits);
    await writeHistoryFile(this.historyFile, history);
    let id: number;
    try {
      id = await this.opts.client.saveCache(this.paths, key);
    } catch (err) {
      this.opts.warn(`could not save the baseline to the Actions cache: ${(err as Error).message}`);
      return;
    }
    if (id === -1) {
      this.opts.warn(
        `the Actions cache did not accept the baseline (key ${key}); the next runs will compare with an older one`,
      );
      return;
    }
    this.lastKey = key;
    this.history = history;
  }
}

function firstLine(text: string): string {
  return (text.split('\n', 1)[0] ?? '').trim() || text;
}
