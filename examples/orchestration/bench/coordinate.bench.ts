// ORCH-010 "<100ms overhead per agent coordination": a coordination round across 4..32 agent threads, and the
// same work called directly (no coordination): `diff(coord/coordinate, coord/direct)` is the overhead.

import { defineBench } from 'perf-action';
import { Coordinator, handleTask } from '../coordinator.ts';

const payload = Array.from({ length: 256 }, (_, i) => (i * 7919) % 1000);

export default defineBench({
  params: { agents: [4, 8, 16, 32] },
  // The agent threads start on the first coordinated round, which falls in the untimed warm-up: `direct` needs
  // none, and starting dozens of threads per case it does not use would double the suite's time. The start is
  // kept as a promise, so calls that overlap it (the harness may call once before the warm-up) share one.
  setup: ({ agents }) => ({ agents, coordinator: undefined as Promise<Coordinator> | undefined }),
  teardown: async (state) => (await state.coordinator)?.stop(),
  benches: {
    coordinate: async (state) => {
      state.coordinator ??= Coordinator.start(state.agents);
      await (await state.coordinator).round(payload);
    },
    direct: (state) => {
      for (let i = 0; i < state.agents; i++) handleTask({ id: i, payload });
    },
  },
});
