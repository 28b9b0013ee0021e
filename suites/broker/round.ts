// The broker-independent course of one round: every thread prepared, producers started together, backlog
// sampled from the shared counters, the crash probe armed by time in duration mode, the round over when
// the suite says it is complete or the drain timeout passes, and consumers stopped. What the round needs
// from its broker (topology, completion, crash and recovery messages) comes from the suite.

import { nowUs } from './event.ts';
import type { BasePlan } from './plan.ts';
import type { Host, WorkerPool } from './pool.ts';
import type {
  AgentSpec,
  BaseRoundSpec,
  BaseToWorker,
  ConsumedMessage,
  ProducedMessage,
  SharedRecord,
} from './protocol.ts';
import type { Ledger } from './record.ts';

/** Clear the shared record before a round: every slot undelivered, every counter zero. */
export function resetRecord(shared: SharedRecord): void {
  new Uint8Array(shared.seen).fill(0);
  new Int32Array(shared.counters).fill(0);
  if (shared.confirmed) new Uint8Array(shared.confirmed).fill(0);
}

type Message = { type: string };

/** What a suite's round runs with: its pool, broker admin, plan and config, and the run's record and signal. */
export interface RoundContextOf<Pool, Admin, Plan, Cfg> {
  pool: Pool;
  admin: Admin;
  plan: Plan;
  cfg: Cfg;
  shared: SharedRecord;
  signal: AbortSignal;
  progress(message: string, fraction: number): void;
}

/** The broker-independent part of round `round`'s spec. */
export function baseSpec(round: number, plan: BasePlan): BaseRoundSpec {
  return {
    round,
    quota: plan.quota,
    bases: plan.bases,
    ...(plan.durationMs !== undefined ? { durationMs: plan.durationMs } : {}),
    ...(plan.ratePerProducer !== undefined ? { ratePerProducer: plan.ratePerProducer } : {}),
    ...(plan.crashAt !== undefined ? { crashAt: plan.crashAt } : {}),
  };
}

/** The config keys of every broker suite that shape a round. */
export interface RoundConfig {
  producers: number;
  consumers: number;
  'sample-interval': number;
  'drain-timeout': number;
}

/** The options of driveRound that come straight from the context, the plan and the config. */
export function commonDrive(
  rc: RoundContextOf<unknown, unknown, BasePlan, RoundConfig>,
  label: string,
  crashHost: Host | undefined,
) {
  const { plan, cfg } = rc;
  return {
    shared: rc.shared,
    producers: cfg.producers,
    consumers: cfg.consumers,
    events: plan.events,
    ...(plan.durationMs !== undefined ? { durationMs: plan.durationMs } : {}),
    ...(plan.crashAt !== undefined ? { crashAt: plan.crashAt } : {}),
    ...(crashHost ? { crashHost } : {}),
    sampleIntervalMs: cfg['sample-interval'],
    drainTimeoutMs: cfg['drain-timeout'],
    label,
    signal: rc.signal,
    progress: rc.progress,
  };
}

/** What the suite learns of a crash: the victim, when it died, what it held, and when that was redelivered. */
export interface CrashState {
  host?: Host | undefined;
  killedUs?: number;
  held?: number[];
  /** Delivery counts of the held slots when the victim died: recovery means every one went up. */
  before?: ArrayLike<number>;
  recoveredUs?: number;
}

/** Marks the crash recovered at `atUs` once every slot the victim held has been delivered again. */
export function checkRecovery(crash: CrashState, seen: Uint8Array, atUs: number): void {
  const { held, before } = crash;
  if (!held || !before || crash.recoveredUs !== undefined) return;
  if (held.every((slot, i) => Atomics.load(seen, slot) > (before[i] as number))) crash.recoveredUs = atUs;
}

/**
 * The warning a round with a crash probe may end with: the probe never fired (the victim got no `what`
 * past the crash point), or what the victim held was not all delivered again (`notRecovered`).
 */
export function crashWarning(label: string, crash: CrashState, what: string, notRecovered: string): string[] {
  if (crash.host && crash.killedUs === undefined) {
    return [`${label}: the crash probe did not fire (the victim received no ${what} past the crash point)`];
  }
  if (crash.killedUs !== undefined && crash.recoveredUs === undefined) return [`${label}: ${notRecovered}`];
  return [];
}

/** What every broker suite's round returns. */
export interface BrokerRoundResult extends RoundFigures {
  crashed: boolean;
  /** ms from the crash until every event the victim held was delivered again. */
  recoveryMs?: number;
  warnings: string[];
}

/** The crash figures of a round's result. */
export function crashFigures(crash: CrashState): { crashed: boolean; recoveryMs?: number } {
  return {
    crashed: crash.killedUs !== undefined,
    ...(crash.killedUs !== undefined && crash.recoveredUs !== undefined
      ? { recoveryMs: Math.max(0, crash.recoveredUs - crash.killedUs) / 1000 }
      : {}),
  };
}

