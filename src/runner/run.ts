// Runs the suites of a config and assembles the results document. Each suite is isolated: a failure is
// recorded on that suite (keeping the metrics it produced) and the rest still run.

import path from 'node:path';
import type { LoadedConfig } from '../config/load.ts';
import { makeMetric } from '../model/make-metric.ts';
import { formatParams, type Params } from '../model/metric-id.ts';
import { redactSecrets } from '../model/redact.ts';
import {
  type Metric,
  RESULTS_SCHEMA,
  type ResultsDocument,
  type ShardPosition,
  type SuiteResult,
} from '../model/results.ts';
import { describeEnvironment } from './environment.ts';
import { startLadder } from './ladder.ts';
import { type ProgressSink, silentProgress } from './progress.ts';
import { startResourceMonitor } from './resource-monitor.ts';
import { type RunningService, startService } from './services.ts';
import { type ShardAssignment, shardSuites, suitesForShard } from './shard.ts';
import { probeSpeed, speedOf } from './speed-probe.ts';
import { SuiteSetupError } from './suite-kind.ts';

export interface RunOptions {
  /** Only these suites (by name); all when empty. */
  only?: string[];
  progress?: ProgressSink;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  git?: { sha: string; ref?: string };
  /** Where service logs go (default: .perf/logs next to the config). */
  logDir?: string;
  /** Called after each suite with the results so far, so nothing measured is lost on a crash. */
  onSuite?: (partial: ResultsDocument) => void | Promise<void>;
  /** Probe the machine's speed before each suite and after the last (default true; ~0.13 s each). */
  speedProbe?: boolean;
  /** One leg of a run split over several runners: this leg's suites only (runner/shard.ts). */
  shard?: ShardPosition;
  /** When every leg's split load starts (epoch ms), so their windows line up. */
  startAt?: number;
}

export interface RunOutcome {
  results: ResultsDocument;
  /** Suites that failed because of the user's setup (bad file, bad config): the CLI exits 2. */
  setupErrors: string[];
}

