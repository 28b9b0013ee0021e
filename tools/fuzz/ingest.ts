// The ingest fuzzer: every tool output under __tests__/fixtures/ingest, damaged by ./mutate.ts, is written to a
// file of the same name and read through ingestFiles (what the CLI calls), once with its format named and once
// detected. Each read must give sane metrics (finite values, non-empty ids) or an IngestError that names the
// file and a place in it (line, row, column or JSON path) without JavaScript internals. Anything else is a
// failure: another error type, a stack trace, a message with no place, NaN in a metric, a hang.

import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metric } from '../../src/model/results.ts';
import { makeRng } from '../../src/stats/rng.ts';
import { detectFormat, IngestError, type IngestFormat, ingestFiles } from '../../suites/ingest/index.ts';
import { JSON_MUTATIONS, LINE_MUTATIONS } from './ingest-mutations.ts';
import {
  excerpt,
  type FuzzFailure,
  type FuzzOptions,
  type FuzzReport,
  looksLikeCrash,
  type Mutation,
  mutants,
} from './mutate.ts';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../__tests__/fixtures/ingest');
/** Generous: a read takes milliseconds; only a real hang comes near this. */
const HANG_MS = 30_000;
/** What counts as a place in a message: a line, row or column, or a JSON path ($, $.x, $[3]). */
const PLACE = /\b(lines?|rows?|columns?|fields?)\b|(^|\s)\$([.[]|[:,;\s]|$)/;

export interface IngestSeed {
  /** The fixture's path below __tests__/fixtures/ingest, which is also where its mutants are written. */
  name: string;
  text: string;
  format: IngestFormat;
}

/** Every fixture a reader recognises: tool output, not the programs that produced it. */
export function ingestSeeds(): IngestSeed[] {
  const seeds: IngestSeed[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const text = readFileSync(full, 'utf8');
        const name = path.relative(FIXTURES, full).split(path.sep).join('/');
        const format = detectFormat({ text, source: name });
        if (format) seeds.push({ name, text, format });
      }
    }
  };
  walk(FIXTURES);
  return seeds;
}

