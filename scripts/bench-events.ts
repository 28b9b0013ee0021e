// npm run bench:events - perf-action's redis-streams suite side by side with redis-benchmark, against one
// redis-server this script starts, in one run (so both see the same machine and the same noise).
//
//   produce:     XADD of 256-byte events, perf-action's producer vs `redis-benchmark -P 16 -n 200000 XADD`,
//                alternated so slow drift hits both; ratio of medians
//   end to end:  100,000 events of 256 B through a consumer group (1 producer, 2 consumers), target 100k/s
//   latency:     delivery latency at a fixed 50k events/s (open model)
//   crash probe: 20 rounds, a consumer killed holding unacked entries; lost must be 0
//
// BENCH_EVENTS_QUICK=1 runs fewer repetitions.

import { spawnSync } from 'node:child_process';
import { startRedis } from '../__tests__/helpers/redis-server.ts';
import { runKindDirect, samplesOf } from '../__tests__/helpers/suite-run.ts';
import type { Metric } from '../src/model/results.ts';
import { median } from '../src/stats/quantile.ts';
import { redisStreamsKind } from '../suites/redis-streams/index.ts';

const quick = process.env.BENCH_EVENTS_QUICK === '1';
const PAYLOAD = 256;

const fmt = (v: number, digits = 0) => v.toLocaleString('en-US', { maximumFractionDigits: digits });

async function runSuite(url: string, overrides: Record<string, unknown>): Promise<Map<string, Metric>> {
  const warn = (m: string) => process.stderr.write(`  warning: ${m}\n`);
  return (await runKindDirect(redisStreamsKind, 'events', { url, ...overrides }, { warn })).metrics;
}

function redisBenchmark(port: number): number {
  const payload = 'x'.repeat(PAYLOAD);
  const r = spawnSync(
    'redis-benchmark',
    ['-p', String(port), '-P', '16', '-n', '200000', '--csv', 'XADD', 'bench:redis-benchmark', '*', 'event', payload],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const row = r.stdout.trim().split('\n').at(-1) ?? '';
  const rps = Number(row.split(',')[1]?.replace(/"/g, ''));
  if (r.status !== 0 || !Number.isFinite(rps)) throw new Error(`redis-benchmark failed: ${r.stderr || r.stdout}`);
  spawnSync('redis-cli', ['-p', String(port), 'DEL', 'bench:redis-benchmark']);
  return rps;
}

const redis = await startRedis({ own: true });
const version = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
process.stdout.write(`bench:events on ${redis.url} (${version})\n\n`);
try {
  // 1. Produce: alternate the two tools so drift on a shared machine hits both.
  const reps = quick ? 3 : 5;
  const benchRps: number[] = [];
  const ours1: number[] = [];
  const ours2: number[] = [];
  for (let i = 0; i < reps; i++) {
    benchRps.push(redisBenchmark(redis.port));
    const one = await runSuite(redis.url, { events: 200_000, producers: 1, consumers: 0, rounds: 1, warmup: 1 });
    ours1.push(...samplesOf(one, 'produce/throughput'));
    const two = await runSuite(redis.url, { events: 200_000, producers: 2, consumers: 0, rounds: 1, warmup: 1 });
    ours2.push(...samplesOf(two, 'produce/throughput'));
  }
  const rb = median(benchRps);
  process.stdout.write('produce: XADD of 256 B events, events/s (median of alternating runs)\n');
  process.stdout.write(`  redis-benchmark -P 16 -n 200000 (50 clients)  ${fmt(rb).padStart(9)}   1.00x\n`);
  process.stdout.write(
    `  perf-action, 1 producer, batch 500           ${fmt(median(ours1)).padStart(9)}   ${(median(ours1) / rb).toFixed(2)}x\n`,
  );
  process.stdout.write(
    `  perf-action, 2 producers, batch 500          ${fmt(median(ours2)).padStart(9)}   ${(median(ours2) / rb).toFixed(2)}x\n\n`,
  );

  // 2. End to end, the configuration of DESIGN.md's example.
  const e2e = await runSuite(redis.url, {
    events: 100_000,
    producers: 1,
    consumers: 2,
    batch: 500,
    rounds: quick ? 3 : 5,
  });
  const produce = samplesOf(e2e, 'produce/throughput');
  const consume = samplesOf(e2e, 'consume/throughput');
  const lat = e2e.get('delivery/latency')?.stats;
  process.stdout.write('end to end: 100,000 events x 256 B, 1 producer -> group of 2 consumers (per round)\n');
  process.stdout.write(`  produce throughput   ${produce.map((v) => fmt(v)).join('  ')} events/s\n`);
  process.stdout.write(
    `  consume throughput   ${consume.map((v) => fmt(v)).join('  ')} events/s  (median ${fmt(median(consume))}, ${(median(consume) / 100_000).toFixed(2)}x the 100k/s target, ${(median(consume) / 70_000).toFixed(2)}x the lowered 70k/s)\n`,
  );
  process.stdout.write(
    `  delivery latency     p50 ${fmt(lat?.p50 ?? Number.NaN, 1)} ms  p95 ${fmt(lat?.p95 ?? Number.NaN, 1)} ms (backlog-bound: everything is produced at once)\n`,
  );
  process.stdout.write(
    `  lost ${samplesOf(e2e, 'lost').join(' ')}  duplicates ${samplesOf(e2e, 'duplicates').join(' ')}\n\n`,
  );

  // 3. Latency at a given load: the open model.
  const open = await runSuite(redis.url, { rate: '50k/s', duration: quick ? '2s' : '5s', consumers: 2, rounds: 3 });
  const ol = open.get('delivery/latency')?.stats;
  process.stdout.write('open model: 50,000 events/s for 5 s, 2 consumers\n');
  process.stdout.write(
    `  consume throughput ${fmt(median(samplesOf(open, 'consume/throughput')))} events/s; delivery latency p50 ${fmt(ol?.p50 ?? Number.NaN, 2)} ms  p95 ${fmt(ol?.p95 ?? Number.NaN, 2)} ms  p99 ${fmt(ol?.p99 ?? Number.NaN, 2)} ms  (criterion: p95 < 100 ms)\n\n`,
  );

  // 4. Crash probe.
  const crashRounds = quick ? 5 : 20;
  const crash = await runSuite(redis.url, {
    events: 20_000,
    consumers: 3,
    crash: true,
    'min-idle': '200ms',
    rounds: crashRounds,
    warmup: 0,
  });
  const lost = samplesOf(crash, 'lost');
  const dups = samplesOf(crash, 'duplicates');
  const rec = crash.get('recovery');
  process.stdout.write(
    `crash probe: ${crashRounds} rounds of 20,000 events, 3 consumers, one killed holding a batch\n`,
  );
  process.stdout.write(
    `  lost: total ${lost.reduce((a, b) => a + b, 0)} (max per round ${Math.max(...lost)}); duplicates per round: median ${median(dups)}, max ${Math.max(...dups)}\n`,
  );
  process.stdout.write(
    `  recovery (kill -> all held entries redelivered, min-idle 200 ms): ${rec?.samples?.length ?? 0} rounds, median ${fmt(rec?.stats.median ?? Number.NaN)} ms, max ${fmt(rec?.stats.max ?? Number.NaN)} ms\n`,
  );
} finally {
  await redis.stop();
}
