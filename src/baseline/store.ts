// Where baselines live. The CLI uses files; the action uses the Actions cache (its own issue).

import type { ResultsDocument } from '../model/results.ts';

export interface LoadedBaseline {
  results: ResultsDocument;
  /** Where it came from, for the report: a file path or a cache key. */
  source: string;
}

export interface BaselineStore {
  /** The baseline, or undefined when there is none (a neutral outcome, not an error). */
  load(): Promise<LoadedBaseline | undefined>;
  save(results: ResultsDocument): Promise<void>;
}