export interface DriveOptions<Spec extends BaseRoundSpec, From extends Message> {
  pool: WorkerPool<{ agents: AgentSpec[] }, From, BaseToWorker<Spec>>;
  spec: Spec;
  shared: SharedRecord;
  producers: number;
  consumers: number;
  /** Events per round (the progress goal when the round is not bounded by time). */
  events: number;
  durationMs?: number;
  crashAt?: number;
  /** The victim's thread: in duration mode the round sends it 'crash' when the crash time comes. */
  crashHost?: Host;
  sampleIntervalMs: number;
  drainTimeoutMs: number;
  /** How long consumers may take to report after 'stop'. */
  stopTimeoutMs: number;
  label: string;
  /** What progress calls the producers' accepted events ("produced", "confirmed"). */
  sentWord: string;
  signal: AbortSignal;
  progress(message: string, fraction: number): void;
  /** Every message that is not the round's own (prepared, produced, consumed). */
  onMessage(m: From, host: Host): void;
  /**
   * Reports standing in for producers that will never send one (the crash probe killed them): the round
   * goes on without waiting for their quota.
   */
  substitutes?(): ProducedMessage[];
  /** Called on every pass of the round's loop, and once after it. */
  onTick?(now: number): void;
  /**
   * With consumers and every producer done (`reports`): whether nothing more is to come (`acked` of the
   * `total` events accepted are acked).
   */
  complete(acked: number, total: number, now: number, reports: ProducedMessage[]): boolean | Promise<boolean>;
}

export interface Drive<Consumed extends ConsumedMessage> {
  produced: ProducedMessage[];
  consumed: Consumed[];
  /** Backlog (accepted - acked) every sample interval, and once at the end. */
  backlog: number[];
  timedOut: boolean;
}

/** Waits until `done()`, failing on a thread's failure, an abort, or after `timeoutMs`. */
export async function waitFor(
  pool: { failure: Error | undefined; activity(ms: number): Promise<void> },
  signal: AbortSignal,
  what: string,
  done: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (pool.failure) throw pool.failure;
    if (signal.aborted) throw signal.reason ?? new Error('aborted');
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await pool.activity(20);
  }
}

export async function driveRound<Spec extends BaseRoundSpec, From extends Message, Consumed extends ConsumedMessage>(
  o: DriveOptions<Spec, From>,
): Promise<Drive<Consumed>> {
  const { pool, signal } = o;
  const counters = new Int32Array(o.shared.counters);
  const round = o.spec.round;
  const produced = new Map<number, ProducedMessage>();
  const consumed = new Map<number, Consumed>();
  const prepared = new Set<Host>();
  pool.listen((m, host) => {
    const own = m as unknown as { type: string; round?: number };
    if (own.type === 'prepared' && own.round === round) prepared.add(host);
    else if (own.type === 'produced') produced.set((own as ProducedMessage).producer, own as ProducedMessage);
    else if (own.type === 'consumed') consumed.set((own as Consumed).consumer, own as Consumed);
    else o.onMessage(m, host);
  });

  pool.broadcast({ type: 'round', spec: o.spec });
  await waitFor(
    pool,
    signal,
    'worker threads were not ready for the round',
    () => prepared.size === pool.hosts.length,
    30_000,
  );
  pool.broadcast({ type: 'go' });

  const P = o.producers;
  const C = o.consumers;
  const sum = (from: number, to: number) => {
    let s = 0;
    for (let i = from; i < to; i++) s += Atomics.load(counters, i);
    return s;
  };
  const backlog: number[] = [];
  const startUs = nowUs();
  let nextSampleUs = startUs;
  let nextProgressUs = startUs;
  let producersDoneUs: number | undefined;
  let armed = false;
  let timedOut = false;
  for (;;) {
    if (pool.failure) throw pool.failure;
    if (signal.aborted) throw signal.reason ?? new Error('aborted');
    const now = nowUs();
    const sent = sum(0, P);
    const acked = sum(P, P + C);
    if (now >= nextSampleUs) {
      // The broker's reply to a send can arrive after a consumer already acked the event: never report a
      // negative backlog.
      backlog.push(Math.max(0, sent - acked));
      nextSampleUs += o.sampleIntervalMs * 1000;
    }
    if (now >= nextProgressUs) {
      const goal = o.durationMs === undefined ? o.events : Math.max(sent, 1);
      o.progress(`${o.label}: ${sent} ${o.sentWord}, ${acked} acked`, Math.min(1, (C > 0 ? acked : sent) / goal));
      nextProgressUs = now + 250_000;
    }
    o.onTick?.(now);
    // In duration mode the crash position is a time; otherwise the victim finds it in what it receives.
    if (o.crashAt !== undefined && o.durationMs !== undefined && !armed && o.crashHost) {
      if (now - startUs >= o.crashAt * o.durationMs * 1000) {
        armed = true;
        pool.send(o.crashHost, { type: 'crash' });
      }
    }
    for (const r of o.substitutes?.() ?? []) if (!produced.has(r.producer)) produced.set(r.producer, r);
    if (produced.size === P) {
      const reports = [...produced.values()];
      const failed = reports.find((p) => p.error !== undefined);
      if (failed) throw new Error(`producer ${failed.producer}: ${failed.error}`);
      producersDoneUs ??= now;
      const total = reports.reduce((s, p) => s + p.count, 0);
      if (C === 0 || (await o.complete(acked, total, now, reports))) break;
      if (now - producersDoneUs > o.drainTimeoutMs * 1000) {
        timedOut = true;
        break;
      }
    }
    await pool.activity(Math.min(20, o.sampleIntervalMs));
  }
  backlog.push(Math.max(0, sum(0, P) - sum(P, P + C)));
  o.onTick?.(nowUs());

  pool.broadcast({ type: 'stop' });
  // A thread being killed (the crash victim) may still be listed until it is gone: it reports nothing.
  const live = pool.hosts
    .filter((h) => !h.closing)
    .flatMap((h) => h.agents)
    .filter((a) => a.kind === 'consumer');
  await waitFor(
    pool,
    signal,
    'consumers did not stop',
    () => live.every((a) => consumed.has(a.index)),
    o.stopTimeoutMs,
  );
  const consumerError = [...consumed.values()].find((c) => c.error !== undefined);
  if (consumerError) throw new Error(`consumer ${consumerError.consumer}: ${consumerError.error}`);
  return { produced: [...produced.values()], consumed: [...consumed.values()], backlog, timedOut };
}

