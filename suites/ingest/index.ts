// Ingest: turn other tools' benchmark and load-test output into perf-action metrics, so suites written for
// pytest-benchmark, Locust, k6, hyperfine, go test, Google Benchmark, criterion, benchmark.js, JMH or Vitest
// are compared and gated like the built-in ones. Each tool has one reader in adapters/ whose header says which
// files and fields it uses; README.md has the overview (names, units, directions, samples).

export { ingest } from './core.ts';
export { detectFormat } from './detect.ts';
export { IngestError } from './errors.ts';
export { ingestFiles } from './files.ts';
export { INGEST_FORMATS, type IngestFormat, type IngestInput, type IngestOptions, type IngestOutput } from './types.ts';
