// A load-generating worker thread: builds its engine, reports ready, runs on 'start', and returns its
// encoded measurements (also after a 'stop', with what it measured until then).

import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from './engine.ts';
import type { FromWorker, ToWorker, WorkerSetup } from './protocol.ts';

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
