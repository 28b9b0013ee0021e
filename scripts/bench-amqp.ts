// npm run bench:amqp - perf-action's amqp suite against a RabbitMQ of its own (AMQP_URL selects another), with
// a plain amqplib publisher side by side in the same run (so both see the same machine and the same noise).
//
//   publish:     256-byte messages with publisher confirms: a bare amqplib loop (confirms awaited every
//                2,000 messages) vs perf-action's producer, alternated so slow drift hits both; ratio of medians
//   end to end:  50,000 events of 256 B, 2 producers -> 2 queues -> 2 consumers (prefetch 500, multiple acks)
//   latency:     delivery latency at a fixed 2,000 events/s (open model)
//   crash probe: 20 rounds, a consumer's connection cut while it holds unacked deliveries; lost must be 0
//
// BENCH_AMQP_QUICK=1 runs fewer repetitions. Exits 1 if the crash probe ever loses an event.

import { connect } from 'amqplib';
import { startRabbit } from '../__tests__/helpers/rabbitmq.ts';
import { runKindDirect, samplesOf } from '../__tests__/helpers/suite-run.ts';
import type { Metric } from '../src/model/results.ts';
import { median } from '../src/stats/quantile.ts';
import { amqpKind } from '../suites/amqp/index.ts';

const quick = process.env.BENCH_AMQP_QUICK === '1';
const PAYLOAD = 256;

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits });

async function runSuite(url: string, overrides: Record<string, unknown>): Promise<Map<string, Metric>> {
  const warn = (m: string) => process.stderr.write(`  warning: ${m}\n`);
  return (await runKindDirect(amqpKind, 'bus', { url, prefix: 'bench', ...overrides }, { warn })).metrics;
}

/** The plainest confirmed publisher amqplib allows: one channel, confirms awaited every 2,000 messages. */
async function rawPublish(url: string, n: number): Promise<number> {
  const conn = await connect(url, { noDelay: true });
  try {
    const ch = await conn.createConfirmChannel();
    const queue = `bench.raw.${process.pid}.${Date.now()}`;
    await ch.assertQueue(queue, { durable: false });
    const body = Buffer.alloc(PAYLOAD, 'x');
    // Warm-up, as the suite has.
    for (let i = 0; i < 2000; i++) ch.sendToQueue(queue, body);
    await ch.waitForConfirms();
    await ch.purgeQueue(queue);
    const start = performance.now();
    for (let i = 1; i <= n; i++) {
      ch.sendToQueue(queue, body);
      if (i % 2000 === 0) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
    const rate = n / ((performance.now() - start) / 1000);
    await ch.deleteQueue(queue);
    return rate;
  } finally {
    await conn.close();
  }
}

const rabbit = await startRabbit(180_000);
{
  const conn = await connect(rabbit.url);
  const props = conn.connection.serverProperties as unknown as Record<string, unknown>;
  process.stdout.write(
    `bench:amqp on ${String(props.product)} ${String(props.version)} (${rabbit.owned ? 'private broker' : 'AMQP_URL'})\n\n`,
  );
  await conn.close();
}
let lostAny = false;
try {
  // 1. Publish: alternate the two so drift on a shared machine hits both.
  const reps = quick ? 3 : 5;
  const n = 50_000;
  const raw: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < reps; i++) {
    raw.push(await rawPublish(rabbit.url, n));
    const m = await runSuite(rabbit.url, { events: n, producers: 1, consumers: 0, rounds: 1, warmup: 1 });
    ours.push(...samplesOf(m, 'produce/throughput'));
  }
  process.stdout.write('publish with confirms, 256 B, 1 producer (events/s, median of alternated runs)\n');
  process.stdout.write(`  plain amqplib loop:     ${fmt(median(raw))}   [${raw.map((v) => fmt(v)).join(', ')}]\n`);
  process.stdout.write(`  perf-action producer:   ${fmt(median(ours))}   [${ours.map((v) => fmt(v)).join(', ')}]\n`);
  process.stdout.write(`  ratio perf-action/amqplib: ${fmt(median(ours) / median(raw), 2)}\n\n`);

  // 2. End to end.
  const e2e = await runSuite(rabbit.url, {
    events: 50_000,
    producers: 2,
    consumers: 2,
    queues: 2,
    rounds: quick ? 2 : 3,
    warmup: 1,
  });
  const lat = e2e.get('delivery/latency');
  process.stdout.write('end to end, 50,000 events of 256 B, 2 producers -> 2 queues -> 2 consumers\n');
  process.stdout.write(`  produce/throughput  median ${fmt(median(samplesOf(e2e, 'produce/throughput')))} events/s\n`);
  process.stdout.write(
    `  consume/throughput  median ${fmt(median(samplesOf(e2e, 'consume/throughput')))} events/s (target 100,000)\n`,
  );
  process.stdout.write(
    `  delivery/latency    p50 ${fmt(lat?.stats.p50 ?? Number.NaN, 1)} ms, p95 ${fmt(lat?.stats.p95 ?? Number.NaN, 1)} ms (closed model: includes queueing)\n`,
  );
  process.stdout.write(
    `  lost ${samplesOf(e2e, 'lost').join(', ')}; duplicates ${samplesOf(e2e, 'duplicates').join(', ')}\n\n`,
  );

  // 3. Latency at a fixed rate.
  const open = await runSuite(rabbit.url, {
    rate: '2000/s',
    duration: quick ? '2s' : '3s',
    batch: 50,
    rounds: quick ? 2 : 3,
  });
  const ol = open.get('delivery/latency');
  process.stdout.write('delivery latency at 2,000 events/s (open model, 2 consumers)\n');
  process.stdout.write(
    `  p50 ${fmt(ol?.stats.p50 ?? Number.NaN, 1)} ms, p95 ${fmt(ol?.stats.p95 ?? Number.NaN, 1)} ms, p99 ${fmt(ol?.stats.p99 ?? Number.NaN, 1)} ms (target p95 < 100 ms)\n\n`,
  );

  // 4. Crash probe.
  const rounds = quick ? 5 : 20;
  const crash = await runSuite(rabbit.url, {
    events: 10_000,
    consumers: 3,
    prefetch: 200,
    crash: true,
    rounds,
    warmup: 0,
  });
  const lost = samplesOf(crash, 'lost');
  const dups = samplesOf(crash, 'duplicates');
  const redelivered = samplesOf(crash, 'redelivered');
  const recovery = samplesOf(crash, 'recovery');
  lostAny = lost.some((v) => v > 0);
  process.stdout.write(
    `crash probe, ${rounds} rounds of 10,000 events, 3 consumers, prefetch 200, one cut off per round\n`,
  );
  process.stdout.write(`  lost:        ${lost.join(' ')}  (total ${lost.reduce((a, b) => a + b, 0)})\n`);
  process.stdout.write(`  duplicates:  ${dups.join(' ')}  (total ${dups.reduce((a, b) => a + b, 0)})\n`);
  process.stdout.write(`  redelivered: ${redelivered.join(' ')}\n`);
  process.stdout.write(
    `  recovery:    ${recovery.length}/${rounds} rounds, median ${fmt(median(recovery), 1)} ms, max ${fmt(Math.max(...recovery), 1)} ms\n`,
  );
  process.stdout.write(`  ${lostAny ? 'FAIL: events were lost' : 'ok: 0 lost in every round'}\n`);
} finally {
  await rabbit.stop();
}
process.exitCode = lostAny ? 1 : 0;
