// The run of a command suite: per parameter set, the warm-up and measured runs of its command (each run's
// whole process tree measured), then its results file read when it has one. Loaded by index.ts only when a
// suite runs.

import { makeMetric } from '../../src/model/make-metric.ts';
import { formatParams } from '../../src/model/metric-id.ts';
import type { Metric } from '../../src/model/results.ts';
import { procAvailable } from '../../src/runner/proc-stat.ts';
import { type SuiteContext, SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { type ParamSet, paramEnv } from './grid.ts';
import { fileStamp, ingestResults } from './ingest-step.ts';
import { type CommandPlan, planCommand } from './plan.ts';
import { RunFailure, type RunMeasurement, runOnce } from './run-once.ts';
import type { CommandSuiteConfig } from './schema.ts';

const UNITS = { wall: 'ms', ready: 'ms', cpu: 'ms', peak_rss: 'MB' } as const;

/** Measured runs of one parameter set, per metric. */
class Samples {
  readonly wall: number[] = [];
  readonly ready: number[] = [];
  readonly cpu: number[] = [];
  readonly peak_rss: number[] = [];
  /** Runs that ended before any sample saw them (shorter than the sampling interval). */
  unsampled = 0;

  add(m: RunMeasurement): void {
    if (m.wallMs !== undefined) this.wall.push(m.wallMs);
    if (m.readyMs !== undefined) this.ready.push(m.readyMs);
    if (m.cpuMs !== undefined) this.cpu.push(m.cpuMs);
    if (m.peakRssBytes !== undefined) this.peak_rss.push(m.peakRssBytes / 1e6);
    else this.unsampled++;
  }

  *metrics(suite: string, set: ParamSet, plan: CommandPlan): Iterable<Metric> {
    for (const name of ['wall', 'ready', 'cpu', 'peak_rss'] as const) {
      const samples = this[name];
      if (!plan.metrics.has(name) || samples.length === 0) continue;
      yield makeMetric({ suite, name, params: set, unit: UNITS[name], better: 'lower', samples });
    }
  }
}

function failureError(err: unknown, ctx: SuiteContext<CommandSuiteConfig>, plan: CommandPlan, where: string): Error {
  const command = plan.display.length > 80 ? `${plan.display.slice(0, 77)}...` : plan.display;
  if (!(err instanceof RunFailure)) return err instanceof Error ? err : new Error(String(err));
  if (err.reason === 'aborted' && ctx.signal.reason instanceof Error) {
    return new Error(`${ctx.signal.reason.message} (during ${where}; its process tree was stopped)`);
  }
  const lines = err.tail ? err.tail.split('\n').length : 0;
  const tail = err.tail ? `\n--- last ${lines} line${lines === 1 ? '' : 's'} of its output ---\n${err.tail}` : '';
  const message = `${where}: \`${command}\` ${err.message}${tail}`;
  return err.reason === 'not-found' ? new SuiteSetupError(message) : new Error(message);
}

export async function* runCommand(ctx: SuiteContext<CommandSuiteConfig>): AsyncIterable<Metric> {
  const { plan, warnings } = planCommand(ctx.config, ctx.configDir, procAvailable());
  for (const w of warnings) ctx.warn(w);
  const perSet = plan.warmup + plan.repeat;
  const total = plan.grid.length * perSet;
  let done = 0;
  let warnedLeftovers = false;
  let unsampled = 0;
  for (const set of plan.grid) {
    const label = formatParams(set);
    const samples = new Samples();
    const stampBefore = plan.ingest ? fileStamp(plan.ingest.file) : undefined;
    let failure: Error | undefined;
    for (let i = 0; i < perSet && !failure; i++) {
      const warm = i < plan.warmup;
      const where = `${warm ? `warmup ${i + 1}/${plan.warmup}` : `run ${i - plan.warmup + 1}/${plan.repeat}`}${label ? ` ${label}` : ''}`;
      ctx.progress(where, done / total);
      try {
        if (ctx.signal.aborted) throw new RunFailure('aborted', 'aborted', '');
        const measured = await runOnce({
          file: plan.file,
          args: plan.args,
          shell: plan.shell,
          cwd: plan.cwd,
          // Parameters last: a grid value wins over the same name in env.
          env: { ...ctx.env, ...plan.env, ...paramEnv(set) },
          timeoutMs: plan.timeoutMs,
          ...(plan.ready ? { ready: plan.ready } : {}),
          ...(plan.sampleMs !== undefined ? { sampleMs: plan.sampleMs } : {}),
          graceMs: plan.graceMs,
          signal: ctx.signal,
        });
        if (!warm) samples.add(measured);
        if (measured.leftovers > 0 && !warnedLeftovers) {
          warnedLeftovers = true;
          ctx.warn(
            `${where}: ${measured.leftovers} process(es) were still running after the command exited; stopped them`,
          );
        }
      } catch (err) {
        failure = failureError(err, ctx, plan, where);
      }
      done++;
    }
    unsampled += plan.metrics.has('peak_rss') ? samples.unsampled : 0;
    // Runs that succeeded are kept even when a later one failed.
    yield* samples.metrics(ctx.suite, set, plan);
    if (failure) throw failure;
    if (plan.ingest) {
      const out = await ingestResults(plan.ingest, ctx.suite, set, stampBefore);
      for (const w of out.warnings) {
        // The reader names the file by its absolute path; the user wrote it relative to the config.
        const named = w.split(plan.ingest.file).join(plan.ingest.shown);
        ctx.warn(named.startsWith(plan.ingest.shown) ? named : `${plan.ingest.shown}: ${named}`);
      }
      yield* out.metrics;
    }
  }
  if (unsampled > 0) {
    ctx.warn(
      `peak_rss: ${unsampled} run(s) exited before the first sample (within a few ms), so they have no peak_rss`,
    );
  }
  ctx.progress('done', 1);
}
