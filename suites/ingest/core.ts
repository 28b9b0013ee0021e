// Picks the reader for a format and checks what it read: the engine of `ingest` and `ingestFiles`.

import { readBenchmarkJs } from './adapters/benchmarkjs.ts';
import { readCriterionEstimates } from './adapters/criterion.ts';
import { readCriterionText } from './adapters/criterion-text.ts';
import { readCustom } from './adapters/custom.ts';
import { readGoBench } from './adapters/go.ts';
import { readGoogleBenchmark } from './adapters/google-benchmark.ts';
import { readHyperfine } from './adapters/hyperfine.ts';
import { readJmh } from './adapters/jmh.ts';
import { readK6 } from './adapters/k6.ts';
import { readLocustCsv } from './adapters/locust-csv.ts';
import { readLocustJson } from './adapters/locust-json.ts';
import { readPytestBenchmark } from './adapters/pytest-benchmark.ts';
import { readVitest } from './adapters/vitest.ts';
import { Collector } from './collector.ts';
import { detectFormat } from './detect.ts';
import { IngestError } from './errors.ts';
import { INGEST_FORMATS, type IngestFormat, type IngestInput, type IngestOptions, type IngestOutput } from './types.ts';

const isJson = (text: string) => /^\s*[[{]/.test(text);

/** One reader per format; formats with a JSON and a text form choose by the first character. */
const READERS: Record<IngestFormat, (text: string, out: Collector) => void> = {
  'pytest-benchmark': readPytestBenchmark,
  locust: (text, out) => (isJson(text) ? readLocustJson(text, out) : readLocustCsv(text, out)),
  k6: readK6,
  hyperfine: readHyperfine,
  go: readGoBench,
  'google-benchmark': readGoogleBenchmark,
  criterion: (text, out) => (isJson(text) ? readCriterionEstimates(text, out) : readCriterionText(text, out)),
  benchmarkjs: readBenchmarkJs,
  jmh: readJmh,
  vitest: readVitest,
  custom: readCustom,
};

const WHAT: Record<IngestFormat, string> = {
  'pytest-benchmark': 'at least one benchmark in "benchmarks"',
  locust: 'at least one endpoint with requests',
  k6: 'at least one metric in "metrics"',
  hyperfine: 'at least one command in "results"',
  go: 'at least one result line (BenchmarkName  <iterations>  <value> ns/op)',
  'google-benchmark': 'at least one benchmark run in "benchmarks"',
  criterion: 'at least one benchmark estimate',
  benchmarkjs: 'at least one "<name> x <n> ops/sec ±<rme>% (<runs> runs sampled)" line',
  jmh: 'at least one benchmark result',
  vitest: 'at least one benchmark in "files[].groups[].benchmarks"',
  custom: 'at least one {name, unit, value} entry',
};

/** Where each JSON format keeps its results: what a file with none of them points at. */
const COLLECTION: Partial<Record<IngestFormat, string>> = {
  'pytest-benchmark': '$.benchmarks',
  locust: '$',
  k6: '$.metrics',
  hyperfine: '$.results',
  'google-benchmark': '$.benchmarks',
  criterion: '$',
  jmh: '$',
  vitest: '$.files',
  custom: '$',
};

/** The place a "no result at all" error points at: the JSON collection searched, or every line of a text. */
export function wholeFile(format: IngestFormat, text: string): string {
  const path = isJson(text) ? COLLECTION[format] : undefined;
  if (path) return path;
  let lines = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < text.length - 1; i = text.indexOf('\n', i + 1)) lines++;
  return lines === 1 ? 'line 1' : `lines 1-${lines}`;
}

/** Check the options and settle the format (detecting it for 'auto'). */
export function resolveFormat(input: IngestInput, opts: IngestOptions): IngestFormat {
  if (!opts.suite || opts.suite.includes('/')) {
    throw new IngestError(
      input.source,
      '',
      'a suite name without "/" to put the metrics under',
      JSON.stringify(opts.suite),
    );
  }
  const wanted = opts.format ?? 'auto';
  if (wanted !== 'auto') {
    if (!INGEST_FORMATS.includes(wanted)) {
      throw new IngestError(
        input.source,
        '',
        `a format among auto, ${INGEST_FORMATS.join(', ')}`,
        JSON.stringify(wanted),
      );
    }
    return wanted;
  }
  const detected = detectFormat(input);
  if (!detected) {
    const start = input.text.search(/\S/);
    const line = start < 0 ? 1 : input.text.slice(0, start).split('\n').length;
    throw new IngestError(
      input.source,
      start < 0 ? 'line 1' : '',
      `output of one of ${INGEST_FORMATS.join(', ')} (could not tell which tool wrote it; pass --format)`,
      start < 0 ? 'an empty file' : `${JSON.stringify(input.text.slice(start, start + 40))} from line ${line}`,
    );
  }
  return detected;
}

/** Read one tool output. Throws IngestError for unreadable output; skipped entries become warnings. */
export function ingest(input: IngestInput, opts: IngestOptions): IngestOutput {
  const format = resolveFormat(input, opts);
  const out = new Collector(opts.suite, input.source, opts.better);
  // Windows tools may start a file with a byte-order mark, which JSON.parse and the line readers reject.
  const text = input.text.replace(/^\uFEFF/, '');
  READERS[format](text, out);
  const metrics = out.finish(WHAT[format], wholeFile(format, text), text.trim() === '');
  return { format, metrics, warnings: out.warnings };
}

/** For the file reader: run a reader that needs more than one file's text (Locust's pair, criterion's tree). */
export function collect(
  source: string,
  format: IngestFormat,
  opts: IngestOptions,
  read: (out: Collector) => void,
  where = '',
): IngestOutput {
  resolveFormat({ text: '', source }, { ...opts, format });
  const out = new Collector(opts.suite, source, opts.better);
  read(out);
  return { format, metrics: out.finish(WHAT[format], where), warnings: out.warnings };
}
