// One round: a fresh exchange and queues, consumers consuming before the first event, producers started
// together, backlog sampled, the crash victim armed and cut off, and the round over when every confirmed
// event has been processed or the drain timeout passes. The shared record then says exactly which events
// were delivered how often. The broker-independent course of a round is suites/broker/round.ts.

import { nowUs } from '../broker/event.ts';
import { tally } from '../broker/record.ts';
import * as broker from '../broker/round.ts';
import type { Admin, RoundTopology } from './admin.ts';
import type { Plan } from './plan.ts';
import type { WorkerPool } from './pool.ts';
import type { AmqpConsumed, FromWorker, RoundSpec } from './protocol.ts';
import type { AmqpConfig } from './schema.ts';

/** recoveryMs: from cutting the victim off until every delivery it held was delivered again. */
export interface RoundResult extends broker.BrokerRoundResult {
  /** Deliveries flagged redelivered by the broker. */
  redelivered: number;
}

export type RoundContext = broker.RoundContextOf<WorkerPool, Admin, Plan, AmqpConfig>;

export async function runRound(rc: RoundContext, round: number, label: string): Promise<RoundResult> {
  const { pool, admin, plan, cfg, shared } = rc;
  const seen = new Uint8Array(shared.seen);
  broker.resetRecord(shared);
  const warnings: string[] = [];
  const topology: RoundTopology = await admin.createRound(round, {
    count: cfg.queues,
    type: cfg['queue-type'],
    persistent: cfg.persistent,
    ttlMs: cfg.ttl,
  });
  // The victim cuts its own connection: its thread stays in the pool.
  const crash: broker.CrashState =
    plan.crashAt !== undefined ? { host: pool.hosts.find((h) => h.agents.some((a) => a.victim)) } : {};
  const spec: RoundSpec = {
    ...broker.baseSpec(round, plan),
    exchange: topology.exchange,
    queues: topology.queues,
    routingKeys: topology.routingKeys,
  };
  // Acks a victim counted but whose socket died before sending them make the ack count alone an
  // overestimate, so completion is also read from the record itself (it stops at the first gap).
  const allSeen = (reports: Array<{ producer: number; count: number }>) => {
    for (const p of reports) {
      const base = plan.bases[p.producer] as number;
      for (let slot = base; slot < base + p.count; slot++) if (Atomics.load(seen, slot) === 0) return false;
    }
    return true;
  };
  const drive = await broker.driveRound<RoundSpec, FromWorker, AmqpConsumed>({
    ...broker.commonDrive(rc, label, crash.host),
    pool,
    spec,
    stopTimeoutMs: 10_000,
    sentWord: 'confirmed',
    onMessage(m) {
      if (m.type === 'crashing') {
        crash.held = m.held;
        crash.before = m.before;
        crash.killedUs = m.atUs;
        // A survivor's report may have overtaken this message (threads post independently).
        broker.checkRecovery(crash, seen, nowUs());
      } else if (m.type === 'redelivered') broker.checkRecovery(crash, seen, m.atUs);
    },
    onTick: (now) => broker.checkRecovery(crash, seen, now),
    complete: (acked, total, _now, reports) => acked >= total && allSeen(reports),
  });

  // Every count below comes from the shared record, so it includes what the victim processed.
  const ledger = tally(shared, plan.bases, drive.produced);
  const foreign = broker.foreignCount(drive);
  if (foreign > 0) warnings.push(`${label}: ${foreign} messages were not events of this run and were ignored`);
  if (drive.timedOut) {
    warnings.push(
      `${label}: consumers had not processed every event ${cfg['drain-timeout']} ms after publishing ended (drain-timeout)`,
    );
  }
  warnings.push(
    ...broker.crashWarning(
      label,
      crash,
      'deliveries',
      'the deliveries the crashed consumer held were not all delivered again',
    ),
  );
  // Only now, with producers done and consumers stopped, is nothing left to use the round's queues.
  await admin.deleteRound(topology).catch((err: Error) => warnings.push(`cleanup: ${err.message}`));
  return {
    ...broker.roundFigures(drive, ledger, cfg.consumers),
    redelivered: drive.consumed.reduce((s, c) => s + c.redelivered, 0),
    ...broker.crashFigures(crash),
    warnings,
  };
}
