// The `command` suite kind: run a command (or start a server until it is ready) `repeat` times per parameter set,
// after `warmup` runs, and report wall or ready time, CPU and peak RSS of its whole process tree; optionally read
// a benchmark tool's results file afterwards.
//
// Only the schema is imported here; the run loads when a suite runs (see http/index.ts).

import type { Metric } from '../../src/model/results.ts';
import { defineSuiteKind } from '../../src/runner/suite-kind.ts';
import { commandSchema } from './schema.ts';

export const commandKind = defineSuiteKind({
  name: 'command',
  description: 'Runs a command repeatedly (or starts a server until ready): wall or ready time, CPU and peak RSS',
  schema: commandSchema,
  async *run(ctx): AsyncIterable<Metric> {
    const { runCommand } = await import(/* webpackMode: "eager" */ './runtime.ts');
    yield* runCommand(ctx);
  },
});

export { commandSchema } from './schema.ts';
