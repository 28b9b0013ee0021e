// One round: a fresh exchange and queues, consumers consuming before the first event, producers started
// together, backlog sampled, the crash victim armed and cut off, and the round over when every confirmed
// event has been processed or the drain timeout passes. The shared record then says exactly which events
// were delivered how often.

import type { Admin, RoundTopology } from './admin.ts';
import { nowUs } from './event.ts';
import type { Plan } from './plan.ts';
import type { Host, WorkerPool } from './pool.ts';
import type { FromWorker, RoundSpec, SharedRecord } from './protocol.ts';
import type { AmqpConfig } from './schema.ts';

export interface RoundResult {
  produced: number;
  /** Events/s from the first publish to the last confirm. */
  produceRate: number;
  /** Distinct events delivered. */
  consumed: number;
  /** Events/s end to end: distinct events processed, from the first publish to the last ack. */
  consumeRate?: number;
  /** ms from publish to first delivery, one per delivered event. */
  latencies: Float32Array;
  lost: number;
  duplicates: number;
  /** Deliveries flagged redelivered by the broker. */
  redelivered: number;
  /** Backlog (confirmed - acked) every sample interval. */
  backlog: number[];
  crashed: boolean;
  /** ms from cutting the victim off until every delivery it held was delivered again. */
  recoveryMs?: number;
  warnings: string[];
}

export interface RoundContext {
  pool: WorkerPool;
  admin: Admin;
  plan: Plan;
  cfg: AmqpConfig;
  shared: SharedRecord;
  signal: AbortSignal;
  progress(message: string, fraction: number): void;
}

interface Crash {
  host?: Host;
  armed: boolean;
  killedUs?: number;
  held?: number[];
  /** Delivery counts of the held slots when the victim died: recovery means every one went up. */
  before?: number[];
  recoveredUs?: number;
}

