// The system under test of the quickstart: a workflow planner like the seeds' orchestration engine.
// It computes execution levels, the critical path and the transitive reduction of a workflow DAG.

import type { Dag } from 'perf-action';

export interface Plan {
  /** Nodes grouped by execution level: every node's dependencies are in earlier levels. */
  levels: number[][];
  /** The chain of nodes with the largest total cost. */
  criticalPath: number[];
  criticalCost: number;
  /** Edges left after removing every edge implied by a longer path. */
  reducedEdges: Array<[number, number]>;
}

export function plan(dag: Dag): Plan {
  const n = dag.nodes;
  const parents: number[][] = Array.from({ length: n }, () => []);
  const children: number[][] = Array.from({ length: n }, () => []);
  for (const [u, v] of dag.edges) {
    parents[v]?.push(u);
    children[u]?.push(v);
  }

  // Kahn's algorithm: a topological order, or an error naming a node on a cycle.
  const indegree = parents.map((p) => p.length);
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (indegree[v] === 0) order.push(v);
  for (let i = 0; i < order.length; i++) {
    for (const c of children[order[i] as number] as number[]) {
      indegree[c] = (indegree[c] as number) - 1;
      if (indegree[c] === 0) order.push(c);
    }
  }
  if (order.length !== n) throw new Error(`workflow has a cycle through node ${indegree.findIndex((d) => d > 0)}`);
  const pos = new Int32Array(n);
  order.forEach((v, i) => {
    pos[v] = i;
  });

  // Levels and critical path in one pass over the order.
  const level = new Int32Array(n);
  const dist = new Float64Array(n);
  const via = new Int32Array(n).fill(-1);
  const levels: number[][] = [];
  let end = 0;
  for (const v of order) {
    let best = -1;
    for (const p of parents[v] as number[]) {
      level[v] = Math.max(level[v] as number, (level[p] as number) + 1);
      if (best < 0 || (dist[p] as number) > (dist[best] as number)) best = p;
    }
    dist[v] = (dag.cost[v] ?? 1) + (best >= 0 ? (dist[best] as number) : 0);
    via[v] = best;
    const lv = level[v] as number;
    if (!levels[lv]) levels[lv] = [];
    levels[lv].push(v);
    if ((dist[v] as number) > (dist[end] as number)) end = v;
  }
  const criticalPath: number[] = [];
  for (let v = end; v >= 0; v = via[v] as number) criticalPath.push(v);
  criticalPath.reverse();

  // Transitive reduction. Any path u -> ... -> v stays inside positions (pos[u], pos[v]), so each node
  // only needs its ancestors within the longest edge span S of the order: a bitset of S bits per node.
  // Cost O(E * S / 32): linear for workflows whose dependencies are local, quadratic only when S ~ n.
  let span = 1;
  for (const [u, v] of dag.edges) span = Math.max(span, (pos[v] as number) - (pos[u] as number));
  const words = Math.ceil(span / 32);
  const anc = new Uint32Array(n * words);
  const reducedEdges: Array<[number, number]> = [];
  for (const v of order) {
    const pv = pos[v] as number;
    const base = v * words;
    // Nearest parents first: a farther parent that is an ancestor of a nearer one is implied.
    const ps = (parents[v] as number[]).slice().sort((a, b) => (pos[b] as number) - (pos[a] as number));
    for (const p of ps) {
      const d = pv - (pos[p] as number) - 1;
      if (((anc[base + (d >>> 5)] as number) >>> (d & 31)) & 1) continue;
      reducedEdges.push([p, v]);
      anc[base + (d >>> 5)] = (anc[base + (d >>> 5)] as number) | (1 << (d & 31));
      // anc(v) |= anc(p) shifted by the distance between p and v.
      const shift = d + 1;
      const wordShift = shift >>> 5;
      const bitShift = shift & 31;
      const pb = p * words;
      for (let w = words - 1 - wordShift; w >= 0; w--) {
        const src = anc[pb + w] as number;
        if (src === 0) continue;
        const t = w + wordShift;
        anc[base + t] = (anc[base + t] as number) | (src << bitShift);
        if (bitShift > 0 && t + 1 < words)
          anc[base + t + 1] = (anc[base + t + 1] as number) | (src >>> (32 - bitShift));
      }
    }
  }
  return { levels, criticalPath, criticalCost: dist[end] as number, reducedEdges };
}
