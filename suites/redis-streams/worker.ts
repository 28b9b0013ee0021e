// A worker thread hosting some producers and consumers. It connects once and serves every round the
// suite sends; producers start on 'go', consumers read from 'round' until 'stop'.

import { parentPort, workerData } from 'node:worker_threads';
import { Consumer } from './consumer.ts';
import { nowUs } from './event.ts';
import { Producer } from './producer.ts';
import type { FromWorker, RoundSpec, ToWorker, WorkerSetup } from './protocol.ts';

export async function runStreamsWorker(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the redis-streams worker runs in a worker thread');
  const setup = workerData as WorkerSetup;
  const post = (m: FromWorker) => port.postMessage(m);
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];
  for (const a of setup.agents) {
    if (a.kind === 'producer') producers.push(new Producer(a.index, setup));
    else {
      const c: Consumer = new Consumer(a.index, setup, a.victim === true, {
        crashing: (held) => post({ type: 'crashing', consumer: c.index, held, atUs: nowUs() }),
        reclaimed: () => post({ type: 'reclaimed', consumer: c.index, atUs: nowUs() }),
      });
      consumers.push(c);
    }
  }
  let spec: RoundSpec | undefined;
  const fatal = (err: unknown) => post({ type: 'fatal', message: (err as Error)?.message ?? String(err) });

  port.on('message', (m: ToWorker) => {
    if (m.type === 'round') {
      spec = m.spec;
      const round = m.spec;
      void Promise.all(producers.map((p) => p.prepare(round)))
        .then(() => {
          // Consumers are reading (blocked in XREADGROUP) before any event is produced.
          for (const c of consumers) {
            void c.run(round).then((r) => post({ type: 'consumed', consumer: c.index, ...r }), fatal);
          }
          post({ type: 'prepared', round: round.round });
        })
        .catch(fatal);
    } else if (m.type === 'go' && spec) {
      const round = spec;
      for (const p of producers) {
        void p.run(round).then((r) => post({ type: 'produced', producer: p.index, ...r }), fatal);
      }
    } else if (m.type === 'crash') {
      for (const c of consumers) c.arm();
    } else if (m.type === 'stop') {
      for (const c of consumers) c.stop();
    } else if (m.type === 'exit') {
      for (const p of producers) p.close();
      for (const c of consumers) c.close();
      port.close();
    }
  });

  try {
    await Promise.all(consumers.map((c) => c.connect()));
    post({ type: 'ready' });
  } catch (err) {
    fatal(err);
  }
}
