import { describe, expect, it } from 'vitest';
import { plan } from '../examples/quickstart/planner.ts';
import { generateDag } from '../src/workloads/dag.ts';

// Reference transitive reduction: an edge u->v stays only if no other path leads from u to v.
function bruteReduction(n: number, edges: Array<[number, number]>): string[] {
  const children: number[][] = Array.from({ length: n }, () => []);
  for (const [u, v] of edges) children[u]?.push(v);
  const reaches = (from: number, to: number, skip: [number, number]) => {
    const seen = new Set<number>();
    const stack = [from];
    while (stack.length) {
      const x = stack.pop() as number;
      for (const c of children[x] as number[]) {
        if (x === skip[0] && c === skip[1]) continue;
        if (c === to) return true;
        if (!seen.has(c)) {
          seen.add(c);
          stack.push(c);
        }
      }
    }
    return false;
  };
  return edges
    .filter((e) => !reaches(e[0], e[1], e))
    .map(([u, v]) => `${u}>${v}`)
    .sort();
}

describe('quickstart planner', () => {
  it('computes the exact transitive reduction on local and non-local DAGs', () => {
    for (const [nodes, window, seed] of [
      [40, 5, 1],
      [60, 60, 2],
      [120, 100, 3],
      [200, 50, 4],
    ] as const) {
      const dag = generateDag({ nodes, window, degree: 3, seed });
      const got = plan(dag)
        .reducedEdges.map(([u, v]) => `${u}>${v}`)
        .sort();
      expect(got).toEqual(bruteReduction(nodes, dag.edges));
      expect(got.length).toBeLessThan(dag.edges.length);
    }
  });

  it('orders levels after their dependencies and finds the costliest chain', () => {
    const dag = generateDag({ nodes: 300, degree: 2, seed: 9 });
    const p = plan(dag);
    const levelOf = new Map<number, number>();
    p.levels.forEach((l, i) => {
      for (const v of l) levelOf.set(v, i);
    });
    expect(levelOf.size).toBe(300);
    for (const [u, v] of dag.edges) expect(levelOf.get(u)).toBeLessThan(levelOf.get(v) as number);
    // The critical path is a chain of edges whose costs add up to the reported cost.
    const edgeSet = new Set(dag.edges.map(([u, v]) => `${u}>${v}`));
    for (let i = 1; i < p.criticalPath.length; i++) {
      expect(edgeSet.has(`${p.criticalPath[i - 1]}>${p.criticalPath[i]}`)).toBe(true);
    }
    const sum = p.criticalPath.reduce((s, v) => s + (dag.cost[v] as number), 0);
    expect(sum).toBe(p.criticalCost);
    // No longer chain exists: dynamic programming over all nodes agrees.
    const best = new Array<number>(300).fill(0);
    for (let v = 0; v < 300; v++) {
      best[v] = dag.cost[v] as number;
      for (const [u, w] of dag.edges)
        if (w === v) best[v] = Math.max(best[v] as number, (best[u] as number) + (dag.cost[v] as number));
    }
    expect(Math.max(...best)).toBe(p.criticalCost);
  });

  it('rejects a cycle with a message naming a node on it', () => {
    expect(() =>
      plan({
        nodes: 3,
        edges: [
          [0, 1],
          [1, 2],
          [2, 1],
        ],
        cost: [1, 1, 1],
      }),
    ).toThrow(/cycle through node/);
  });

  it('generates the same graph for the same seed and a different one for another seed', () => {
    const a = generateDag({ nodes: 500, seed: 7 });
    expect(generateDag({ nodes: 500, seed: 7 })).toEqual(a);
    expect(generateDag({ nodes: 500, seed: 8 }).edges).not.toEqual(a.edges);
    for (const [u, v] of a.edges) expect(u).toBeLessThan(v);
  });
});
