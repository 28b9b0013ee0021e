// ORCH-010 "graph planning <1s for 1000+ node workflows" on the seed's ladder (100, 500, 1000, 2000 nodes),
// and "linear scaling" as the slope of planning time against the node count.

import { defineBench, generateDag } from 'perf-action';
import { planWorkflow } from '../planner.ts';

export default defineBench({
  params: { nodes: [100, 500, 1000, 2000] },
  // A seeded random workflow per case, built outside the timing: every process plans the same graphs.
  setup: ({ nodes }) => generateDag({ nodes, degree: 3, seed: 7 }),
  benches: {
    plan: (dag) => {
      const p = planWorkflow(dag);
      if (p.criticalPath.length === 0) throw new Error('empty plan');
    },
  },
});
