// Which tool wrote a file, from its content alone (names vary too much to trust). JSON is recognised by its
// shape; text by the lines each tool prints. A truncated JSON file still has the tool's field names, so those
// decide and the reader then reports where the JSON breaks.

import { isObject, type JsonObject } from './json.ts';
import type { IngestFormat, IngestInput } from './types.ts';

export function detectFormat(input: IngestInput): IngestFormat | undefined {
  const text = input.text.replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start.startsWith('{') || start.startsWith('[')) {
    const firstLine = start.split('\n', 1)[0] ?? '';
    if (firstLine.startsWith('{') && /"Action"\s*:/.test(firstLine)) return 'go';
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return fromFieldNames(text);
    }
    return fromShape(data);
  }
  return fromLines(text);
}

function first(value: unknown): JsonObject | undefined {
  return Array.isArray(value) && isObject(value[0]) ? value[0] : undefined;
}

function fromShape(data: unknown): IngestFormat | undefined {
  if (Array.isArray(data)) {
    const e = first(data);
    if (!e) return undefined;
    if ('jmhVersion' in e || 'primaryMetric' in e) return 'jmh';
    if ('num_requests' in e || 'response_times' in e) return 'locust';
    if ('name' in e && 'value' in e) return 'custom';
    return undefined;
  }
  if (!isObject(data)) return undefined;
  const bench = first(data.benchmarks);
  if (Array.isArray(data.benchmarks)) {
    if ('machine_info' in data || 'commit_info' in data || (bench && ('fullname' in bench || 'stats' in bench))) {
      return 'pytest-benchmark';
    }
    if ('context' in data || (bench && ('run_type' in bench || 'real_time' in bench || 'time_unit' in bench))) {
      return 'google-benchmark';
    }
  }
  if (Array.isArray(data.results) && (!first(data.results) || 'command' in (first(data.results) as JsonObject))) {
    return 'hyperfine';
  }
  const k6Shaped = isObject(data.metrics) && ('state' in data || 'options' in data || k6Names(data.metrics));
  if ('root_group' in data || k6Shaped) return 'k6';
  if (Array.isArray(data.files) && (!first(data.files) || 'groups' in (first(data.files) as JsonObject)))
    return 'vitest';
  const est = data.mean ?? data.median ?? data.slope;
  if (isObject(est) && 'point_estimate' in est) return 'criterion';
  if ('sampling_mode' in data || ('iters' in data && 'times' in data) || ('group_id' in data && 'full_id' in data)) {
    return 'criterion';
  }
  return undefined;
}

function k6Names(metrics: JsonObject): boolean {
  return ['http_reqs', 'http_req_duration', 'iterations', 'iteration_duration', 'checks', 'vus'].some(
    (k) => k in metrics,
  );
}

/** For JSON that does not parse (usually cut short): the first distinctive field names decide. */
function fromFieldNames(text: string): IngestFormat | undefined {
  const has = (field: string) => text.includes(`"${field}"`);
  if (has('jmhVersion') || has('primaryMetric')) return 'jmh';
  if (has('machine_info') || has('fullname')) return 'pytest-benchmark';
  if (has('run_type') || has('time_unit') || (has('context') && has('benchmarks'))) return 'google-benchmark';
  if (has('results') && has('command')) return 'hyperfine';
  if (has('root_group') || has('http_req_duration') || has('http_reqs')) return 'k6';
  if (has('num_requests') || has('num_reqs_per_sec')) return 'locust';
  if (has('files') && has('groups')) return 'vitest';
  if (has('point_estimate') || has('sampling_mode')) return 'criterion';
  if (text.trimStart().startsWith('[') && has('name') && has('value')) return 'custom';
  return undefined;
}

function fromLines(text: string): IngestFormat | undefined {
  const head = text.split(/\r?\n/, 1)[0] ?? '';
  if (/(^|,)"?(Request Count|# requests|Total Request Count)"?(,|$)/.test(head)) return 'locust';
  // Locust's other --csv files: recognised so the reader can say which file to pass instead.
  if (/^"?(Method"?,"?Name"?,"?Error|Count"?,"?Message"?,"?Traceback)"?,/.test(head)) return 'locust';
  if (/^Benchmark[^a-z\s]?\S*\s+\d+\s+[-+\d.]+\s+\S+/m.test(text) || /^pkg: \S+$/m.test(text)) return 'go';
  if (/ x [\d,]+(\.\d+)? ops\/sec /.test(text)) return 'benchmarkjs';
  if (/^(\S.*?)?\s+time:\s+\[[-+\d.]+ \S+ [-+\d.]+ \S+ [-+\d.]+ \S+\]/m.test(text)) return 'criterion';
  return undefined;
}
