// What the entry points hand the engine: the suite kinds, the ingest readers and the library's API. The
// engine in src/ never imports suites/: only the entry points do (cli/main.ts, action/main.ts, index.ts).

import type { Better, Metric } from '../model/results.ts';
import type { SuiteKind } from './suite-kind.ts';

/** Other tools' outputs read into metrics (`perf-action ingest`). */
export interface IngestTool {
  formats: readonly string[];
  ingestFiles(
    paths: string[],
    opts: { format?: string; suite: string; better?: Better },
  ): Promise<{ format: string; metrics: Metric[]; warnings: string[] }>;
  /** True for an error that names a bad input (file, format, field): reported without a stack. */
  isInputError(err: unknown): err is Error;
}

export interface Registry {
  kinds: readonly SuiteKind[];
  /** The library's public API as user modules (bench files, perf.config.ts) import it from 'perf-action'. */
  api: Record<string, unknown>;
  ingest?: IngestTool;
}
