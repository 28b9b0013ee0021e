// A replicate process: loads the benchmark module, runs every case with tinybench, and reports each
// case's latency distribution to the parent.

import { Bench } from 'tinybench';
import { matchesGlob } from '../../src/model/glob.ts';
import { formatParams } from '../../src/model/metric-id.ts';
import { parseAs } from '../../src/model/units.ts';
import { importUserModule } from '../../src/runner/import-user-module.ts';
import { registerTsLoader } from '../../src/runner/ts-loader.ts';
import { makeRng } from '../../src/stats/rng.ts';
import { BENCH_TAG, type BenchDefinition, expandGrid, type ParamGrid } from './define.ts';
import { MEMORY_CALLS, measureMemory } from './memory.ts';
import { type CaseInfo, INPUT_ENV, type WorkerInput, type WorkerMessage } from './protocol.ts';
import { REFERENCE_PARTS } from './reference.ts';

const SKETCH_POINTS = 257;

function send(msg: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      process.stdout.write(`${JSON.stringify(msg)}\n`);
      resolve();
    } else process.send(msg, undefined, {}, () => resolve());
  });
}

type AnyBench = BenchDefinition<ParamGrid, unknown>;

/** Benchmarks a module offers: its default export (one definition or an array), or named tagged exports. */
export function definitionsOf(mod: Record<string, unknown>): AnyBench[] {
  const found: AnyBench[] = [];
  const take = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(take);
    else if (v && typeof v === 'object' && 'benches' in v) found.push(v as AnyBench);
  };
  take(mod.default);
  for (const [name, v] of Object.entries(mod)) {
    if (name !== 'default' && v && typeof v === 'object' && (v as Record<symbol, unknown>)[BENCH_TAG]) take(v);
  }
  return [...new Set(found)];
}

function sketch(sorted: readonly number[]): number[] {
  const n = sorted.length;
  if (n <= SKETCH_POINTS) return Array.from(sorted);
  const out: number[] = [];
  for (let i = 0; i < SKETCH_POINTS; i++) out.push(sorted[Math.round((i * (n - 1)) / (SKETCH_POINTS - 1))] as number);
  return out;
}

/** Node's link error for a name the module 'perf-action' (or 'perf-action/...') does not export. */
const LEAN_API_MISSING = /requested module 'perf-action(\/[^']*)?' does not provide an export named/;

/**
 * Runs one replicate. `lean`: `api` is only part of the public API (replicate-api.ts), so a benchmark file that
 * imports any other name makes this process ask the parent for a replicate with the whole API instead.
 */
