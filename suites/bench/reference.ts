// The reference workload: a fixed piece of JavaScript that every replicate process of a bench suite times
// next to the user's cases. It never changes with a pull request, so its time says how fast that process's
// machine ran: a run on a slow hour is slow in the reference too, and compare (compare/reference.ts) takes
// that part out. Several kinds of work (integer and float arithmetic, a typed-array sort, Map lookups,
// strings) because a slow spell does not slow them all alike; on the development machine, the median
// machine-wide level of 20 kernels followed a mix of 4 of them at r = 0.96.
//
// Changing this code changes every time it measures: bump REFERENCE_WORKLOAD so that runs timed with the
// old workload are never divided by the new one.

/** Names the workload and its version; runs are normalised only against runs with the same name. */
export const REFERENCE_WORKLOAD = 'js-mix@1';

const numbers = Int32Array.from({ length: 256 }, (_, i) => ((i * 2654435761) >>> 0) % 10007);
const scratch = new Int32Array(40);
const table = new Map<number, number>(Array.from({ length: 128 }, (_, i) => [i, (i * 37) % 101]));
const words = Array.from({ length: 16 }, (_, i) => `k${(i * 7919) % 997}`);

let k = 0;
let sink = 0;

/** One call: about 10 µs on a 2020s server core. Reads `k`, feeds `sink`: the JIT can fold none of it. */
export function referenceWork(): number {
  k = (k + 1) & 0xffff;
  // Integer mixing.
  let x = k | 1;
  for (let i = 0; i < 160; i++) x = (Math.imul(x, 48271) + i) % 2147483647;
  // Floating point.
  let f = 0;
  for (let i = 1; i < 60; i++) f += Math.sqrt(i + k) / i;
  // A typed-array insertion sort.
  for (let i = 0; i < scratch.length; i++) scratch[i] = (numbers[(i * 5 + k) & 255] as number) ^ k;
  for (let i = 1; i < scratch.length; i++) {
    const v = scratch[i] as number;
    let j = i - 1;
    while (j >= 0 && (scratch[j] as number) > v) {
      scratch[j + 1] = scratch[j] as number;
      j--;
    }
    scratch[j + 1] = v;
  }
  // Map lookups.
  let m = 0;
  for (let i = 0; i < 32; i++) m += table.get((i * 11 + k) & 127) as number;
  // Strings.
  const s = `${words[k & 15]}:${k}|${words[(k >> 4) & 15]}`;
  const parts = s.split('|');
  sink += x + f + (scratch[0] as number) + m + (parts[0]?.length ?? 0) + s.charCodeAt(s.length - 1);
  return sink;
}
