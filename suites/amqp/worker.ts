// A worker thread hosting some producers and consumers. It serves every round the suite sends (the
// protocol is suites/broker/worker.ts): on 'round' everyone connects and consumers start consuming,
// producers start on 'go', consumers stop on 'stop'.

import { serveThread, splitAgents } from '../broker/worker.ts';
import { Consumer } from './consumer.ts';
import { nowUs } from './event.ts';
import { Producer } from './producer.ts';
import type { FromWorker, RoundSpec, WorkerSetup } from './protocol.ts';

export async function runAmqpWorker(): Promise<void> {
  await serveThread<WorkerSetup, RoundSpec, FromWorker>('amqp', ({ setup, post, fatal }) => {
    const { producers, consumers } = splitAgents(
      setup.agents,
      (index) => new Producer(index, setup),
      (index, victim) =>
        new Consumer(index, setup, victim, {
          crashing: (held, before) => post({ type: 'crashing', consumer: index, held, before, atUs: nowUs() }),
          redelivered: () => post({ type: 'redelivered', consumer: index, atUs: nowUs() }),
        }),
    );
    return {
      producers,
      consumers,
      start: async () => {},
      prepare: async (round) => {
        await Promise.all([...producers.map((p) => p.prepare()), ...consumers.map((c) => c.prepare(round))]);
      },
      stop: () => {
        for (const c of consumers) {
          void c.stop().then((r) => post({ type: 'consumed', consumer: c.index, ...r }), fatal);
        }
      },
      close: async () => {
        await Promise.allSettled([...producers.map((p) => p.close()), ...consumers.map((c) => c.close())]);
      },
    };
  });
}
