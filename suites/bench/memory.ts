// The memory pass of a bench case (`memory: true`): after the timed run, with the code warm, the case is
// called again under V8's GC profiler. The heap only shrinks in a collection, so what was allocated is the
// growth between collections: the used heap before each collection minus the used heap after the previous
// one, plus the growth after the last. The profiler also gives each collection's pause.

import v8 from 'node:v8';
import type { MemoryPass } from './protocol.ts';

/** Calls per memory pass: enough to span several young-generation collections, bounded for slow cases. */
export const MEMORY_CALLS = 10_000;

export async function measureMemory(call: () => unknown, calls: number): Promise<MemoryPass> {
  (globalThis as { gc?: () => void }).gc?.();
  const profiler = new v8.GCProfiler();
  const start = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  for (let i = 0; i < calls; i++) {
    const r = call();
    // Asynchronous benches are awaited like tinybench does, so their allocations land inside the pass.
    if (r && typeof (r as Promise<unknown>).then === 'function') await r;
  }
  const end = v8.getHeapStatistics().used_heap_size;
  const report = profiler.stop();
  return memoryPassOf(report.statistics, start, end, calls);
}

interface GcStat {
  cost: number;
  beforeGC: { heapStatistics: { usedHeapSize: number } };
  afterGC: { heapStatistics: { usedHeapSize: number } };
}

/** Pure, for tests: the pass from the profiler's collections (cost in µs) and the used heap at both ends. */
export function memoryPassOf(stats: readonly GcStat[], start: number, end: number, calls: number): MemoryPass {
  let allocated = 0;
  let previous = start;
  let maxPauseUs = 0;
  for (const s of stats) {
    allocated += Math.max(0, s.beforeGC.heapStatistics.usedHeapSize - previous);
    previous = s.afterGC.heapStatistics.usedHeapSize;
    maxPauseUs = Math.max(maxPauseUs, s.cost);
  }
  allocated += Math.max(0, end - previous);
  return {
    calls,
    bytesPerOp: calls > 0 ? allocated / calls : 0,
    gcCount: stats.length,
    gcMaxPauseMs: maxPauseUs / 1000,
  };
}
