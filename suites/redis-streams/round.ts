// One round: fresh streams and group, consumers reading before the first event, producers started together,
// backlog sampled, the crash victim armed and killed, and the round over when every produced event is
// acked, nothing is left to deliver, or the drain timeout passes. The shared record then says exactly which
// events were delivered how often. The broker-independent course of a round is suites/broker/round.ts.

import { nowUs } from '../broker/event.ts';
import type { ProducedMessage } from '../broker/protocol.ts';
import { tally } from '../broker/record.ts';
import * as broker from '../broker/round.ts';
import type { Admin } from './admin.ts';
import { BrokerRestart, type RestartableService } from './faults.ts';
import type { Plan } from './plan.ts';
import type { WorkerPool } from './pool.ts';
import type { FromWorker, RoundSpec, WorkerSetup } from './protocol.ts';
import type { RedisStreamsConfig } from './schema.ts';

/** recoveryMs: from killing the victim until every entry it held was delivered again. */
export type RoundResult = broker.BrokerRoundResult;

export interface RoundContext extends broker.RoundContextOf<WorkerPool, Admin, Plan, RedisStreamsConfig> {
  /** Setup of the victim's thread, spawned afresh each round (it is killed every time). */
  victimSetup?: WorkerSetup;
  /** With `crash: { target: broker }`: the service the round restarts. */
  brokerService?: RestartableService;
}

export async function runRound(rc: RoundContext, round: number, label: string): Promise<RoundResult> {
  const { pool, admin, plan, cfg, shared } = rc;
  const seen = new Uint8Array(shared.seen);
  broker.resetRecord(shared);
  const warnings: string[] = [];
  const { group, streams } = await admin.createStreams(round, cfg.streams, cfg.ttl);
  const crashAt = plan.crashAt ?? 0;
  const restart = rc.brokerService
    ? new BrokerRestart(
        rc.brokerService,
        admin,
        { group, streams, ttlMs: cfg.ttl },
        plan.durationMs !== undefined ? { ms: crashAt * plan.durationMs } : { events: crashAt * plan.events },
      )
    : undefined;
  const crash: broker.CrashState = restart ? restart.crash : {};
  const counters = new Int32Array(shared.counters);
  const confirmed = () => {
    let sum = 0;
    for (let p = 0; p < cfg.producers; p++) sum += Atomics.load(counters, p);
    return sum;
  };
  try {
    if (rc.victimSetup) {
      const started = await pool.start([rc.victimSetup], rc.signal);
      crash.host = started[0];
    }
    const spec: RoundSpec = { ...broker.baseSpec(round, plan), group, streams };
    let nextDrainCheckUs = 0;
    // What stands in for the killed producer's report: what the broker had confirmed when it died.
    const substitutes: ProducedMessage[] = [];
    // Unanswered XADDs may still have been added: acks can then pass the confirmed total before every
    // confirmed event is delivered, so after such a fault only the group's own state says it is drained.
    const exactTotal = plan.crashTarget !== 'producer' && !restart;
    const drive = await broker.driveRound<RoundSpec, FromWorker, Extract<FromWorker, { type: 'consumed' }>>({
      ...broker.commonDrive(rc, label, crash.host),
      pool,
      spec,
      stopTimeoutMs: cfg.block + 10_000,
      sentWord: 'produced',
      onMessage(m) {
        if (m.type === 'crashing') {
          crash.held = m.held;
          crash.before = Uint8Array.from(m.held, (slot) => Atomics.load(seen, slot));
          if (crash.host) {
            // The victim stalled the moment it sent this: that is when it died, whatever the message's delay.
            crash.killedUs = m.atUs;
            void pool.kill(crash.host);
          }
        } else if (m.type === 'reclaimed') broker.checkRecovery(crash, seen, m.atUs);
        else if (m.type === 'resumed') restart?.resumed(m.atUs);
        else if (m.type === 'producer-crashing' && crash.host) {
          crash.killedUs = m.atUs;
          const host = crash.host;
          void pool.kill(host).then(() => {
            const { producer, firstUs, lastUs } = m;
            // Read once the thread is gone: replies that came before it died were confirmed.
            const count = Atomics.load(counters, producer);
            substitutes.push({ type: 'produced', producer, count, firstUs, lastUs });
          });
        }
      },
      substitutes: () => substitutes,
      ...(restart ? { onTick: (now: number) => restart.tick(now, confirmed()) } : {}),
      async complete(acked, total, now) {
        if (exactTotal && acked >= total) return true;
        // Nothing can be asked of a broker that is down, and it may still hold entries to deliver.
        if (restart?.busy) return false;
        if (now < nextDrainCheckUs) return false;
        // Entries trimmed by MAXLEN are never delivered: stop once nothing is left to deliver.
        if (await admin.drained(group, streams)) return true;
        nextDrainCheckUs = nowUs() + 200_000;
        return false;
      },
    });

    await restart?.settle();
    // Every count below comes from the shared record, so it includes what the killed victim processed.
    const ledger = tally(shared, plan.bases, drive.produced, plan.quota);
    const foreign = broker.foreignCount(drive);
    if (foreign > 0) warnings.push(`${label}: ${foreign} entries were not events of this run and were ignored`);
    if (ledger.lost > 0 && cfg.maxlen !== undefined && !drive.timedOut && !crash.host && !restart) {
      warnings.push(
        `${label}: ${ledger.lost} events were trimmed by maxlen ${cfg.maxlen} before any consumer read them`,
      );
    }
    if (drive.timedOut) {
      warnings.push(
        `${label}: consumers had not acked every event ${cfg['drain-timeout']} ms after producing ended (drain-timeout)`,
      );
    }
    if (restart) warnings.push(...restart.warnings(label));
    else if (plan.crashTarget === 'producer') {
      if (crash.host && crash.killedUs === undefined) {
        warnings.push(`${label}: the crash probe did not fire (the victim producer sent nothing past the crash point)`);
      }
    } else {
      warnings.push(
        ...broker.crashWarning(label, crash, 'entries', "the crashed consumer's entries were not all recovered"),
      );
    }
    // Only now, with producers done and consumers stopped, can nothing recreate the streams. (After a
    // failure the suite deletes them once every thread is gone.)
    await admin.deleteStreams(streams).catch((err: Error) => warnings.push(`cleanup: ${err.message}`));
    const crashed =
      plan.crashTarget === 'producer' ? { crashed: crash.killedUs !== undefined } : broker.crashFigures(crash);
    return { ...broker.roundFigures(drive, ledger, cfg.consumers), ...crashed, warnings };
  } finally {
    // A round that failed mid-restart leaves the server coming back: wait, so cleanup can reach it.
    await restart?.settle().catch(() => {});
    if (crash.host && !crash.host.closing) await pool.kill(crash.host);
  }
}
