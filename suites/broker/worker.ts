// The worker-thread side of a broker suite: the thread's setup and port, and the round protocol every
// suite's threads follow ('round' prepares, 'go' starts producers, 'crash' arms the victim, 'stop' ends
// consuming, 'exit' closes). What preparing, stopping and closing mean is the suite's.

import { parentPort, workerData } from 'node:worker_threads';
import type { ProduceReport } from './pace.ts';
import type { AgentSpec, BaseRoundSpec, BaseToWorker } from './protocol.ts';

/** Messages the shared protocol posts; the suite's own messages go through the same `post`. */
type Posted = { type: 'ready' } | { type: 'prepared'; round: number } | { type: 'fatal'; message: string };

export interface ThreadAgents<Spec> {
  producers: Array<{ index: number; run(spec: Spec): Promise<ProduceReport>; arm?(): void }>;
  consumers: Array<{ arm(): void }>;
  /** What must be done before the thread reports ready (connecting, say). */
  start(): Promise<void>;
  /** Get every agent ready for the round; the thread reports prepared when it resolves. */
  prepare(spec: Spec): Promise<void>;
  /** 'stop': consumers stop and report. */
  stop(): void;
  /** 'exit': disconnect everything; the port closes after. */
  close(): Promise<void> | void;
}

/** The thread's agents, built in the order the suite listed them. */
export function splitAgents<P, C>(
  agents: AgentSpec[],
  producer: (index: number, victim: boolean) => P,
  consumer: (index: number, victim: boolean) => C,
): { producers: P[]; consumers: C[] } {
  const producers: P[] = [];
  const consumers: C[] = [];
  for (const a of agents) {
    if (a.kind === 'producer') producers.push(producer(a.index, a.victim === true));
    else consumers.push(consumer(a.index, a.victim === true));
  }
  return { producers, consumers };
}

export interface ThreadPort<Setup, From> {
  setup: Setup;
  post(m: From): void;
  /** Report an error the suite must fail on. */
  fatal(err: unknown): void;
}

export async function serveThread<Setup, Spec extends BaseRoundSpec, From extends { type: string }>(
  what: string,
  build: (port: ThreadPort<Setup, From>) => ThreadAgents<Spec>,
): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error(`the ${what} worker runs in a worker thread`);
  const post = (m: From | Posted) => port.postMessage(m);
  const fatal = (err: unknown) => post({ type: 'fatal', message: (err as Error)?.message ?? String(err) });
  const agents = build({ setup: workerData as Setup, post, fatal });
  let spec: Spec | undefined;

  port.on('message', (m: BaseToWorker<Spec>) => {
    if (m.type === 'round') {
      spec = m.spec;
      const round = m.spec;
      void agents
        .prepare(round)
        .then(() => post({ type: 'prepared', round: round.round }))
        .catch(fatal);
    } else if (m.type === 'go' && spec) {
      const round = spec;
      for (const p of agents.producers) {
        void p.run(round).then((r) => post({ type: 'produced', producer: p.index, ...r } as unknown as From), fatal);
      }
    } else if (m.type === 'crash') {
      for (const c of agents.consumers) c.arm();
      for (const p of agents.producers) p.arm?.();
    } else if (m.type === 'stop') {
      agents.stop();
    } else if (m.type === 'exit') {
      const closing = agents.close();
      if (closing) void closing.then(() => port.close());
      else port.close();
    }
  });

  try {
    await agents.start();
    post({ type: 'ready' });
  } catch (err) {
    fatal(err);
  }
}
