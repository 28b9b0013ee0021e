// `memory: true` on a bench: bytes allocated per operation and the longest GC pause, from V8's GC profiler
// in a pass after the timed run. Checked on cases whose allocation is known, and on the pure arithmetic.

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchKind } from '../suites/bench/index.ts';
import { memoryPassOf } from '../suites/bench/memory.ts';
import { runKindDirect } from './helpers/suite-run.ts';

const file = path.resolve(import.meta.dirname, 'fixtures/bench-memory/alloc.bench.ts');

const gc = (before: number, after: number, cost: number) => ({
  cost,
  beforeGC: { heapStatistics: { usedHeapSize: before } },
  afterGC: { heapStatistics: { usedHeapSize: after } },
});

describe('the memory pass arithmetic', () => {
  it('counts the growth between collections as allocated, and the longest pause', () => {
    // Heap 1000 at the start; grows to 5000, collected to 1200; grows to 4200, collected to 1100; ends at 1600.
    const pass = memoryPassOf([gc(5000, 1200, 300), gc(4200, 1100, 1500)], 1000, 1600, 10);
    expect(pass.bytesPerOp).toBe((4000 + 3000 + 500) / 10);
    expect(pass.gcCount).toBe(2);
    expect(pass.gcMaxPauseMs).toBe(1.5);
  });

  it('is the plain growth without a collection, and never negative', () => {
    expect(memoryPassOf([], 1000, 3000, 4).bytesPerOp).toBe(500);
    expect(memoryPassOf([], 3000, 1000, 4).bytesPerOp).toBe(0);
    expect(memoryPassOf([], 3000, 1000, 4).gcMaxPauseMs).toBe(0);
  });
});

describe('bench memory: true', () => {
  it('reports bytes allocated per operation and GC pauses per case, one sample per replicate', async () => {
    const out = await runKindDirect(benchKind, 'mem', {
      file,
      replicates: 2,
      time: 20,
      warmup: 5,
      reference: false,
      memory: true,
    });
    const arrayAlloc = out.metrics.get('array/alloc');
    const addAlloc = out.metrics.get('add/alloc');
    expect(arrayAlloc?.unit).toBe('B');
    expect(arrayAlloc?.better).toBe('lower');
    expect(arrayAlloc?.samples).toHaveLength(2);
    // 1000 numbers take at least 8 bytes each.
    for (const v of arrayAlloc?.samples ?? []) expect(v).toBeGreaterThanOrEqual(8000);
    // The arithmetic allocates (next to) nothing: far under one array.
    for (const v of addAlloc?.samples ?? []) expect(v).toBeLessThan(100);
    const pause = out.metrics.get('array/gc_pause');
    expect(pause?.unit).toBe('ms');
    expect(pause?.samples).toHaveLength(2);
    // 10k arrays of 8 kB fill the young generation many times over: collections ran and paused.
    for (const v of pause?.samples ?? []) expect(v).toBeGreaterThan(0);
    // The time per operation is still there, under the case's own name.
    expect(out.metrics.get('array')?.unit).toBe('ms');
  });

  it('adds no memory metrics unless asked', async () => {
    const out = await runKindDirect(benchKind, 'mem', { file, replicates: 1, time: 5, warmup: 1, reference: false });
    expect([...out.metrics.keys()].sort()).toEqual(['add', 'array']);
  });
});