export async function fuzzIngest(opts: FuzzOptions): Promise<FuzzReport> {
  const seeds = ingestSeeds();
  const root = await mkdtemp(path.join(tmpdir(), 'perf-fuzz-ingest-'));
  const failures: FuzzFailure[] = [];
  let cases = 0;
  const check = async (seed: IngestSeed, name: string, text: string) => {
    // A folder per case, so no earlier case lies beside it (a Locust history next to its stats file).
    const file = path.join(root, String(cases++), seed.name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
    for (const format of [seed.format, 'auto'] as const) {
      const problem = await readOnce(file, format);
      if (problem) {
        failures.push({ name: `${name} [${format}]`, input: excerpt(text), problem });
        opts.log?.(`FAIL ${name} [${format}]: ${problem.split('\n')[0]}`);
      }
    }
    await rm(path.join(root, String(cases - 1)), { recursive: true, force: true });
  };
  try {
    for (const seed of seeds) await check(seed, `${seed.name} (unchanged)`, seed.text);
    const rnd = makeRng(opts.seed ^ 0x1e57);
    for (let k = 0; k < opts.mutants; k++) {
      const seed = seeds[k % seeds.length] as IngestSeed;
      const { name, text } = mutate(seed, k, rnd, opts.seed);
      await check(seed, name, text);
      if ((k + 1) % 100 === 0) opts.log?.(`${k + 1}/${opts.mutants} mutants, ${failures.length} failures`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return { cases, failures };
}

/**
 * Half the mutants take shape-aware damage first (JSON values of the wrong type, CSV rows short of a field),
 * which reaches the readers' checks more often than byte-level damage; the rest, and half of those, get
 * ./mutate.ts's generic damage.
 */
function mutate(seed: IngestSeed, k: number, rnd: () => number, fuzzSeed: number): { name: string; text: string } {
  const aware = /^\s*[[{]/.test(seed.text) ? JSON_MUTATIONS : LINE_MUTATIONS;
  let text = seed.text;
  const applied: string[] = [];
  if (rnd() < 0.5) {
    const times = 1 + Math.floor(rnd() * 2);
    for (let m = 0; m < times; m++) {
      const mutation = aware[Math.floor(rnd() * aware.length)] as Mutation;
      text = mutation.apply(text, rnd);
      applied.push(mutation.name);
    }
  }
  if (applied.length === 0 || rnd() < 0.5) {
    const [generic] = [...mutants([{ name: seed.name, text }], 1, fuzzSeed * 1_000_003 + k)];
    if (generic) {
      text = generic.text;
      applied.push(generic.name.slice(generic.name.indexOf('(') + 1, -1));
    }
  }
  return { name: `${seed.name} #${k} (${applied.join(', ')})`, text };
}

type Outcome = { kind: 'read'; metrics: Metric[]; warnings: string[] } | { kind: 'threw'; err: unknown };

/** Read one file; the problem with what came back, or undefined when it is acceptable. */
async function readOnce(file: string, format: IngestFormat | 'auto'): Promise<string | undefined> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), HANG_MS);
  });
  const work: Promise<Outcome> = ingestFiles([file], { suite: 'fuzz', format }).then(
    (out) => ({ kind: 'read', metrics: out.metrics, warnings: out.warnings }),
    (err: unknown) => ({ kind: 'threw', err }),
  );
  let outcome: Outcome | 'hang';
  try {
    outcome = await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
  // A synchronous loop blocks the timer too: the time taken tells that case apart.
  const took = performance.now() - started;
  if (outcome === 'hang' || took >= HANG_MS) return `hung (no answer after ${Math.round(took / 1000)} s)`;
  if (outcome.kind === 'threw') return badError(outcome.err, file);
  if (outcome.metrics.length === 0) return 'returned no metric and no error';
  for (const m of outcome.metrics) {
    const bad = badMetric(m);
    if (bad) return `metric ${JSON.stringify(m.id)}: ${bad}`;
  }
  for (const w of outcome.warnings) {
    const crash = looksLikeCrash(w);
    if (crash) return `warning ${crash}: ${w.slice(0, 300)}`;
  }
  return undefined;
}

/** What is wrong with an error from reading `file`: it must be an IngestError naming the file and a place. */
export function badError(err: unknown, file: string): string | undefined {
  const base = path.basename(file);
  // The folders above the file are the fuzzer's, and their names must not pass for a place.
  const message = (err instanceof Error ? err.message : String(err)).split(path.dirname(file)).join('<dir>');
  const shown = message.slice(0, 400);
  if (!(err instanceof IngestError)) {
    const stack = err instanceof Error ? (err.stack ?? '').split('\n').slice(0, 4).join(' | ') : '';
    return `threw ${err instanceof Error ? err.name : typeof err}, not an IngestError: ${shown} ${stack}`;
  }
  const crash = looksLikeCrash(message);
  if (crash) return `message ${crash}: ${shown}`;
  if (!message.includes(base)) return `message does not name the file ${base}: ${shown}`;
  if (!PLACE.test(message)) return `message names no place (line, row, column or JSON path): ${shown}`;
  return undefined;
}

/** What is wrong with a metric that was read: empty names, or values the gate cannot compare. */
export function badMetric(m: Metric): string | undefined {
  if (typeof m.id !== 'string' || m.id === '' || m.id.endsWith('/')) return 'an empty id';
  if (typeof m.name !== 'string' || m.name === '') return 'an empty name';
  if (typeof m.unit !== 'string') return `unit ${String(m.unit)}`;
  if (m.better !== 'lower' && m.better !== 'higher') return `better ${String(m.better)}`;
  for (const [key, v] of Object.entries(m.stats)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return `stats.${key} is ${String(v)}`;
  }
  const at = m.samples?.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v)) ?? -1;
  if (at >= 0) return `samples[${at}] is ${String(m.samples?.[at])}`;
  for (const [key, v] of Object.entries(m.params ?? {})) {
    if (key === '' || (typeof v === 'number' && !Number.isFinite(v))) return `param ${key}=${String(v)}`;
  }
  return undefined;
}
