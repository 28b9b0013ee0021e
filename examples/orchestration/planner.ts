// The system under test, a stand-in for the seeds' orchestration engine planner (ORCH-010): it turns a workflow
// DAG into execution levels (what may run in parallel), the earliest start of every step and the critical path.
// Replace it with your planner; the bench and perf.yml stay the same.
//
// PLANNER_SLOW=1 swaps in a naive ready-set scan (quadratic in the nodes), the kind of regression the
// `scaling(graph/plan, nodes)` criterion exists to catch; the end-to-end test uses it.

import type { Dag } from 'perf-action';

export interface WorkflowPlan {
  /** Steps grouped by level: every dependency of a step sits in an earlier level. */
  levels: number[][];
  /** Earliest start of each step when every step takes its cost. */
  start: Float64Array;
  /** The steps on the longest cost chain, first to last. */
  criticalPath: number[];
  makespan: number;
}

const slow = process.env.PLANNER_SLOW === '1';

export function planWorkflow(dag: Dag): WorkflowPlan {
  const n = dag.nodes;
  const deps: number[][] = Array.from({ length: n }, () => []);
  const next: number[][] = Array.from({ length: n }, () => []);
  for (const [from, to] of dag.edges) {
    (deps[to] as number[]).push(from);
    (next[from] as number[]).push(to);
  }
  const order = slow ? naiveOrder(deps) : topoOrder(deps, next);

  // Levels and earliest starts in one pass over the topological order.
  const level = new Int32Array(n);
  const start = new Float64Array(n);
  const via = new Int32Array(n).fill(-1);
  const levels: number[][] = [];
  for (const v of order) {
    for (const d of deps[v] as number[]) {
      level[v] = Math.max(level[v] as number, (level[d] as number) + 1);
      const end = (start[d] as number) + (dag.cost[d] ?? 1);
      if (end > (start[v] as number)) {
        start[v] = end;
        via[v] = d;
      }
    }
    const l = level[v] as number;
    if (!levels[l]) levels[l] = [];
    (levels[l] as number[]).push(v);
  }

  // The critical path ends at the step that finishes last; walk back along the predecessor that set its start.
  let last = 0;
  let makespan = 0;
  for (let v = 0; v < n; v++) {
    const end = (start[v] as number) + (dag.cost[v] ?? 1);
    if (end > makespan) {
      makespan = end;
      last = v;
    }
  }
  const criticalPath: number[] = [];
  for (let v = last; v >= 0; v = via[v] as number) criticalPath.push(v);
  criticalPath.reverse();
  return { levels, start, criticalPath, makespan };
}

/** Kahn's algorithm: O(nodes + edges); a cycle is an error naming a step on it. */
function topoOrder(deps: number[][], next: number[][]): number[] {
  const waiting = deps.map((d) => d.length);
  const order: number[] = [];
  for (let v = 0; v < waiting.length; v++) if (waiting[v] === 0) order.push(v);
  for (let i = 0; i < order.length; i++) {
    for (const c of next[order[i] as number] as number[]) {
      waiting[c] = (waiting[c] as number) - 1;
      if (waiting[c] === 0) order.push(c);
    }
  }
  if (order.length !== deps.length)
    throw new Error(`workflow has a cycle through step ${waiting.findIndex((w) => w > 0)}`);
  return order;
}

/** The regression: rescan every step for one whose dependencies are all placed, once per placed step. */
function naiveOrder(deps: number[][]): number[] {
  const placed = new Uint8Array(deps.length);
  const order: number[] = [];
  while (order.length < deps.length) {
    let found = -1;
    for (let v = 0; v < deps.length && found < 0; v++) {
      if (!placed[v] && (deps[v] as number[]).every((d) => placed[d])) found = v;
    }
    if (found < 0) throw new Error('workflow has a cycle');
    placed[found] = 1;
    order.push(found);
  }
  return order;
}
