// A stand-in for the orchestration engine's agent coordination: agents run in their own threads and are
// reached only by messages; one coordination round hands every agent a task and waits until each has
// acknowledged it. The seed's "<100ms overhead per agent coordination" is the time of such a round.
// COORD_DELAY_MS adds a pause to every acknowledgement (a slow coordination layer, for trying the gate).

import { Worker } from 'node:worker_threads';

/** What an agent does with a task: a small amount of real work, so the round is not only message passing. */
export function handleTask(task: { id: number; payload: number[] }): number {
  let sum = 0;
  for (const v of task.payload) sum = (sum * 31 + v) % 1_000_003;
  return sum;
}

const AGENT_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
${handleTask.toString()}
parentPort.on('message', (task) => {
  const answer = { id: task.id, agent: workerData.agent, sum: handleTask(task) };
  if (workerData.delay > 0) setTimeout(() => parentPort.postMessage(answer), workerData.delay);
  else parentPort.postMessage(answer);
});
`;

interface Round {
  left: number;
  total: number;
  resolve: (total: number) => void;
  reject: (err: Error) => void;
}

export class Coordinator {
  private readonly agents: Worker[] = [];
  private readonly rounds = new Map<number, Round>();
  private nextId = 0;

  /** Starts the agents and waits until every thread is online. */
  static async start(count: number): Promise<Coordinator> {
    const c = new Coordinator();
    const delay = Number(process.env.COORD_DELAY_MS ?? 0);
    for (let agent = 0; agent < count; agent++) {
      const w = new Worker(AGENT_SOURCE, { eval: true, workerData: { agent, delay } });
      // One listener per agent for its whole life: answers find their round by id.
      w.on('message', (answer: { id: number; sum: number }) => c.acknowledge(answer));
      w.on('error', (err) => c.failAll(err));
      c.agents.push(w);
    }
    await Promise.all(c.agents.map((w) => new Promise((resolve) => w.once('online', resolve))));
    return c;
  }

  /** One round: a task to every agent, resolved when all have acknowledged theirs. */
  round(payload: number[]): Promise<number> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.rounds.set(id, { left: this.agents.length, total: 0, resolve, reject });
      for (const w of this.agents) w.postMessage({ id, payload });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.agents.map((w) => w.terminate()));
  }

  private acknowledge(answer: { id: number; sum: number }): void {
    const r = this.rounds.get(answer.id);
    if (!r) return;
    r.total += answer.sum;
    if (--r.left === 0) {
      this.rounds.delete(answer.id);
      r.resolve(r.total);
    }
  }

  private failAll(err: Error): void {
    for (const r of this.rounds.values()) r.reject(err);
    this.rounds.clear();
  }
}
