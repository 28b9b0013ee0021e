// A load-generating worker thread: builds its engine, reports ready, runs on 'start', and returns its
// encoded measurements (also after a 'stop', with what it measured until then).

import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from './engine.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.ts';

/**
 * Test-only: PERF_ACTION_TEST_HTTP_THREAD_CRASH="<thread index>:<ms>" makes that thread throw an uncaught
 * error that long after the start, the way a bug in a dependency would, so the tests can prove that a dead
 * thread does not take the others' measurements with it. Nothing sets it outside those tests.
 */
function crashForTests(index: number): void {
  const spec = /^(\d+):(\d+)$/.exec(process.env.PERF_ACTION_TEST_HTTP_THREAD_CRASH ?? '');
  if (!spec || Number(spec[1]) !== index) return;
  setTimeout(() => {
    throw new Error(`test-only crash of thread ${index} (PERF_ACTION_TEST_HTTP_THREAD_CRASH)`);
  }, Number(spec[2]));
}

export async function runHttpWorker(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the http worker runs in a worker thread');
  const setup = workerData as WorkerSetup;
  const post = (m: FromWorker) => port.postMessage(m);
  const fatal = (err: unknown) => post({ type: 'fatal', message: (err as Error)?.message ?? String(err) });
  let engine: Engine;
  try {
    engine = new Engine(setup);
    await engine.prepare();
  } catch (err) {
    fatal(err);
    return;
  }
  let ticker: NodeJS.Timeout | undefined;
  port.on('message', (m: ToWorker) => {
    if (m.type === 'start') {
      crashForTests(setup.index);
      // Both threads read the same wall clock; each converts the shared start into its own performance.now().
      const t0 = m.t0Epoch - performance.timeOrigin;
      ticker = setInterval(() => post({ type: 'tick', ...engine.progress() }), 250);
      engine
        .run(t0)
        .then((result) => {
          clearInterval(ticker);
          post({ type: 'result', result });
          port.close();
        })
        .catch(fatal);
    } else if (m.type === 'stop') {
      engine.stop();
    }
  });
  post({ type: 'ready' });
}
