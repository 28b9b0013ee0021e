// Running a suite kind directly (no engine) and collecting what it yields and warns: the set-up the
// broker suites' tests share. Also the engine run of an example file, scaled down so a test stays quick.

import { evaluateCriteria } from '../../src/criteria/index.ts';
import type { LoadedConfig } from '../../src/index.ts';
import type { Metric } from '../../src/model/results.ts';
import { runSuites } from '../../src/runner/run.ts';
import type { SuiteKind } from '../../src/runner/suite-kind.ts';

export interface Outcome {
  metrics: Map<string, Metric>;
  warnings: string[];
  error?: Error;
}

export interface RunHooks {
  signal?: AbortSignal;
  progress?: (m: string) => void;
  /** Told every warning as it comes (they are collected in `warnings` as well). */
  warn?: (m: string) => void;
}

/** `raw` config keys as the engine would hand them to `kind` (parsed by its schema; a bad key throws). */
function configFor(kind: SuiteKind, suite: string, raw: Record<string, unknown>) {
  return { ...kind.schema.parse(raw), name: suite, kind: kind.name };
}

async function collect(
  kind: SuiteKind,
  suite: string,
  config: ReturnType<typeof configFor>,
  hooks: RunHooks,
  into: Outcome,
): Promise<Outcome> {
  for await (const m of kind.run({
    suite,
    config,
    configDir: process.cwd(),
    signal: hooks.signal ?? new AbortController().signal,
    progress: (m) => hooks.progress?.(m),
    warn: (m) => {
      into.warnings.push(m);
      hooks.warn?.(m);
    },
    env: process.env,
  })) {
    into.metrics.set(m.name, m);
  }
  return into;
}

/** Run `kind` as suite `suite` with `raw` config keys; a failure rejects. */
export function runKindDirect(
  kind: SuiteKind,
  suite: string,
  raw: Record<string, unknown>,
  hooks: RunHooks = {},
): Promise<Outcome> {
  return collect(kind, suite, configFor(kind, suite, raw), hooks, { metrics: new Map(), warnings: [] });
}

/** Like runKindDirect, but a failure of the run is kept in `error` along with what was measured before it. */
export async function runKindCaught(
  kind: SuiteKind,
  suite: string,
  raw: Record<string, unknown>,
  hooks: RunHooks = {},
): Promise<Outcome> {
  const config = configFor(kind, suite, raw);
  const out: Outcome = { metrics: new Map(), warnings: [] };
  try {
    await collect(kind, suite, config, hooks, out);
  } catch (err) {
    out.error = err as Error;
  }
  return out;
}

export const metricOf = (o: Outcome, name: string): Metric => {
  const m = o.metrics.get(name);
  if (!m) throw new Error(`no ${name} metric (have ${[...o.metrics.keys()].join(', ')}; error: ${o.error?.message})`);
  return m;
};

/** A metric's per-round samples (its median when it has none); the metric must be there. */
export function samplesOf(metrics: Map<string, Metric>, name: string): number[] {
  const metric = metrics.get(name);
  if (!metric) throw new Error(`no ${name} metric`);
  return metric.samples ?? [metric.stats.median];
}

/**
 * Run an example's suites through the engine, scaled down (one round, no warm-up, `events` per round,
 * 300 ms in duration mode, plus `extra` keys), and evaluate the example's own criteria on what they yield.
 */
export async function runScaledDown(loaded: LoadedConfig, events: number, extra: Record<string, unknown> = {}) {
  for (const s of loaded.config.suites) {
    Object.assign(s, { rounds: 1, warmup: 0, ...extra });
    if (s.events !== undefined) s.events = events;
    if (s.duration !== undefined) s.duration = 300;
  }
  const { results } = await runSuites(loaded, { env: process.env });
  const verdicts = evaluateCriteria(
    loaded.config.criteria,
    results.suites.flatMap((s) => s.metrics),
  );
  return { results, verdicts, byExpect: new Map(verdicts.map((v) => [v.expect, v.status])) };
}
