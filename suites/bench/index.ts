// The `bench` suite kind: microbenchmarks written with defineBench, each replicate a fresh process.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { makeMetric } from '../../src/model/make-metric.ts';
import type { Metric } from '../../src/model/results.ts';
import { defineSuiteKind, type SuiteContext, SuiteSetupError } from '../../src/runner/suite-kind.ts';
import { summarizeWeighted } from '../../src/stats/summary.ts';
import type { ParamValue } from './define.ts';
import { BENCH_ROLE, type CaseInfo, INPUT_ENV, type WorkerInput, type WorkerMessage } from './protocol.ts';
import { REFERENCE_WORKLOAD } from './reference.ts';
import { REPLICATE_ENV, replicateCommand } from './replicate-command.ts';
import { type BenchSuiteConfig, benchSchema } from './schema.ts';
import { BENCH_METRIC_UNITS } from './units.ts';
import { runBenchWorker } from './worker.ts';

export { type BenchDefinition, type BenchOptions, defineBench, type ParamGrid, type ParamsOf } from './define.ts';

interface CaseData {
  info: CaseInfo;
  medians: number[];
  groups: Array<{ values: number[]; count: number }>;
  /** With `memory`: bytes allocated per call, and the longest GC pause, one of each per replicate. */
  alloc: number[];
  gcPause: number[];
}

interface ReplicateOutcome {
  cases: CaseInfo[];
  done: Map<string, Extract<WorkerMessage, { type: 'case' }>>;
  /** Each reference part's median latency in this process, ms, when it ran. */
  reference?: Record<string, number>;
  caseErrors: Map<string, string>;
  fatal?: { setup: boolean; message: string };
  /** The lean replicate could not serve the file's imports from 'perf-action'; nothing was measured. */
  needsFullApi?: boolean;
}

