// Same-runner A/B: run the selected suites for base and head in interleaved rounds on this machine, then
// decide per metric from the pairs (see paired.ts). Each round runs every selected suite once per side, in
// fresh processes; services are started per side from that side's config, so each side measures its own
// system under test.

import type { AbOptions, LoadedConfig } from '../config/load.ts';
import { type Metric, RESULTS_SCHEMA, type ResultsDocument } from '../model/results.ts';
import { describeEnvironment } from '../runner/environment.ts';
import type { ProgressSink } from '../runner/progress.ts';
import { runSuites } from '../runner/run.ts';
import { makeRng } from '../stats/rng.ts';
import { summarize } from '../stats/summary.ts';
import {
  analyzePairs,
  needsMoreRounds,
  type PairedAnalysis,
  type PairedSeries,
  plannedLooks,
  roundOrder,
} from './paired.ts';

export type Side = 'base' | 'head';

export interface AbRunInput {
  head: LoadedConfig;
  base: LoadedConfig;
  ab: AbOptions;
  confidence: number;
  minEffect: number;
  only?: string[];
  progress: ProgressSink;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** Per-side environment on top of `env` (calibration injects a slowdown into one side this way). */
  sideEnv?: Partial<Record<Side, NodeJS.ProcessEnv>>;
  git?: { head?: { sha: string; ref?: string }; base: { sha: string; ref?: string } };
  /** Injected for tests; defaults to the real clock. */
  now?: () => number;
}

export type StopReason = 'decided' | 'max-rounds' | 'time-budget' | 'aborted';

export interface AbOutcome {
  pairs: number;
  elapsedMs: number;
  stoppedBecause: StopReason;
  /** Looks taken (pairs at each) and the confidence each look was tested at. */
  looks: number[];
  lookConfidence: number;
  analyses: PairedAnalysis[];
  series: PairedSeries[];
  /** Each side's rounds pooled into one results document (one sample per round). */
  results: Record<Side, ResultsDocument>;
  /** Suites that failed in some round, by side, with the first error. */
  failures: string[];
  setupErrors: string[];
}

/**
 * A suite config for one round: a kind that replicates in fresh processes (`replicates`) runs one process per
 * round, since the rounds are the replicates here.
 */
export function oneReplicatePerRound(loaded: LoadedConfig): LoadedConfig {
  const suites = loaded.config.suites.map((s) => (typeof s.replicates === 'number' ? { ...s, replicates: 1 } : s));
  return { ...loaded, config: { ...loaded.config, suites } };
}

/** A round's value of a metric: the median of what one run measured. */
function roundValue(m: Metric): number {
  return m.samples && m.samples.length > 0 ? (summarize(m.samples).median as number) : m.stats.median;
}

interface Collected {
  unit: string;
  better: Metric['better'];
  template: Metric;
  values: Record<Side, number[]>;
}

