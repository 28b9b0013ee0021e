// The redis-streams suite's worker threads: the shared pool (suites/broker/pool.ts) started on this suite's entry.

import { WorkerPool as BrokerPool } from '../broker/pool.ts';
import { type FromWorker, type ToWorker, WORKER_ROLE, type WorkerSetup } from './protocol.ts';

export type { Host } from '../broker/pool.ts';

export class WorkerPool extends BrokerPool<WorkerSetup, FromWorker, ToWorker> {
  constructor() {
    super({ role: WORKER_ROLE, from: import.meta.url, closeGraceMs: 1000 });
  }
}
