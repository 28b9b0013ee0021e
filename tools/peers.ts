// The peers' rules, as each documents (or, where the docs are silent, implements) it, as pure functions on the
// data perf-action sees: the baseline run's replicates, the head run's, and the main runs kept as history.
// Each peer judges the first head run only (none of them adds runs), and flags a metric "regressed" when its
// rule would alert or fail on it. A "higher is better" metric is judged mirrored, as each peer does for rates.

import type { Better, ResultsDocument } from '../src/model/results.ts';
import { mannWhitney } from '../src/stats/mann-whitney.ts';
import { median } from '../src/stats/quantile.ts';
import { studentQuantile } from '../src/stats/student.ts';
import type { World } from './simulate.ts';

export interface PeerInput {
  better: Better;
  /** The baseline run's values (one for a single-value metric). */
  base: readonly number[];
  /** The first head run's values. */
  head: readonly number[];
  /** Every main run's values, oldest first, the baseline being the last. */
  history: readonly (readonly number[])[];
}

export interface Peer {
  /** Column heading. */
  name: string;
  /** The peer cannot alert without earlier runs of this metric. */
  needsHistory: boolean;
  regressed(m: PeerInput): boolean;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** head against base as "how many times worse": > 1 is a slowdown (or a drop in throughput). */
const worseRatio = (better: Better, base: number, head: number): number =>
  better === 'lower' ? head / base : base / head;

/**
 * github-action-benchmark, `alert-threshold` (e.g. "110%", "200%"; its default is 200%): src/write/findAlerts.ts
 * alerts when current / previous (previous / current for bigger-is-better tools) exceeds the ratio. "previous"
 * is the last stored entry, the baseline. Its value per benchmark is what the tool prints, a mean for Go
 * (ns/op), benchmark.js (ops/sec) and pytest-benchmark: here the mean of the run's replicates.
 */
export function actionBenchmark(threshold: number): Peer['regressed'] {
  return (m) => worseRatio(m.better, mean(m.base), mean(m.head)) > threshold;
}

/**
 * Bencher, `--threshold-test t_test` with `--threshold-upper-boundary 0.99` (a lower boundary for throughput):
 * bencher.dev/docs/explanation/thresholds; lib/bencher_boundary takes the mean and standard deviation of the
 * branch's historical metrics (one value per report: here each main run's mean; the sd divides by n, as its
 * mean.rs does) and alerts when the new value is beyond the 99th percentile of a Student t located at that
 * mean, scaled by that sd, with n − 1 degrees of freedom. Fewer than two values, or no spread: no limit.
 */
export function bencherTTest(boundary: number): Peer['regressed'] {
  return (m) => {
    const data = m.history.map(mean);
    const n = data.length;
    if (n < 2) return false;
    const mu = mean(data);
    const sd = Math.sqrt(data.reduce((a, x) => a + (x - mu) ** 2, 0) / n);
    if (!(sd > 0)) return false;
    const reach = studentQuantile(boundary, n - 1) * sd;
    const value = mean(m.head);
    return m.better === 'lower' ? value > mu + reach : value < mu - reach;
  };
}

/**
 * benchstat (golang.org/x/perf/cmd/benchstat): with the default "assume=nothing", a two-sided Mann-Whitney U
 * test on the replicate values, significant at `-alpha` 0.05 (benchmath shows "~" when p > α); the change
 * is that of the medians. A significant change for the worse counts as flagged.
 */
export function benchstat(alpha: number): Peer['regressed'] {
  return (m) => {
    const { p } = mannWhitney(m.base, m.head);
    return p <= alpha && worseRatio(m.better, median(m.base), median(m.head)) > 1;
  };
}

/**
 * asv (airspeed velocity), `asv compare --factor 1.1` / `asv continuous`: a benchmark got worse when its result
 * (the median of its samples) is worse by more than the factor and, when both sides have more than one
 * sample, statistics.is_different agrees: a two-sided Mann-Whitney U test at p < 0.002 when the samples are
 * large enough for that p to be reachable, else non-overlapping 99% intervals of the two medians.
 */
export function asvCompare(factor: number, pThreshold: number): Peer['regressed'] {
  return (m) => {
    if (!(worseRatio(m.better, median(m.base), median(m.head)) > factor)) return false;
    if (m.base.length === 1 || m.head.length === 1) return true;
    return asvDifferent(m.base, m.head, pThreshold);
  };
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let j = 1; j <= Math.min(k, n - k); j++) c = (c * (n - j + 1)) / j;
  return c;
}

function asvDifferent(a: readonly number[], b: readonly number[], pThreshold: number): boolean {
  if (1 / binomial(a.length + b.length, Math.min(a.length, b.length)) < pThreshold) {
    return mannWhitney(a, b).p < pThreshold;
  }
  const [a0, a1] = asvMedianInterval(a);
  const [b0, b1] = asvMedianInterval(b);
  return a1 < b0 || b1 < a0;
}

/**
 * asv's 99% interval of a median: order statistics (Pr[X(r) < m < X(s)] from the binomial), and where they
 * cannot reach 99% (few samples), the 0.5% and 99.5% points of the location's posterior under Laplace noise,
 * widened to the sample's range.
 */