export async function runAb(input: AbRunInput): Promise<AbOutcome> {
  const now = input.now ?? (() => performance.now());
  const started = now();
  // Which looks can reach significance depends on how many metrics share α: planned after the first round.
  const plan = { first: input.ab.rounds, max: input.ab.maxRounds };
  let { looks, confidence } = plannedLooks(plan, input.confidence);
  const rng = makeRng(0xab);
  const configs: Record<Side, LoadedConfig> = {
    base: oneReplicatePerRound(input.base),
    head: oneReplicatePerRound(input.head),
  };
  const collected = new Map<string, Collected>();
  const failures = new Set<string>();
  const setupErrors: string[] = [];
  const looksTaken: number[] = [];
  let analyses: PairedAnalysis[] = [];
  let stoppedBecause: StopReason = 'max-rounds';
  let pairs = 0;
  let slowestRound = 0;

  const series = (): PairedSeries[] =>
    [...collected.entries()]
      .filter(([, c]) => c.values.base.some(Number.isFinite) && c.values.head.some(Number.isFinite))
      .map(([id, c]) => ({ id, unit: c.unit, better: c.better, base: c.values.base, head: c.values.head }));

  for (let round = 0; round < input.ab.maxRounds; round++) {
    if (input.signal.aborted) {
      stoppedBecause = 'aborted';
      break;
    }
    const elapsed = now() - started;
    if (round > 0 && elapsed + slowestRound > input.ab.timeBudget) {
      stoppedBecause = 'time-budget';
      break;
    }
    const roundStart = now();
    for (const side of roundOrder(round, input.ab.order, rng)) {
      input.progress.info(`A/B round ${round + 1}/${input.ab.maxRounds}: ${side}`);
      const gitInfo = input.git?.[side];
      const { results, setupErrors: errs } = await runSuites(configs[side], {
        ...(input.only ? { only: input.only } : {}),
        progress: input.progress,
        signal: input.signal,
        env: { ...input.env, ...input.sideEnv?.[side] },
        ...(gitInfo ? { git: gitInfo } : {}),
        // Interleaved pairs cancel the machine's speed; probing each round would only add work between them.
        speedProbe: false,
      });
      if (errs.length > 0) {
        setupErrors.push(...errs.map((e) => `${side}: ${e}`));
        break;
      }
      const seen = new Set<string>();
      for (const suite of results.suites) {
        if (!suite.ok) failures.add(`${side}: suite ${suite.name} failed in round ${round + 1}: ${suite.error ?? ''}`);
        for (const m of suite.metrics) {
          let c = collected.get(m.id);
          if (!c) {
            c = { unit: m.unit, better: m.better, template: m, values: { base: [], head: [] } };
            collected.set(m.id, c);
          }
          // Keep the rounds aligned: a metric first seen late gets NaN for the rounds it missed.
          while (c.values[side].length < round) c.values[side].push(Number.NaN);
          c.values[side][round] = roundValue(m);
          seen.add(m.id);
        }
      }
      for (const [id, c] of collected) if (!seen.has(id)) c.values[side][round] = Number.NaN;
    }
    if (setupErrors.length > 0 || input.signal.aborted) {
      stoppedBecause = 'aborted';
      break;
    }
    pairs = round + 1;
    if (pairs === 1) ({ looks, confidence } = plannedLooks(plan, input.confidence, collected.size));
    slowestRound = Math.max(slowestRound, now() - roundStart);
    if (looks.includes(pairs)) {
      looksTaken.push(pairs);
      analyses = analyzePairs(series(), { confidence, minEffect: input.minEffect });
      if (!needsMoreRounds(analyses)) {
        stoppedBecause = 'decided';
        break;
      }
    }
  }
  // Stopped between looks (time budget, Ctrl-C): analyse what there is, at the same per-look confidence.
  if (pairs > 0 && looksTaken[looksTaken.length - 1] !== pairs) {
    looksTaken.push(pairs);
    analyses = analyzePairs(series(), { confidence, minEffect: input.minEffect });
  }
  const pooled = (side: Side): ResultsDocument => {
    const bySuite = new Map<string, Metric[]>();
    for (const [, c] of collected) {
      const values = c.values[side].filter(Number.isFinite);
      if (values.length === 0) continue;
      const m: Metric = { ...c.template, samples: values, stats: summarize(values) };
      const list = bySuite.get(m.suite) ?? [];
      list.push(m);
      bySuite.set(m.suite, list);
    }
    const kinds = new Map(configs[side].config.suites.map((s) => [s.name, s.kind]));
    const gitInfo = input.git?.[side];
    return {
      schema: RESULTS_SCHEMA,
      createdAt: new Date().toISOString(),
      ...(gitInfo ? { git: gitInfo } : {}),
      env: describeEnvironment(input.env),
      suites: [...bySuite.entries()].map(([name, metrics]) => ({
        name,
        kind: kinds.get(name) ?? 'unknown',
        ok: ![...failures].some((f) => f.startsWith(`${side}: suite ${name} `)),
        durationMs: 0,
        metrics,
      })),
    };
  };
  return {
    pairs,
    elapsedMs: now() - started,
    stoppedBecause,
    looks: looksTaken,
    lookConfidence: confidence,
    analyses,
    series: series(),
    results: { base: pooled('base'), head: pooled('head') },
    failures: [...failures],
    setupErrors,
  };
}
