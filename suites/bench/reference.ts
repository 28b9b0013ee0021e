// The reference workload: fixed pieces of JavaScript that every replicate process of a bench suite times
// next to the user's cases. They never change with a pull request, so their times say how fast that
// process's machine ran: a run on a slow hour is slow in the reference too, and compare
// (compare/reference.ts) takes that part out.
//
// Five parts of different kinds (integer and float arithmetic, a typed-array sort, Map lookups, strings),
// each timed on its own, because a process can land in a slow mode for one kind of work and not another (on
// the development machine one reference timed as a single piece ran 20-25% slow in all 10 processes of a run
// while the suite's kernels did not): a run's reference is the median over parts of each part's change, as
// the suite's machine-wide level is the median over its metrics.
//
// Changing this code changes every time it measures: bump REFERENCE_WORKLOAD so that runs timed with the
// old workload are never divided by the new one.

/** Names the workload and its version; runs are normalised only against runs with the same name. */
export const REFERENCE_WORKLOAD = 'js-mix@1';

const numbers = Int32Array.from({ length: 256 }, (_, i) => ((i * 2654435761) >>> 0) % 10007);
const scratch = new Int32Array(40);
const table = new Map<number, number>(Array.from({ length: 128 }, (_, i) => [i, (i * 37) % 101]));
const words = Array.from({ length: 16 }, (_, i) => `k${(i * 7919) % 997}`);

// Every part reads `k`, which changes on each call, and feeds `sink`: the JIT can fold none of it.
let k = 0;
let sink = 0;

/**
 * The parts, by name; each call takes 7-10 µs on the development machine: long enough that the clock's
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
  sort: () => {
    k = (k + 1) & 0xffff;
    for (let round = 0; round < 16; round++) {
      for (let i = 0; i < scratch.length; i++) scratch[i] = (numbers[(i * 5 + k + round) & 255] as number) ^ k;
      for (let i = 1; i < scratch.length; i++) {
        const v = scratch[i] as number;
        let j = i - 1;
        while (j >= 0 && (scratch[j] as number) > v) {
          scratch[j + 1] = scratch[j] as number;
          j--;
        }
        scratch[j + 1] = v;
      }
      sink += scratch[0] as number;
    }
    return sink;
  },
  map: () => {
    k = (k + 1) & 0xffff;
    let m = 0;
    for (let i = 0; i < 2000; i++) m += table.get((i * 11 + k) & 127) as number;
    sink += m;
    return sink;
  },
  string: () => {
    k = (k + 1) & 0xffff;
    let n = 0;
    for (let i = 0; i < 28; i++) {
      const s = `${words[(k + i) & 15]}:${k + i}|${words[((k >> 4) + i) & 15]}`;
      n += (s.split('|')[0]?.length ?? 0) + s.charCodeAt(s.length - 1);
    }
    sink += n;
    return sink;
  },
};