export function asvMedianInterval(values: readonly number[]): [number, number] {
  const y = [...values].sort((p, q) => p - q);
  const n = y.length;
  let lo = Number.NEGATIVE_INFINITY;
  let hi = Number.POSITIVE_INFINITY;
  let cdf = 0;
  for (let k = 0; k < n; k++) {
    cdf += binomial(n, k) / 2 ** n;
    if (cdf <= 0.005) lo = y[k] as number;
    if (cdf >= 0.995) {
      hi = y[k] as number;
      break;
    }
  }
  if (n > 1 && !Number.isFinite(lo)) lo = Math.min(laplaceLocationQuantile(y, 0.005), y[0] as number);
  if (n > 1 && !Number.isFinite(hi)) hi = Math.max(laplaceLocationQuantile(y, 0.995), y[n - 1] as number);
  return [lo, hi];
}

/**
 * A quantile of p(β | y) ∝ (Σ|yⱼ − β|)^(−n), the location's posterior for Laplace noise with a 1/σ prior.
 * Between sorted points the sum is linear in β (slope c = 2k − n past k points), so each piece integrates in
 * closed form; values are centred on the median and scaled by the sum of absolute deviations first.
 */
export function laplaceLocationQuantile(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  const mid = median(sorted);
  const scale = sorted.reduce((a, v) => a + Math.abs(v - mid), 0);
  if (!(scale > 0)) return mid;
  const z = sorted.map((v) => (v - mid) / scale);
  const total = z.reduce((a, v) => a + v, 0);
  // Piece k: past z[k−1], before z[k]; S(β) = c·β + s with c = 2k − n and s = Σ_{j≥k} z − Σ_{j<k} z.
  const pieces: Array<{ a: number; b: number; c: number; s: number; mass: number }> = [];
  let below = 0;
  for (let k = 0; k <= n; k++) {
    const a = k === 0 ? Number.NEGATIVE_INFINITY : (z[k - 1] as number);
    const b = k === n ? Number.POSITIVE_INFINITY : (z[k] as number);
    const c = 2 * k - n;
    const s = total - 2 * below;
    const G = (x: number) => (Number.isFinite(x) ? (c * x + s) ** (1 - n) / (c * (1 - n)) : 0);
    pieces.push({ a, b, c, s, mass: c === 0 ? (b - a) * s ** -n : G(b) - G(a) });
    if (k < n) below += z[k] as number;
  }
  const all = pieces.reduce((acc, p) => acc + p.mass, 0);
  let want = q * all;
  for (const p of pieces) {
    if (want > p.mass && p !== pieces[pieces.length - 1]) {
      want -= p.mass;
      continue;
    }
    let beta: number;
    if (p.c === 0) beta = p.a + want * p.s ** n;
    else {
      const from = Number.isFinite(p.a) ? (p.c * p.a + p.s) ** (1 - n) / (p.c * (1 - n)) : 0;
      beta = ((p.c * (1 - n) * (from + want)) ** (1 / (1 - n)) - p.s) / p.c;
    }
    return mid + scale * beta;
  }
  return mid;
}

export const PEERS: readonly Peer[] = [
  { name: 'action-benchmark 110%', needsHistory: false, regressed: actionBenchmark(1.1) },
  { name: 'action-benchmark 200%', needsHistory: false, regressed: actionBenchmark(2) },
  { name: 'Bencher t-test 99%', needsHistory: true, regressed: bencherTTest(0.99) },
  { name: 'benchstat α 0.05', needsHistory: false, regressed: benchstat(0.05) },
  { name: 'asv 1.1 · p 0.002', needsHistory: false, regressed: asvCompare(1.1, 0.002) },
];

const valuesOf = (m: { samples?: number[]; stats: { median: number } }): number[] =>
  m.samples && m.samples.length > 0 ? m.samples : [m.stats.median];

/** Each metric of a world as the peers see it: baseline, first head run, main runs. */
export function peerInputs(world: World): Map<string, PeerInput> {
  return peerInputsOf(world.base, world.head(0), world.mains);
}

/** The same from results documents: the baseline, a head run and the main runs (oldest first). */
export function peerInputsOf(
  baseDoc: ResultsDocument,
  headDoc: ResultsDocument,
  mainDocs: readonly ResultsDocument[],
): Map<string, PeerInput> {
  const out = new Map<string, PeerInput>();
  const byId = (doc: ResultsDocument) => new Map(doc.suites.flatMap((s) => s.metrics).map((m) => [m.id, m]));
  const base = byId(baseDoc);
  const head = byId(headDoc);
  const mains = mainDocs.map(byId);
  for (const [id, h] of head) {
    const b = base.get(id);
    if (!b) continue;
    out.set(id, {
      better: h.better,
      base: valuesOf(b),
      head: valuesOf(h),
      history: mains.flatMap((run) => {
        const m = run.get(id);
        return m ? [valuesOf(m)] : [];
      }),
    });
  }
  return out;
}

/** The ids a peer flags in a world. */
export function peerFlags(peer: Peer, inputs: ReadonlyMap<string, PeerInput>): string[] {
  return [...inputs].filter(([, m]) => peer.regressed(m)).map(([id]) => id);
}