export async function runRound(rc: RoundContext, round: number, label: string): Promise<RoundResult> {
  const { pool, admin, plan, cfg, shared } = rc;
  const seen = new Uint8Array(shared.seen);
  const latency = new Float32Array(shared.latency);
  const counters = new Int32Array(shared.counters);
  seen.fill(0);
  counters.fill(0);
  const warnings: string[] = [];
  const topology: RoundTopology = await admin.createRound(round, {
    count: cfg.queues,
    type: cfg['queue-type'],
    persistent: cfg.persistent,
    ttlMs: cfg.ttl,
  });
  const crash: Crash = {
    armed: false,
    ...(plan.crashAt !== undefined ? { host: pool.hosts.find((h) => h.agents.some((a) => a.victim)) } : {}),
  };
  const spec: RoundSpec = {
    round,
    exchange: topology.exchange,
    queues: topology.queues,
    routingKeys: topology.routingKeys,
    quota: plan.quota,
    bases: plan.bases,
    ...(plan.durationMs !== undefined ? { durationMs: plan.durationMs } : {}),
    ...(plan.ratePerProducer !== undefined ? { ratePerProducer: plan.ratePerProducer } : {}),
    ...(plan.crashAt !== undefined ? { crashAt: plan.crashAt } : {}),
  };
  const produced = new Map<number, Extract<FromWorker, { type: 'produced' }>>();
  const consumed = new Map<number, Extract<FromWorker, { type: 'consumed' }>>();
  const prepared = new Set<Host>();
  const checkRecovery = (atUs: number) => {
    const { held, before } = crash;
    if (!held || !before || crash.recoveredUs !== undefined) return;
    if (held.every((slot, i) => Atomics.load(seen, slot) > (before[i] as number))) crash.recoveredUs = atUs;
  };
  pool.listen((m, host) => {
    if (m.type === 'prepared' && m.round === round) prepared.add(host);
    else if (m.type === 'produced') produced.set(m.producer, m);
    else if (m.type === 'consumed') consumed.set(m.consumer, m);
    else if (m.type === 'crashing') {
      crash.held = m.held;
      crash.before = m.before;
      crash.killedUs = m.atUs;
      // A survivor's report may have overtaken this message (threads post independently).
      checkRecovery(nowUs());
    } else if (m.type === 'redelivered') checkRecovery(m.atUs);
  });
  const waitFor = async (what: string, done: () => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (pool.failure) throw pool.failure;
      if (rc.signal.aborted) throw rc.signal.reason ?? new Error('aborted');
      if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
      await pool.activity(20);
    }
  };

  pool.broadcast({ type: 'round', spec });
  await waitFor('worker threads were not ready for the round', () => prepared.size === pool.hosts.length, 30_000);
  pool.broadcast({ type: 'go' });

  const P = cfg.producers;
  const C = cfg.consumers;
  const sum = (from: number, to: number) => {
    let s = 0;
    for (let i = from; i < to; i++) s += Atomics.load(counters, i);
    return s;
  };
  // Acks a victim counted but whose socket died before sending them make the ack count alone an
  // overestimate, so completion is also read from the record itself (it stops at the first gap).
  const allSeen = () => {
    for (const p of produced.values()) {
      const base = plan.bases[p.producer] as number;
      for (let slot = base; slot < base + p.count; slot++) if (Atomics.load(seen, slot) === 0) return false;
    }
    return true;
  };
  const backlog: number[] = [];
  const startUs = nowUs();
  let nextSampleUs = startUs;
  let nextProgressUs = startUs;
  let producersDoneUs: number | undefined;
  let timedOut = false;
  for (;;) {
    if (pool.failure) throw pool.failure;
    if (rc.signal.aborted) throw rc.signal.reason ?? new Error('aborted');
    const now = nowUs();
    const sent = sum(0, P);
    const acked = sum(P, P + C);
    if (now >= nextSampleUs) {
      // A confirm can arrive after a consumer already acked the message: never report a negative backlog.
      backlog.push(Math.max(0, sent - acked));
      nextSampleUs += cfg['sample-interval'] * 1000;
    }
    if (now >= nextProgressUs) {
      const goal = plan.durationMs === undefined ? plan.events : Math.max(sent, 1);
      rc.progress(`${label}: ${sent} confirmed, ${acked} acked`, Math.min(1, (C > 0 ? acked : sent) / goal));
      nextProgressUs = now + 250_000;
    }
    checkRecovery(now);
    // In duration mode the crash position is a time; otherwise the victim finds it in the queue itself.
    if (plan.crashAt !== undefined && plan.durationMs !== undefined && !crash.armed && crash.host) {
      if (now - startUs >= plan.crashAt * plan.durationMs * 1000) {
        crash.armed = true;
        pool.send(crash.host, { type: 'crash' });
      }
    }
    if (produced.size === P) {
      const failed = [...produced.values()].find((p) => p.error !== undefined);
      if (failed) throw new Error(`producer ${failed.producer}: ${failed.error}`);
      producersDoneUs ??= now;
      const total = [...produced.values()].reduce((s, p) => s + p.count, 0);
      if (C === 0 || (acked >= total && allSeen())) break;
      if (now - producersDoneUs > cfg['drain-timeout'] * 1000) {
        timedOut = true;
        break;
      }
    }
    await pool.activity(Math.min(20, cfg['sample-interval']));
  }
  backlog.push(Math.max(0, sum(0, P) - sum(P, P + C)));
  checkRecovery(nowUs());

  pool.broadcast({ type: 'stop' });
  const live = pool.hosts.flatMap((h) => h.agents).filter((a) => a.kind === 'consumer');
  await waitFor('consumers did not stop', () => live.every((a) => consumed.has(a.index)), 10_000);
  const consumerError = [...consumed.values()].find((c) => c.error !== undefined);
  if (consumerError) throw new Error(`consumer ${consumerError.consumer}: ${consumerError.error}`);

  // Every count below comes from the shared record, so it includes what the victim processed.
  const reports = [...produced.values()];
  const total = reports.reduce((s, p) => s + p.count, 0);
  const firstUs = Math.min(...reports.map((p) => p.firstUs));
  const lastUs = Math.max(...reports.map((p) => p.lastUs));
  let delivered = 0;
  let lost = 0;
  let duplicates = 0;
  const lat = new Float32Array(total);
  for (const p of reports) {
    const base = plan.bases[p.producer] as number;
    for (let slot = base; slot < base + p.count; slot++) {
      const n = seen[slot] as number;
      if (n === 0) lost++;
      else {
        lat[delivered++] = latency[slot] as number;
        duplicates += n - 1;
      }
    }
  }
  const foreign = [...consumed.values()].reduce((s, c) => s + c.foreign, 0);
  if (foreign > 0) warnings.push(`${label}: ${foreign} messages were not events of this run and were ignored`);
  if (timedOut) {
    warnings.push(
      `${label}: consumers had not processed every event ${cfg['drain-timeout']} ms after publishing ended (drain-timeout)`,
    );
  }
  if (crash.host && crash.killedUs === undefined) {
    warnings.push(`${label}: the crash probe did not fire (the victim received no deliveries past the crash point)`);
  } else if (crash.killedUs !== undefined && crash.recoveredUs === undefined) {
    warnings.push(`${label}: the deliveries the crashed consumer held were not all delivered again`);
  }
  // Only now, with producers done and consumers stopped, is nothing left to use the round's queues.
  await admin.deleteRound(topology).catch((err: Error) => warnings.push(`cleanup: ${err.message}`));
  const lastAckUs = Math.max(0, ...[...consumed.values()].map((c) => c.lastAckUs));
  const seconds = (us: number) => Math.max(us, 1) / 1e6;
  return {
    produced: total,
    produceRate: total / seconds(lastUs - firstUs),
    consumed: delivered,
    ...(C > 0 && lastAckUs > 0 ? { consumeRate: delivered / seconds(lastAckUs - firstUs) } : {}),
    latencies: lat.subarray(0, delivered),
    lost,
    duplicates,
    redelivered: [...consumed.values()].reduce((s, c) => s + c.redelivered, 0),
    backlog,
    crashed: crash.killedUs !== undefined,
    ...(crash.killedUs !== undefined && crash.recoveredUs !== undefined
      ? { recoveryMs: Math.max(0, crash.recoveredUs - crash.killedUs) / 1000 }
      : {}),
    warnings,
  };
}
