import { configDefaults, defineConfig } from 'vitest/config';
import { HANG_GUARD_MS } from './__tests__/helpers/tier.ts';

// Three tiers (README, "Testing"): `npm test` runs unit and integration, what CI runs; `npm run test:unit`
// the pure files alone; `npm run test:lab` the long statistics simulations in full.

/**
 * Pure, fast files: no child processes, no servers, no sleeping; together well under 30 s. A file joins by
 * being named here; an unlisted file runs as integration, the safe side for a new test that starts things.
 */
const UNIT = [
  'ab-paired',
  'accept',
  'action-units',
  'amqp-units',
  'annotations',
  'architecture',
  'compare',
  'compare-verdict',
  'config',
  'criteria',
  'criteria-rate',
  'criteria-relative',
  'criteria-scope',
  'criteria-warn',
  'documents',
  'fuzz-config',
  'fuzz-ingest',
  'history',
  'history-report',
  'http-units',
  'ingest-adapters',
  'ingest-detect',
  'ingest-errors',
  'ingest-scale',
  'ingest-units',
  'json-chunks',
  'mermaid',
  'quickstart-planner',
  'redact',
  'report',
  'report-html',
  'shard',
  'shared-text',
  'stats-distributions',
  'stats-fdr',
  'stats-moderate',
  'stats-rank-tests',
  'stats-shared',
  'stats-student',
  'summary',
  'terminal-width',
  'units',
  'verdict-relative',
  'verdict-simulation',
].map((name) => `__tests__/${name}.test.ts`);

/**
 * Simulations whose seed counts come from helpers/tier.ts: a quarter in the default tier, all of them here
 * (PERF_ACTION_TIER=lab), run on demand.
 */
const LAB = ['__tests__/verdict-simulation.test.ts'];

export default defineConfig({
  test: {
    // A guard against a real hang, not a speed check; no test or hook sets a shorter one.
    testTimeout: HANG_GUARD_MS,
    hookTimeout: HANG_GUARD_MS,
    // Integration tests start processes and servers; two cores means two workers at most.
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['__tests__/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...UNIT],
        },
      },
      { extends: true, test: { name: 'lab', include: LAB, env: { PERF_ACTION_TIER: 'lab' } } },
    ],
  },
});
