// The run of an http suite: its load threads started (together, or at a leg's agreed instant), progress
// reported, the measured period marked for the services' monitor, and the threads' records turned into
// metrics and warnings. Loaded by index.ts only when a suite runs: undici and the worker code stay out of
// config loading.

import type { Metric } from '../../src/model/results.ts';
import { type SuiteContext, SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { compileRequests, RequestConfigError } from './compile.ts';
import { judgeGenerator } from './health.ts';
import { aggregate } from './metrics.ts';
import { makePlan } from './plan.ts';
import type { WorkerSetup } from './protocol.ts';
import type { HttpConfig } from './schema.ts';
import type { HttpShardData } from './shards.ts';
import { TemplateError } from './template.ts';
import { runThreads, type ThreadFailure } from './threads.ts';

function describeFailures(failures: Map<string, Record<string, number>>): string[] {
  return [...failures.entries()].map(([name, reasons]) => {
    const sorted = Object.entries(reasons).sort((a, b) => b[1] - a[1]);
    const total = sorted.reduce((s, [, n]) => s + n, 0);
    const shown = sorted.slice(0, 5).map(([r, n]) => `${r}: ${n}`);
    if (sorted.length > 5) shown.push(`${sorted.length - 5} more reasons`);
    return `${name}: ${total} failed (${shown.join(', ')})`;
  });
}

/** Why the suite fails when threads died mid-run; the metrics yielded before it are the survivors'. */
export function describeThreadDeaths(failures: ThreadFailure[], workers: number): string {
  const why = (e: Error) => (e.name && e.name !== 'Error' ? `${e.name}: ${e.message}` : e.message);
  const shown = failures.slice(0, 3).map((f) => `thread ${f.thread + 1}: ${why(f.error)}`);
  if (failures.length > 3) shown.push(`${failures.length - 3} more`);
  const left = workers - failures.length;
  const survivors = left === 1 ? 'the surviving thread' : `the ${left} surviving threads`;
  return (
    `${failures.length} of ${workers} load threads died mid-run (${shown.join('; ')}); ` +
    `the metrics cover only ${survivors}, stopped when the first thread died`
  );
}

/** When a leg's threads start: the agreed instant, checked to be ahead (a late leg would miss the load). */
function legStart(
  shard: { startAt?: number } | undefined,
  warmupMs: number,
  warn: (message: string) => void,
): number | undefined {
  if (!shard) return undefined;
  if (shard.startAt === undefined) {
    warn("no --start-at for a split load: each leg starts when it is ready, so the legs' time windows do not line up");
    return undefined;
  }
  const ahead = shard.startAt - Date.now();
  if (ahead + warmupMs < 0) {
    throw new SuiteSetupError(
      `--start-at was ${Math.round(-ahead / 1000)} s ago, past the warm-up: this leg would miss its load. ` +
        'Give every leg a start a few minutes after the workflow starts',
    );
  }
  if (ahead > MAX_START_WAIT_MS) {
    throw new SuiteSetupError(
      `--start-at is ${Math.round(ahead / 60_000)} min away (at most 60 min): is it the right time?`,
    );
  }
  return shard.startAt;
}

const MAX_START_WAIT_MS = 60 * 60_000;

export async function* runHttp(ctx: SuiteContext<HttpConfig>): AsyncIterable<Metric> {
  const cfg = ctx.config;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
  let names: string[];
  try {
    names = compileRequests(cfg, env).names;
  } catch (err) {
    if (err instanceof RequestConfigError || err instanceof TemplateError) throw new SuiteSetupError(err.message);
    throw err;
  }
  const { plan, workers, first, total } = makePlan(cfg, undefined, ctx.shard);
  const setups: WorkerSetup[] = Array.from({ length: workers }, (_, j) => ({
    index: first + j,
    workers: total,
    plan,
    config: cfg,
    env,
  }));
  const startAt = legStart(ctx.shard, plan.warmupMs, ctx.warn);
  ctx.progress(
    ctx.shard
      ? `leg ${ctx.shard.index}/${ctx.shard.count}: starting ${workers} of ${total} load thread(s)`
      : `starting ${workers} load thread(s)`,
  );
  const cpu0 = process.cpuUsage();
  const threads = await runThreads(setups, ctx.signal, undefined, startAt);
  const started = performance.now();
  // The services' usage over the measured period only: from the end of the warm-up to the end of the load.
  const measuredIn = Math.max(0, threads.t0Epoch + plan.warmupMs - (performance.timeOrigin + performance.now()));
  const measuring = setTimeout(() => ctx.measuring?.(true), measuredIn);
  const ending = setTimeout(() => ctx.measuring?.(false), measuredIn + plan.runMs - plan.warmupMs);
  const onAbort = () => threads.stop();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const ticker = setInterval(() => {
    const t = performance.now() - started;
    const { done, errors } = threads.progress();
    const phase = t < plan.warmupMs ? 'warm-up, ' : '';
    ctx.progress(
      `${phase}${done} requests, ${errors} failed, ${Math.round((done * 1000) / Math.max(1, t))} req/s`,
      Math.min(1, t / plan.runMs),
    );
  }, 500);
  let outcome: Awaited<typeof threads.results>;
  try {
    outcome = await threads.results;
  } finally {
    clearTimeout(measuring);
    clearTimeout(ending);
    ctx.measuring?.(false);
    clearInterval(ticker);
    ctx.signal.removeEventListener('abort', onAbort);
    await threads.close();
  }
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuShare = (cpu.user + cpu.system) / 1000 / (wallMs * workers);
  const { results, failures: deaths } = outcome;
  const agg = aggregate(ctx.suite, names, plan, results);
  // The leg's raw record goes with its results: merge joins the legs' histograms exactly.
  if (ctx.shard) ctx.attach?.({ names, plan, first, workers: setups.length, total, results } satisfies HttpShardData);
  // Measured metrics go out first: a warning below must never cost a result.
  yield* agg.metrics;
  for (const line of describeFailures(agg.failures)) ctx.warn(line);
  if (agg.idle.length > 0 && !ctx.signal.aborted && deaths.length === 0) {
    ctx.warn(
      `never completed in the measured period: ${agg.idle.join(', ')} (a variable it requires was never captured, ` +
        'or the run is too short for its weight)',
    );
  }
  const verdict = judgeGenerator(
    results.map((r) => r.health),
    cpuShare,
  );
  if (verdict.message) ctx.warn(verdict.message);
  if (agg.totals.dropped > 0) {
    ctx.warn(
      `${agg.totals.dropped} scheduled requests were dropped: ${plan.maxInFlight * workers} already in flight ` +
        '(load.max-in-flight); the server could not keep up with the rate',
    );
  }
  const arrivals = agg.totals.requests + agg.totals.dropped;
  if (plan.model === 'open' && agg.totals.late > 0.01 * arrivals) {
    ctx.warn(
      `${agg.totals.late} of ${arrivals} requests started over 10 ms after their scheduled time; ` +
        'latencies still count from the schedule, but the generator fell behind',
    );
  }
  // Thrown after the survivors' metrics, as broker suites keep their rounds: the runner marks the suite
  // failed with this error and keeps what was yielded.
  if (deaths.length > 0) throw new Error(describeThreadDeaths(deaths, workers));
  // A target that never answered (down, wrong port) is not a load test: refusals are not throughput.
  const answered = agg.metrics.some((m) => m.name.endsWith('/latency'));
  if (agg.totals.requests > 0 && !answered && !ctx.signal.aborted) {
    const reasons = describeFailures(agg.failures).slice(0, 2).join('; ');
    throw new Error(
      `${cfg.target} never answered: all ${agg.totals.requests} requests failed without a response${reasons ? ` (${reasons})` : ''}; is the service up on that address?`,
    );
  }
}
