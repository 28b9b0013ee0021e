// Seeded random workflow DAGs: the graphs the seeds' planners are measured on, so users can benchmark
// their own planners on the same inputs (same seed, same graph, in every process and on every runner).

import { makeRng } from '../stats/rng.ts';

export interface Dag {
  /** Number of nodes, named 0..nodes-1; every edge goes from a lower to a higher index. */
  nodes: number;
  /** Edges as [from, to] pairs. */
  edges: Array<[number, number]>;
  /** Work per node (e.g. estimated seconds), for critical-path planning. */
  cost: number[];
}

export interface DagOptions {
  nodes: number;
  /** Mean number of dependencies per node (default 2). */
  degree?: number;
  /** Dependencies reach back at most this many nodes (default 50): workflows are locally connected. */
  window?: number;
  seed?: number;
}

/** A random DAG shaped like a workflow: each node depends on a few recent nodes. */
export function generateDag(opts: DagOptions): Dag {
  const { nodes } = opts;
  if (!Number.isInteger(nodes) || nodes < 1)
    throw new Error(`generateDag: nodes must be a positive integer (got ${nodes})`);
  const degree = opts.degree ?? 2;
  const window = opts.window ?? 50;
  const rng = makeRng(opts.seed ?? 1);
  const edges: Array<[number, number]> = [];
  const cost: number[] = [];
  for (let v = 0; v < nodes; v++) {
    cost.push(1 + Math.floor(rng() * 10));
    if (v === 0) continue;
    // 1..2·degree-1 parents, mean ≈ degree, drawn without repeats from the window behind v.
    const want = Math.min(v, 1 + Math.floor(rng() * (2 * degree - 1)));
    const lo = Math.max(0, v - window);
    const picked = new Set<number>();
    while (picked.size < want) picked.add(lo + Math.floor(rng() * (v - lo)));
    for (const u of picked) edges.push([u, v]);
  }
  return { nodes, edges, cost };
}