function runReplicate(
  ctx: SuiteContext<BenchSuiteConfig>,
  input: WorkerInput,
  full: boolean,
  onCase: (key: string) => void,
): Promise<ReplicateOutcome> {
  const { command, args, env } = replicateCommand(full);
  const child = spawn(command, ['--expose-gc', ...args], {
    cwd: ctx.configDir,
    env: { ...ctx.env, ...env, [INPUT_ENV]: JSON.stringify(input) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const outcome: ReplicateOutcome = { cases: [], done: new Map(), caseErrors: new Map() };
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  child.on('message', (m: WorkerMessage) => {
    if (m.type === 'cases') outcome.cases = m.cases;
    else if (m.type === 'case-start') onCase(m.key);
    else if (m.type === 'case') outcome.done.set(m.key, m);
    else if (m.type === 'case-error') outcome.caseErrors.set(m.key, m.message);
    else if (m.type === 'reference') outcome.reference = m.parts;
    else if (m.type === 'fatal') outcome.fatal = { setup: m.setup, message: m.message };
    else if (m.type === 'needs-full-api') outcome.needsFullApi = true;
  });
  const timeoutMs = ctx.config['replicate-timeout'];
  return new Promise((resolve, reject) => {
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(() => {
      outcome.fatal ??= { setup: false, message: `a replicate took longer than its timeout (${timeoutMs} ms)` };
      kill();
    }, timeoutMs);
    ctx.signal.addEventListener('abort', kill, { once: true });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', kill);
      if (!outcome.fatal && code !== 0) {
        const tail = stderr.trim().split('\n').slice(-12).join('\n');
        outcome.fatal = {
          setup: false,
          message: `a replicate process exited with ${sig ?? `code ${code}`}${tail ? `:\n${tail}` : ''}`,
        };
      }
      resolve(outcome);
    });
  });
}

export const benchKind = defineSuiteKind({
  name: 'bench',
  description: 'Microbenchmarks (tinybench) from a defineBench module, replicated in fresh processes',
  schema: benchSchema,
  metricUnits: BENCH_METRIC_UNITS,
  roles: { [BENCH_ROLE]: runBenchWorker },
  async *run(ctx): AsyncIterable<Metric> {
    const cfg = ctx.config;
    const file = path.resolve(ctx.configDir, cfg.file);
    if (!existsSync(file)) {
      throw new SuiteSetupError(`bench file ${cfg.file} not found (looked for ${path.relative(process.cwd(), file)})`);
    }
    const data = new Map<string, CaseData>();
    let failure: Error | undefined;
    const references: Record<string, number[]> = Object.create(null);
    // Replicates start lean unless asked otherwise; once one finds the file needs the whole API, the rest of
    // the suite's replicates use it too.
    let full = ctx.env[REPLICATE_ENV] === 'full';
    for (let r = 0; r < cfg.replicates && !ctx.signal.aborted; r++) {
      const input: WorkerInput = {
        file,
        time: cfg.time,
        warmup: cfg.warmup,
        iterations: cfg.iterations,
        seed: 1 + r,
        reference: cfg.reference,
        ...(cfg.memory ? { memory: true } : {}),
        ...(cfg.filter ? { filter: cfg.filter } : {}),
      };
      let started = 0;
      const onCase = (key: string): void => {
        started++;
        const total = Math.max(1, data.size || started);
        ctx.progress(
          `replicate ${r + 1}/${cfg.replicates}: ${key}`,
          (r + Math.min(started - 1, total) / total) / cfg.replicates,
        );
      };
      let outcome = await runReplicate(ctx, input, full, onCase);
      if (outcome.needsFullApi && !full) {
        full = true;
        outcome = await runReplicate(ctx, input, full, onCase);
      }
      if (outcome.fatal?.setup) throw new SuiteSetupError(outcome.fatal.message);
      for (const [part, t] of Object.entries(outcome.reference ?? {})) {
        if (!Object.hasOwn(references, part)) references[part] = [];
        references[part]?.push(t);
      }
      for (const info of outcome.cases) {
        if (!data.has(info.key)) data.set(info.key, { info, medians: [], groups: [], alloc: [], gcPause: [] });
      }
      for (const [key, m] of outcome.done) {
        const d = data.get(key);
        if (!d) continue;
        d.medians.push(m.median);
        d.groups.push({ values: m.sketch, count: m.count });
        if (m.memory) {
          d.alloc.push(m.memory.bytesPerOp);
          d.gcPause.push(m.memory.gcMaxPauseMs);
        }
      }
      const firstError = [...outcome.caseErrors][0];
      if (firstError) {
        failure = new Error(`benchmark ${firstError[0]} threw: ${firstError[1]}`);
        break;
      }
      if (outcome.fatal) {
        failure = new Error(outcome.fatal.message);
        break;
      }
    }
    // Whatever was measured is kept, even when a replicate failed part-way.
    if (Object.keys(references).length > 0) {
      ctx.reference?.({ workload: REFERENCE_WORKLOAD, unit: 'ms', parts: { ...references } });
    }
    for (const d of data.values()) {
      if (d.medians.length === 0) continue;
      yield makeMetric({
        suite: ctx.suite,
        name: d.info.bench,
        params: d.info.params as Record<string, ParamValue>,
        unit: 'ms',
        better: 'lower',
        samples: d.medians,
        stats: summarizeWeighted(d.groups),
      });
      const params = d.info.params as Record<string, ParamValue>;
      if (d.alloc.length > 0) {
        yield makeMetric({
          suite: ctx.suite,
          name: `${d.info.bench}/alloc`,
          params,
          unit: 'B',
          better: 'lower',
          samples: d.alloc,
        });
        yield makeMetric({
          suite: ctx.suite,
          name: `${d.info.bench}/gc_pause`,
          params,
          unit: 'ms',
          better: 'lower',
          samples: d.gcPause,
        });
      }
    }
    if (failure) throw failure;
  },
});
