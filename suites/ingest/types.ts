// The ingest API's vocabulary, kept apart so the readers and the detector can share it without cycles.

import type { Better, Metric } from '../../src/model/results.ts';

export type IngestFormat =
  | 'pytest-benchmark'
  | 'locust'
  | 'k6'
  | 'hyperfine'
  | 'go'
  | 'google-benchmark'
  | 'criterion'
  | 'benchmarkjs'
  | 'jmh'
  | 'vitest'
  | 'custom';

export const INGEST_FORMATS: readonly IngestFormat[] = [
  'pytest-benchmark',
  'locust',
  'k6',
  'hyperfine',
  'go',
  'google-benchmark',
  'criterion',
  'benchmarkjs',
  'jmh',
  'vitest',
  'custom',
];

export interface IngestInput {
  text: string;
  /** The file name, for messages. */
  source: string;
}

export interface IngestOptions {
  /** A format, or 'auto' (the default) to recognise it from the content. */
  format?: IngestFormat | 'auto';
  /** Metric ids are `<suite>/<name>`. */
  suite: string;
  /** For `custom` entries that do not say: is bigger or smaller better? */
  better?: Better;
}

export interface IngestOutput {
  format: IngestFormat;
  metrics: Metric[];
  warnings: string[];
}
