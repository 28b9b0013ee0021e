// Where baselines live. The CLI uses files; the action uses the Actions cache (its own issue).

import type { ResultsDocument } from '../model/results.ts';
import type { HistoryDocument } from './history.ts';

export interface LoadedBaseline {
  results: ResultsDocument;
  /** Where it came from, for the report: a file path or a cache key. */
  source: string;
  /** Earlier baselines of the branch (history.ts), when the store keeps them: run-to-run noise per metric. */
  history?: HistoryDocument;
  /** Why a stored history could not be read; the comparison goes on without it and the report says so. */
  historyProblem?: string;
  /** The baseline is not the one asked for (no baseline for the base commit: the branch's newest instead). */
  fallback?: string;
}

export interface BaselineStore {
  /** The baseline, or undefined when there is none (a neutral outcome, not an error). */
  load(): Promise<LoadedBaseline | undefined>;
  /** After load() found nothing: why, when the store failed (unreachable, corrupt) rather than held none. */
  problem?: string;
  save(results: ResultsDocument): Promise<void>;
}