export async function runSuites(loaded: LoadedConfig, opts: RunOptions = {}): Promise<RunOutcome> {
  const progress = opts.progress ?? silentProgress;
  const signal = opts.signal ?? new AbortController().signal;
  const env = opts.env ?? process.env;
  const { config } = loaded;
  const unknown = (opts.only ?? []).filter((n) => !config.suites.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new SuiteSetupError(
      `no suite named ${unknown.map((n) => `"${n}"`).join(', ')}; suites: ${config.suites.map((s) => s.name).join(', ')}`,
    );
  }
  const wanted = config.suites.filter((s) => !opts.only?.length || opts.only.includes(s.name));
  const parts = new Map<string, ShardAssignment>();
  if (opts.shard) {
    const legSuites = suitesForShard(shardSuites(wanted, loaded.kinds), opts.shard);
    for (const a of legSuites) parts.set(a.name, a);
  }
  const selected = opts.shard ? wanted.filter((s) => parts.has(s.name)) : wanted;
  const results: ResultsDocument = {
    schema: RESULTS_SCHEMA,
    createdAt: new Date().toISOString(),
    ...(opts.git ? { git: opts.git } : {}),
    env: describeEnvironment(env),
    ...(opts.shard ? { shard: { ...opts.shard } } : {}),
    suites: [],
  };
  const setupErrors: string[] = [];
  const services: RunningService[] = [];
  const probes: number[] = [];
  const probe = () => {
    if (opts.speedProbe === false || signal.aborted) return;
    probes.push(probeSpeed());
    const speed = speedOf(probes);
    if (speed !== undefined) results.env.speed = speed;
  };
  try {
    let serviceError: string | undefined;
    for (const svc of config.services) {
      progress.info(`starting service ${svc.name}`);
      try {
        services.push(
          await startService(svc, {
            configDir: loaded.dir,
            logDir: opts.logDir ?? path.join(loaded.dir, '.perf', 'logs'),
            env,
            signal,
          }),
        );
      } catch (err) {
        serviceError = (err as Error).message;
        progress.warn(serviceError);
        break;
      }
    }
    // Services' CPU and memory are sampled while the suites run and reported as `<service>/cpu|rss|rss_slope`.
    const monitor = serviceError ? undefined : startResourceMonitor(services);
    for (const suite of selected) {
      if (signal.aborted) break;
      const dead = services.find((s) => s.exited() !== undefined);
      if (!serviceError && dead) serviceError = `service ${dead.name} ${dead.exited()}; its log: ${dead.logFile}`;
      if (serviceError) {
        // Without its services no suite can measure anything meaningful: each says why it did not run.
        results.suites.push({
          name: suite.name,
          kind: suite.kind,
          ok: false,
          error: serviceError,
          durationMs: 0,
          metrics: [],
        });
        continue;
      }
      probe();
      const kind = loaded.kinds.find((k) => k.name === suite.kind);
      const entry: SuiteResult = { name: suite.name, kind: suite.kind, ok: true, durationMs: 0, metrics: [] };
      const part = parts.get(suite.name)?.part;
      results.suites.push(entry);
      progress.suiteStart(suite.name, suite.kind);
      const started = performance.now();
      const controller = new AbortController();
      const onAbort = () => controller.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      const timer = suite.timeout
        ? setTimeout(() => controller.abort(new Error(`suite timed out after ${suite.timeout} ms`)), suite.timeout)
        : undefined;
      try {
        if (!kind) throw new SuiteSetupError(`unknown suite kind "${suite.kind}"`);
        // grid: one run of the kind per combination, its metrics carrying the combination as parameters.
        const variants = suite.variants ?? [{ params: {}, config: suite }];
        const climb = suite.ladder ? startLadder(suite.name, suite.ladder, variants) : undefined;
        for (const variant of variants) {
          if (controller.signal.aborted) break;
          if (variants.length > 1) progress.update(suite.name, `grid ${formatParams(variant.params)}`);
          const iterable = kind.run({
            suite: suite.name,
            config: variant.config as never,
            configDir: loaded.dir,
            signal: controller.signal,
            progress: (message, fraction) => progress.update(suite.name, message, fraction),
            warn: (message) => progress.warn(`${suite.name}: ${message}`),
            env,
            reference: (reference) => {
              entry.reference = structuredClone(reference);
            },
            measuring: (on) => monitor?.measuring(on ? { during: suite.name, ...variant.params } : undefined),
            services,
            ...(part
              ? {
                  shard: { ...part, ...(opts.startAt !== undefined ? { startAt: opts.startAt } : {}) },
                  attach: (data: unknown) => {
                    entry.shard = { ...part, data: structuredClone(data) };
                  },
                }
              : {}),
          });
          const from = entry.metrics.length;
          for await (const metric of iterable) entry.metrics.push(withParams(metric, variant.params));
          if (climb && !controller.signal.aborted) {
            const failed = climb.step(variant.params, entry.metrics.slice(from));
            if (failed) {
              progress.update(suite.name, `ladder: ${formatParams(variant.params)} failed (${failed}); stopping`);
              break;
            }
          }
        }
        if (climb && !controller.signal.aborted) entry.metrics.push(climb.result());
        if (controller.signal.aborted) throw controller.signal.reason ?? new Error('aborted');
        // A suite that measured nothing (a bench that exited early, a filter that matches no case) must not
        // pass, nor replace a baseline with an empty run.
        // A service that died under the suite leaves numbers about its absence (refused requests, timeouts).
        const gone = services.find((s) => s.exited() !== undefined);
        if (gone) {
          throw new Error(`service ${gone.name} ${gone.exited()} while the suite ran; its log: ${gone.logFile}`);
        }
        if (entry.metrics.length === 0) {
          throw new Error(
            'produced no metrics: did a benchmark exit early (process.exit) or a filter match nothing? Check the suite’s file, filter and output',
          );
        }
      } catch (err) {
        entry.ok = false;
        // The error may carry a tool's output tail, which may carry a token it printed.
        let message = (err as Error)?.message ?? String(err);
        // A service that died under the suite is the cause to name first, not the failures it caused.
        const gone = services.find((x) => x.exited() !== undefined);
        if (gone && !message.startsWith(`service ${gone.name} `)) {
          message = `service ${gone.name} ${gone.exited()} while the suite ran; its log: ${gone.logFile} (then: ${message})`;
        }
        entry.error = redactSecrets(message);
        if (err instanceof SuiteSetupError) setupErrors.push(`suite ${suite.name}: ${entry.error}`);
      } finally {
        monitor?.measuring(undefined);
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        entry.durationMs = Math.round(performance.now() - started);
        progress.suiteEnd(suite.name, entry.ok, entry.durationMs, entry.metrics.length, entry.error);
      }
      await opts.onSuite?.(results);
    }
    if (!serviceError && selected.length > 0) probe();
    const usage = monitor?.stop() ?? [];
    if (usage.length > 0) {
      results.suites.push(...usage);
      await opts.onSuite?.(results);
    }
  } finally {
    for (const s of services.reverse()) await s.stop();
  }
  return { results, setupErrors };
}

/** A grid run's metric: the combination joins the metric's own parameters (the kind's win on a clash). */
function withParams(m: Metric, params: Params): Metric {
  if (Object.keys(params).length === 0) return m;
  return makeMetric({
    suite: m.suite,
    name: m.name,
    params: { ...params, ...m.params },
    unit: m.unit,
    better: m.better,
    ...(m.samples ? { samples: m.samples, windows: m.sampling === 'windows' } : {}),
    stats: m.stats,
  });
}
