// Baselines and results as JSON files, written atomically so a crash never leaves half a file.

import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseResults, type ResultsDocument } from '../model/results.ts';
import type { BaselineStore, LoadedBaseline } from './store.ts';

export class BaselineFileError extends Error {
  override name = 'BaselineFileError';
}

export async function writeJsonAtomic(file: string, data: unknown): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`);
  await rename(tmp, file);
}

export async function readResultsFile(file: string, what = 'results file'): Promise<ResultsDocument> {
  if (!existsSync(file)) {
    throw new BaselineFileError(`${what} ${file} not found; create it with \`perf-action run --out ${file}\``);
  }
  return parseResults(await readFile(file, 'utf8'), file);
}

export class FileBaselineStore implements BaselineStore {
  constructor(readonly file: string) {}

  async load(): Promise<LoadedBaseline> {
    return { results: await readResultsFile(this.file, 'baseline file'), source: this.file };
  }

  async save(results: ResultsDocument): Promise<void> {
    await writeJsonAtomic(this.file, results);
  }
}
