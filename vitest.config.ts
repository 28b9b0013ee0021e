import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['__tests__/**/*.test.ts'],
    // A guard against a real hang, not a speed check: a busy machine (another heavy job beside the tests)
    // must never fail a test by its clock; speed is measured by npm run bench:*.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    // Integration tests start processes and servers; two cores means two workers at most.
    maxWorkers: 2,
  },
});
