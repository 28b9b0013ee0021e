// Entry of a worker thread when perf-action runs from its TypeScript sources (tests, development); the
// bundles start the same code through the registered helper role instead.

import { runAmqpWorker } from './worker.ts';

await runAmqpWorker();