export interface RoundFigures {
  produced: number;
  /** Events/s from the first send to the last reply the broker gave a producer. */
  produceRate: number;
  /** Distinct events delivered. */
  consumed: number;
  /** Events/s end to end: distinct events acked, from the first send to the last ack. */
  consumeRate?: number;
  /** ms from send to first delivery, one per delivered event. */
  latencies: Float32Array;
  lost: number;
  duplicates: number;
  /** Events sent without an acknowledgement when a fault struck (with a confirmation record only). */
  unconfirmed?: number;
  /** Backlog (accepted - acked) every sample interval. */
  backlog: number[];
}

/** The figures of a round every broker suite reports, from its ledger and its agents' reports. */
export function roundFigures(drive: Drive<ConsumedMessage>, ledger: Ledger, consumers: number): RoundFigures {
  const firstUs = Math.min(...drive.produced.map((p) => p.firstUs));
  const lastUs = Math.max(...drive.produced.map((p) => p.lastUs));
  const lastAckUs = Math.max(0, ...drive.consumed.map((c) => c.lastAckUs));
  const seconds = (us: number) => Math.max(us, 1) / 1e6;
  return {
    produced: ledger.produced,
    produceRate: ledger.produced / seconds(lastUs - firstUs),
    consumed: ledger.delivered,
    ...(consumers > 0 && lastAckUs > 0 ? { consumeRate: ledger.delivered / seconds(lastAckUs - firstUs) } : {}),
    latencies: ledger.latencies,
    lost: ledger.lost,
    duplicates: ledger.duplicates,
    ...(ledger.unconfirmed !== undefined ? { unconfirmed: ledger.unconfirmed } : {}),
    backlog: drive.backlog,
  };
}

/** Deliveries that were no event of this run, summed over the consumers. */
export function foreignCount(drive: Drive<ConsumedMessage>): number {
  return drive.consumed.reduce((s, c) => s + c.foreign, 0);
}

export type RunOne<R> = (
  round: number,
  label: string,
  progress: (message: string, fraction: number) => void,
) => Promise<R>;

/**
 * A broker suite's run: `start` sets up (threads, connections) and returns how to run one round; warm-up
 * rounds, then measured ones, each one's warnings told to the suite; `close` always runs after; and the
 * metrics of every round measured are yielded even when a later round failed (then the failure is thrown).
 */
export async function* measureRounds<R extends { warnings: string[] }, M>(o: {
  ctx: { warn(message: string): void; progress(message: string, fraction?: number): void };
  counts: { warmup: number; rounds: number };
  start(): Promise<RunOne<R>>;
  close(): Promise<void>;
  metrics(rounds: R[]): M[];
}): AsyncGenerator<M> {
  const { ctx, counts } = o;
  const rounds: R[] = [];
  let failure: unknown;
  try {
    const run = await o.start();
    const total = counts.warmup + counts.rounds;
    for (let r = 0; r < total; r++) {
      const measured = r >= counts.warmup;
      const label = measured ? `round ${r - counts.warmup + 1}/${counts.rounds}` : `warm-up ${r + 1}/${counts.warmup}`;
      const result = await run(r, label, (message, fraction) => ctx.progress(message, (r + fraction) / total));
      for (const w of result.warnings) ctx.warn(w);
      if (measured) rounds.push(result);
    }
  } catch (err) {
    failure = err;
  } finally {
    await o.close();
  }
  // Rounds measured before a failure are kept.
  yield* o.metrics(rounds);
  if (failure) throw failure;
}
