// The reference workload: fixed pieces of JavaScript that every replicate process of a bench suite times
// next to the user's cases. They never change with a pull request, so their times say how fast that
// process's machine ran: a run on a slow hour is slow in the reference too, and compare
// (compare/reference.ts) takes that part out.
//
// Two parts, integer and floating-point arithmetic, each timed on its own (a run's reference is the median of
// the parts' changes). Only arithmetic: memory-bound work lands in slow modes of its own. On the development
// machine a five-part version (with a typed-array sort, Map lookups and strings) had those three parts 50%
// slower in every process of 3 runs of 63 while the suite's kernels were not: the reference then scaled a
// 10% slowdown away. Arithmetic kernels never showed slow modes there.
//
// Changing this code changes every time it measures: bump REFERENCE_WORKLOAD so that runs timed with the
// old workload are never divided by the new one.

/** Names the workload and its version; runs are normalised only against runs with the same name. */
export const REFERENCE_WORKLOAD = 'js-mix@1';

// Every part reads `k`, which changes on each call, and feeds `sink`: the JIT can fold none of it.
let k = 0;
let sink = 0;

/**
 * The parts, by name; each call takes 6-8 µs on the development machine: long enough that the clock's
 * granularity does not show in a part's median (at 0.4 µs a call it moved in steps of 2%).
 */
export const REFERENCE_PARTS: Readonly<Record<string, () => number>> = {
  integer: () => {
    k = (k + 1) & 0xffff;
    let x = k | 1;
    for (let i = 0; i < 800; i++) x = (Math.imul(x, 48271) + i) % 2147483647;
    sink += x;
    return sink;
  },
  float: () => {
    k = (k + 1) & 0xffff;
    let f = 0;
    for (let i = 1; i < 2400; i++) f += Math.sqrt(i + k) / i;
    sink += f;
    return sink;
  },
};
