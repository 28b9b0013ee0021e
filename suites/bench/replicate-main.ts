// The entry of a lean bench replicate (dist/bench-replicate.js when bundled): only the replicate's own code,
// so a process starts in a fraction of the time the whole CLI or action bundle takes to load.

import { leanBenchApi } from './replicate-api.ts';
import { runBenchWorker } from './worker.ts';

await runBenchWorker(leanBenchApi, { lean: true });