export async function runBenchWorker(api: Record<string, unknown>, opts: { lean?: boolean } = {}): Promise<void> {
  const input = JSON.parse(process.env[INPUT_ENV] ?? '{}') as WorkerInput;
  registerTsLoader(api);
  let mod: Record<string, unknown>;
  try {
    mod = await importUserModule(input.file);
  } catch (err) {
    const e = err as Error;
    if (opts.lean && e instanceof SyntaxError && LEAN_API_MISSING.test(e.message)) {
      await send({ type: 'needs-full-api', message: e.message });
      return;
    }
    const where = e.stack?.split('\n').slice(0, 4).join('\n') ?? String(e);
    await send({ type: 'fatal', setup: true, message: `could not load ${input.file}: ${where}` });
    return;
  }
  const defs = definitionsOf(mod);
  if (defs.length === 0) {
    await send({
      type: 'fatal',
      setup: true,
      message: `${input.file} defines no benchmarks: export default defineBench({ benches: { name: () => ... } })`,
    });
    return;
  }
  interface Case extends CaseInfo {
    def: AnyBench;
    fn: (state: unknown, params: Record<string, string | number>) => unknown;
  }
  const cases: Case[] = [];
  const seen = new Set<string>();
  for (const def of defs) {
    let grid: Array<Record<string, string | number>>;
    try {
      grid = expandGrid(def.params);
    } catch (err) {
      await send({ type: 'fatal', setup: true, message: `${input.file}: ${(err as Error).message}` });
      return;
    }
    for (const [bench, fn] of Object.entries(def.benches)) {
      if (typeof fn !== 'function') {
        await send({ type: 'fatal', setup: true, message: `${input.file}: benches.${bench} is not a function` });
        return;
      }
      if (input.filter && !input.filter.some((g) => matchesGlob(g, bench))) continue;
      for (const params of grid) {
        const key = `${bench}${formatParams(params)}`;
        if (seen.has(key)) {
          await send({ type: 'fatal', setup: true, message: `${input.file}: two benchmarks are both named "${key}"` });
          return;
        }
        seen.add(key);
        cases.push({ key, bench, params, def, fn: fn as Case['fn'] });
      }
    }
  }
  await send({ type: 'cases', cases: cases.map(({ key, bench, params }) => ({ key, bench, params })) });

  // Each case (bench x parameter point) gets its own setup call, so one bench cannot leave mutated state for
  // another; cases run in a shuffled order so slow drift within a process does not favour the first ones.
  const order = [...cases];
  const rng = makeRng(input.seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] as Case, order[i] as Case];
  }
  // The reference workload runs among the cases, so it meets the process in the same states they do.
  const referenceAt = input.reference ? Math.floor(rng() * (order.length + 1)) : -1;
  for (let i = 0; i <= order.length; i++) {
    if (i === referenceAt) await timeReference(input);
    const c = order[i];
    if (!c) break;
    await send({ type: 'case-start', key: c.key });
    let state: unknown;
    let ready = false;
    try {
      state = c.def.setup ? await c.def.setup(c.params) : undefined;
      ready = true;
      const opts = c.def.options ?? {};
      const bench = new Bench({
        time: opts.time !== undefined ? toMs(opts.time) : input.time,
        warmupTime: opts.warmup !== undefined ? toMs(opts.warmup) : input.warmup,
        iterations: opts.iterations ?? input.iterations,
        retainSamples: true,
        throws: true,
      });
      bench.add(c.key, () => c.fn(state, c.params));
      (globalThis as { gc?: () => void }).gc?.();
      await bench.run();
      const task = bench.tasks[0];
      const result = task?.result;
      if (!result || !('latency' in result) || !result.latency.samples) {
        const why = result && 'error' in result ? String(result.error) : 'no samples';
        throw new Error(why);
      }
      const samples = result.latency.samples;
      const memory = input.memory
        ? await measureMemory(() => c.fn(state, c.params), Math.max(1, Math.min(samples.length, MEMORY_CALLS)))
        : undefined;
      await send({
        type: 'case',
        key: c.key,
        median: result.latency.p50,
        count: samples.length,
        sketch: sketch(samples),
        ...(memory ? { memory } : {}),
      });
    } catch (err) {
      const e = err as Error;
      await send({ type: 'case-error', key: c.key, message: e.stack?.split('\n').slice(0, 3).join('\n') ?? String(e) });
    } finally {
      // Teardown releases what setup took even when the bench threw; its own failure is reported, not fatal.
      if (ready && c.def.teardown) {
        try {
          await c.def.teardown(state, c.params);
        } catch (err) {
          await send({ type: 'case-error', key: c.key, message: `teardown: ${(err as Error).message}` });
        }
      }
    }
  }
}

/**
 * Times each part of the reference workload like a case, with a case's warm-up each (and at least
 * REFERENCE_WARMUP_CALLS calls, so that a slow machine still reaches the optimised code) and sharing one
 * case's timed budget between them; a part that fails is left out (tinybench records the error instead of
 * throwing).
 */
async function timeReference(input: WorkerInput): Promise<void> {
  const names = Object.keys(REFERENCE_PARTS);
  const parts: Record<string, number> = {};
  for (const name of names) {
    const bench = new Bench({
      time: input.time / names.length,
      warmupTime: input.warmup,
      warmupIterations: REFERENCE_WARMUP_CALLS,
      iterations: input.iterations,
      retainSamples: true,
    });
    bench.add(name, REFERENCE_PARTS[name] as () => number);
    (globalThis as { gc?: () => void }).gc?.();
    await bench.run();
    const result = bench.tasks[0]?.result;
    if (result && 'latency' in result && result.latency.samples && result.latency.p50 > 0) {
      parts[name] = result.latency.p50;
    }
  }
  if (Object.keys(parts).length > 0) await send({ type: 'reference', parts });
}

/** Calls of each reference part before timing it: about 5 ms, whatever the time budget. */
const REFERENCE_WARMUP_CALLS = 500;

function toMs(v: string | number): number {
  if (typeof v === 'number') return v;
  return parseAs(v, 'ms');
}
