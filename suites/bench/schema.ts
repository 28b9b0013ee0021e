import { z } from 'zod';
import { duration } from '../../src/config/units-schema.ts';

export const benchSchema = z.strictObject({
  file: z.string().min(1).describe('Benchmark module (TS or JS) using defineBench, relative to the config file'),
  replicates: z.number().int().min(1).max(1000).default(5).describe('Fresh processes; each gives one sample per case'),
  time: duration.default(500).describe('Time budget per case in each process'),
  warmup: duration.default(100).describe('Warm-up time per case in each process'),
  iterations: z.number().int().min(1).default(10).describe('Minimum iterations per case in each process'),
  filter: z.array(z.string()).optional().describe('Globs over bench names to run (default: all)'),
  reference: z
    .boolean()
    .default(true)
    .describe(
      "Time perf-action's fixed reference workload in every replicate process, so that compare can take the machine's speed out",
    ),
  memory: z
    .boolean()
    .default(false)
    .describe(
      'Also measure bytes allocated per operation and the longest GC pause, in a pass after the timed run (metrics <bench>/alloc and <bench>/gc_pause)',
    ),
  'replicate-timeout': duration.default(300_000).describe('Longest one replicate process may take'),
});

export type BenchSuiteConfig = z.output<typeof benchSchema> & { name: string; kind: string };
