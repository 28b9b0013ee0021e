// ORCH-010 "<100ms overhead per agent coordination": a coordination round across 4..32 agent threads, and the
// same work called directly (no coordination) for the overhead as a difference once diff() is available.

import { defineBench } from 'perf-action';
import { Coordinator, handleTask } from '../coordinator.ts';

const payload = Array.from({ length: 256 }, (_, i) => (i * 7919) % 1000);

export default defineBench({
  params: { agents: [4, 8, 16, 32] },
  setup: async ({ agents }) => ({ coordinator: await Coordinator.start(agents), agents }),
  teardown: (state) => state.coordinator.stop(),
  benches: {
    coordinate: async (state) => {
      await state.coordinator.round(payload);
    },
    direct: (state) => {
      for (let i = 0; i < state.agents; i++) handleTask({ id: i, payload });
    },
  },
});
