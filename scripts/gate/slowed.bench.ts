// The quickstart's planning benchmark with an injected slowdown for npm run bench:gate: PERF_GATE_SLOWDOWN=1.2
// spins for a fifth of each plan's own time after it, as a 20% slower planner would. Unchanged runs go through
// the same wrapper (factor 1), so both sides pay its two clock reads.

import { defineBench, generateDag } from 'perf-action';
import { plan } from '../../examples/quickstart/planner.ts';

const extra = Number(process.env.PERF_GATE_SLOWDOWN ?? '1') - 1;

export default defineBench({
  params: { nodes: [100, 500, 1000, 2000] },
  setup: ({ nodes }) => generateDag({ nodes, degree: 3, seed: 42 }),
  benches: {
    plan: (dag) => {
      const start = performance.now();
      const p = plan(dag);
      if (p.levels.length === 0) throw new Error('empty plan');
      if (extra > 0) {
        const until = performance.now() + (performance.now() - start) * extra;
        while (performance.now() < until) {}
      }
    },
  },
});
