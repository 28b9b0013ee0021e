// ORCH-010 "graph planning <1s for 1000+ nodes" and "linear scaling", as a perf-action benchmark.

import { defineBench, generateDag } from 'perf-action';
import { plan } from '../planner.ts';

export default defineBench({
  params: { nodes: [100, 500, 1000, 2000] },
  // Built once per case, outside the timing: every process plans the same seeded graph.
  setup: ({ nodes }) => generateDag({ nodes, degree: 3, seed: 42 }),
  benches: {
    plan: (dag) => {
      const p = plan(dag);
      if (p.levels.length === 0) throw new Error('empty plan');
    },
  },
});
