// Baselines and results as JSON files, written atomically so a crash never leaves half a file.

import { accessSync, constants, existsSync, lstatSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseResults, type ResultsDocument } from '../model/results.ts';
import {
  appendToHistory,
  HISTORY_SCHEMA,
  type HistoryDocument,
  type HistoryLimits,
  type HistoryRun,
  historyFileFor,
  historyRunFrom,
  parseHistory,
  readHistoryFile,
  writeHistoryFile,
} from './history.ts';
import { jsonChunks } from './json-chunks.ts';
import type { BaselineStore, LoadedBaseline } from './store.ts';

export class BaselineFileError extends Error {
  override name = 'BaselineFileError';
}

/**
 * Writes JSON through a temporary file renamed over the target, so a crash never leaves half a file. Only a
 * regular file (or nothing) is ever replaced: a device such as /dev/null, a folder or a symbolic link named as
 * the output is an error, not something to swap for a file.
 */
export async function writeJsonAtomic(file: string, data: unknown): Promise<void> {
  const problem = outputProblem(file);
  if (problem) throw new BaselineFileError(problem);
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    for (const chunk of jsonChunks(data)) await handle.write(chunk);
    await handle.write('\n');
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(tmp, file);
}

/**
 * Why `file` cannot take an output, or undefined when it can: checked before any suite runs, so a bad path
 * costs a second, not the measurements.
 */
export function outputProblem(file: string): string | undefined {
  let st: ReturnType<typeof lstatSync> | undefined;
  try {
    st = lstatSync(file);
  } catch {
    st = undefined;
  }
  if (st?.isSymbolicLink()) return `${file} is a symbolic link; name the file itself`;
  if (st && !st.isFile()) return `${file} is not a regular file (a folder or a device); name a file to write`;
  // The nearest existing folder above it must be writable (the folders below it are created).
  let dir = path.dirname(path.resolve(file));
  while (!existsSync(dir)) {
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (!statSync(dir).isDirectory()) return `${file} cannot be created: ${dir} is not a folder`;
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    return `${file} cannot be written: ${dir} is not writable`;
  }
  return undefined;
}

export async function readResultsFile(file: string, what = 'results file'): Promise<ResultsDocument> {
  if (!existsSync(file)) {
    throw new BaselineFileError(`${what} ${file} not found; create it with \`perf-action run --out ${file}\``);
  }
  if (!statSync(file).isFile()) {
    throw new BaselineFileError(`${what} ${file} is not a file (a folder?); name the results JSON file inside it`);
  }
  return parseResults(await readFile(file, 'utf8'), file);
}

/**
 * Earlier runs for `compare --history`: each file a results document (one run) or a history document (its
 * runs). A file that is neither is an error naming it; the runs come back oldest first.
 */
export async function readHistoryFiles(files: readonly string[]): Promise<HistoryDocument> {
  const runs: HistoryRun[] = [];
  for (const file of files) {
    if (!existsSync(file)) {
      throw new BaselineFileError(
        `history file ${file} not found; pass earlier results documents (perf-action run --out)`,
      );
    }
    const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
    const tag = /"schema"\s*:\s*"perf-action\/(results|history)@/.exec(text)?.[1];
    if (tag === 'history') runs.push(...parseHistory(text, file).runs);
    else runs.push(historyRunFrom(parseResults(text, file)));
  }
  runs.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  return { schema: HISTORY_SCHEMA, runs };
}

/** A baseline file and its history (history.ts) next to it; `source` names the baseline in reports. */
export async function loadBaselineFile(file: string, source = file): Promise<LoadedBaseline> {
  const results = await readResultsFile(file, 'baseline file');
  const { history, problem } = await readHistoryFile(historyFileFor(file));
  return { results, source, ...(history ? { history } : {}), ...(problem ? { historyProblem: problem } : {}) };
}

/** Saves carry the history forward: the history beside the file gains the saved run (trimmed to its limits). */
export class FileBaselineStore implements BaselineStore {
  private history?: HistoryDocument;

  constructor(
    readonly file: string,
    readonly historyLimits: HistoryLimits = {},
  ) {}

  get historyFile(): string {
    return historyFileFor(this.file);
  }

  /** Runs the history holds after the last load or save (0 before either). */
  get historyRuns(): number {
    return this.history?.runs.length ?? 0;
  }

  async load(): Promise<LoadedBaseline> {
    const loaded = await loadBaselineFile(this.file);
    if (loaded.history) this.history = loaded.history;
    return loaded;
  }

  async save(results: ResultsDocument): Promise<void> {
    await writeJsonAtomic(this.file, results);
    const prior = this.history ?? (await readHistoryFile(this.historyFile)).history;
    this.history = appendToHistory(prior, results, this.historyLimits);
    await writeHistoryFile(this.historyFile, this.history);
  }
}
