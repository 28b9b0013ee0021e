// A worker thread hosting some producers and consumers. It serves every round the suite sends: on 'round'
// everyone connects and consumers start consuming, producers start on 'go', consumers stop on 'stop'.

import { parentPort, workerData } from 'node:worker_threads';
import { Consumer } from './consumer.ts';
import { nowUs } from './event.ts';
import { Producer } from './producer.ts';
import type { FromWorker, RoundSpec, ToWorker, WorkerSetup } from './protocol.ts';

export async function runAmqpWorker(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('the amqp worker runs in a worker thread');
  const setup = workerData as WorkerSetup;
  const post = (m: FromWorker) => port.postMessage(m);
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];
  for (const a of setup.agents) {
    if (a.kind === 'producer') producers.push(new Producer(a.index, setup));
    else {
      const c: Consumer = new Consumer(a.index, setup, a.victim === true, {
        crashing: (held, before) => post({ type: 'crashing', consumer: c.index, held, before, atUs: nowUs() }),
        redelivered: () => post({ type: 'redelivered', consumer: c.index, atUs: nowUs() }),
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
      void Promise.all([...producers.map((p) => p.prepare()), ...consumers.map((c) => c.prepare(round))])
        .then(() => post({ type: 'prepared', round: round.round }))
        .catch(fatal);
    } else if (m.type === 'go' && spec) {
      const round = spec;
      for (const p of producers) {
        void p.run(round).then((r) => post({ type: 'produced', producer: p.index, ...r }), fatal);
      }
    } else if (m.type === 'crash') {
      for (const c of consumers) c.arm();
    } else if (m.type === 'stop') {
      for (const c of consumers) {
        void c.stop().then((r) => post({ type: 'consumed', consumer: c.index, ...r }), fatal);
      }
    } else if (m.type === 'exit') {
      void Promise.allSettled([...producers.map((p) => p.close()), ...consumers.map((c) => c.close())]).then(() =>
        port.close(),
      );
    }
  });
  post({ type: 'ready' });
}
