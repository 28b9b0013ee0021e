// The broker restart (`crash: { target: broker }`): which service is the suite's Redis, and the course of
// one restart in a round - fired at its point, the server killed and started again by the runner, the
// round's streams and group restored where the restart lost them, and recovery timed until deliveries resume.

import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { nowUs } from '../broker/event.ts';
import type { CrashState } from '../broker/round.ts';
import type { Admin } from './admin.ts';
import { endpointOf } from './connection.ts';
import type { StreamRef } from './protocol.ts';

export interface RestartableService {
  name: string;
  ready?: string;
  restart(): Promise<void>;
}

/** How long producers and consumers keep trying to reconnect to a restarted broker before they fail. */
export const RECONNECT_MS = 60_000;

const HOW =
  'add it under services: (run: redis-server --port 6390 --appendonly yes --appendfsync always, ready: redis://127.0.0.1:6390) with url: redis://127.0.0.1:6390';

/**
 * The service a broker restart restarts: the one named, or else the one whose `ready:` URL has the port of
 * the suite's `url`. Anything else is a setup error saying how to declare it.
 */
export function brokerService(
  services: readonly RestartableService[] | undefined,
  url: string,
  named: string | undefined,
): RestartableService {
  const list = services ?? [];
  if (named !== undefined) {
    const found = list.find((s) => s.name === named);
    if (found) return found;
    const known = list.length > 0 ? `services: ${list.map((s) => s.name).join(', ')}` : 'no services are defined';
    throw new SuiteSetupError(`crash.service "${named}" is no service perf-action started (${known}): ${HOW}`);
  }
  const port = endpointOf(url).port;
  const matches = list.filter((s) => {
    if (!s.ready) return false;
    try {
      const u = new URL(s.ready);
      return Number(u.port || (u.protocol.startsWith('redis') ? 6379 : 0)) === port;
    } catch {
      return false;
    }
  });
  if (matches.length === 1) return matches[0] as RestartableService;
  if (matches.length > 1) {
    throw new SuiteSetupError(
      `crash target broker: services ${matches.map((s) => s.name).join(', ')} are all ready on port ${port}: name one with crash.service`,
    );
  }
  throw new SuiteSetupError(
    `crash target broker restarts the suite's Redis, so perf-action must start it as a service, and no service is ready on port ${port}: ${HOW}, or name it with crash.service`,
  );
}

/** One round's broker restart, driven from the round's loop. */
export class BrokerRestart {
  readonly crash: CrashState = {};
  private startUs: number | undefined;
  private running: Promise<void> | undefined;
  private restored = false;
  private failure: Error | undefined;

  constructor(
    private readonly service: RestartableService,
    private readonly admin: Admin,
    private readonly round: { group: string; streams: StreamRef[]; ttlMs: number },
    /** Events mode: restart once this many events are confirmed; duration mode: this many ms in. */
    private readonly point: { events?: number; ms?: number },
  ) {}

  /** Whether the broker is down or being brought back: nothing can be asked of it now. */
  get busy(): boolean {
    return this.running !== undefined && !this.restored;
  }

  /** On every pass of the round's loop: fire at the point, and fail the round if the restart failed. */
  tick(now: number, confirmed: number): void {
    if (this.failure) throw this.failure;
    this.startUs ??= now;
    if (this.running) return;
    const due =
      this.point.ms !== undefined ? now - this.startUs >= this.point.ms * 1000 : confirmed >= (this.point.events ?? 0);
    if (!due) return;
    this.crash.killedUs = nowUs();
    this.running = this.service
      .restart()
      .then(async () => {
        await this.admin.reconnect();
        // Without persistence the streams and group are gone: recreate them, as the application would.
        await this.admin.restore(this.round.group, this.round.streams, this.round.ttlMs);
        this.restored = true;
      })
      .catch((err: Error) => {
        this.failure = new Error(`broker restart: ${err.message}`);
      });
  }

  /** A consumer's first delivery after it reconnected. */
  resumed(atUs: number): void {
    const { killedUs } = this.crash;
    if (killedUs === undefined || atUs < killedUs) return;
    if (this.crash.recoveredUs === undefined || atUs < this.crash.recoveredUs) this.crash.recoveredUs = atUs;
  }

  /** Wait for a restart still under way (the round ended during it), so cleanup finds the server up. */
  async settle(): Promise<void> {
    await this.running;
    if (this.failure) throw this.failure;
  }

  warnings(label: string): string[] {
    if (this.crash.killedUs === undefined) {
      return [`${label}: the broker restart did not fire (the round ended before its point)`];
    }
    if (this.crash.recoveredUs === undefined) {
      return [`${label}: no consumer received an entry after the broker restart`];
    }
    return [];
  }
}
