// A worker thread hosting some producers and consumers. It connects once and serves every round the
// suite sends (the protocol is suites/broker/worker.ts); producers start on 'go', consumers read from
// 'round' until 'stop'.

import { serveThread, splitAgents } from '../broker/worker.ts';
import { Consumer } from './consumer.ts';
import { nowUs } from './event.ts';
import { Producer } from './producer.ts';
import type { FromWorker, RoundSpec, WorkerSetup } from './protocol.ts';

export async function runStreamsWorker(): Promise<void> {
  await serveThread<WorkerSetup, RoundSpec, FromWorker>('redis-streams', ({ setup, post, fatal }) => {
    const { producers, consumers } = splitAgents(
      setup.agents,
      (index, victim) =>
        new Producer(index, setup, victim, {
          crashing: (report) => post({ type: 'producer-crashing', producer: index, ...report, atUs: nowUs() }),
        }),
      (index, victim) =>
        new Consumer(index, setup, victim, {
          crashing: (held) => post({ type: 'crashing', consumer: index, held, atUs: nowUs() }),
          reclaimed: () => post({ type: 'reclaimed', consumer: index, atUs: nowUs() }),
          resumed: (atUs) => post({ type: 'resumed', consumer: index, atUs }),
        }),
    );
    return {
      producers,
      consumers,
      start: async () => {
        await Promise.all(consumers.map((c) => c.connect()));
      },
      prepare: async (round) => {
        await Promise.all(producers.map((p) => p.prepare(round)));
        // Consumers are reading (blocked in XREADGROUP) before any event is produced.
        for (const c of consumers) {
          void c.run(round).then((r) => post({ type: 'consumed', consumer: c.index, ...r }), fatal);
        }
      },
      stop: () => {
        for (const c of consumers) c.stop();
      },
      close: () => {
        for (const p of producers) p.close();
        for (const c of consumers) c.close();
      },
    };
  });
}
