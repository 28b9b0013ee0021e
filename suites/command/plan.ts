// Turn a validated `command` suite config into a plan: what to spawn, how often, what to measure. Checks that
// the schema cannot express (run xor argv, metrics that fit the mode) become setup errors here.

import { statSync } from 'node:fs';
import path from 'node:path';
import { SuiteSetupError } from '../../src/runner/suite-kind.ts';
import type { IngestFormat } from '../ingest/types.ts';
import { expandGrid, type ParamSet } from './grid.ts';
import type { ReadySpec } from './run-once.ts';
import type { CommandMetric, CommandSuiteConfig } from './schema.ts';

export interface CommandPlan {
  file: string;
  args: string[];
  shell: boolean;
  /** For messages: the command as the user wrote it. */
  display: string;
  cwd: string;
  env: Record<string, string>;
  repeat: number;
  warmup: number;
  timeoutMs: number;
  graceMs: number;
  ready?: ReadySpec & { describe: string };
  metrics: Set<CommandMetric>;
  /** Set when CPU or RSS is measured (Linux only). */
  sampleMs?: number;
  ingest?: {
    format: IngestFormat | 'auto';
    file: string;
    shown: string;
    better?: 'higher' | 'lower' | Record<string, 'higher' | 'lower'>;
  };
  grid: ParamSet[];
}

export function planCommand(
  cfg: CommandSuiteConfig,
  configDir: string,
  hasProc: boolean,
): { plan: CommandPlan; warnings: string[] } {
  const warnings: string[] = [];
  if ((cfg.run === undefined) === (cfg.argv === undefined)) {
    throw new SuiteSetupError('give exactly one of run (a shell command line) or argv (a program and its arguments)');
  }
  const cwd = path.resolve(configDir, cfg.cwd ?? '.');
  let isDir = false;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new SuiteSetupError(`cwd ${cfg.cwd} is not a folder (looked for ${cwd})`);

  const ready = cfg.ready
    ? {
        timeoutMs: cfg.ready.timeout,
        ...(cfg.ready.url ? { url: cfg.ready.url } : {}),
        ...(cfg.ready.log ? { log: new RegExp(cfg.ready.log) } : {}),
        describe: cfg.ready.url ?? `log /${cfg.ready.log}/`,
      }
    : undefined;

  const wanted = new Set<CommandMetric>(cfg.metrics ?? [ready ? 'ready' : 'wall', 'cpu', 'peak_rss']);
  if (wanted.has('ready') && !ready)
    throw new SuiteSetupError('metrics lists ready, but the suite has no ready: target');
  if (wanted.has('wall') && ready) {
    throw new SuiteSetupError(
      'with ready:, each run ends when perf-action stops it, so there is no wall time; use ready',
    );
  }
  if (!hasProc && (wanted.has('cpu') || wanted.has('peak_rss'))) {
    wanted.delete('cpu');
    wanted.delete('peak_rss');
    warnings.push(
      `cpu and peak_rss need Linux /proc; on ${process.platform} only ${ready ? 'ready' : 'wall'} is measured`,
    );
  }
  if (wanted.size === 0) throw new SuiteSetupError('no metric left to measure on this platform');

  const ingest = cfg.ingest
    ? {
        format: cfg.ingest.format,
        file: path.resolve(configDir, cfg.ingest.file),
        shown: cfg.ingest.file,
        ...(cfg.ingest.better ? { better: cfg.ingest.better } : {}),
      }
    : undefined;
  // A tool that writes its own results already repeats its measurements: one run is the sensible default.
  const repeat = cfg.repeat ?? (ingest ? 1 : 5);
  const warmup = cfg.warmup ?? (ingest ? 0 : 1);

  const command = cfg.run !== undefined ? { file: 'sh', args: ['-c', cfg.run] } : splitArgv(cfg.argv ?? []);
  return {
    plan: {
      ...command,
      shell: cfg.run !== undefined,
      display: cfg.run ?? (cfg.argv ?? []).join(' '),
      cwd,
      env: cfg.env ?? {},
      repeat,
      warmup,
      timeoutMs: cfg['run-timeout'],
      graceMs: cfg['stop-timeout'],
      ...(ready ? { ready } : {}),
      metrics: wanted,
      ...(hasProc && (wanted.has('cpu') || wanted.has('peak_rss')) ? { sampleMs: cfg['sample-interval'] } : {}),
      ...(ingest ? { ingest } : {}),
      grid: expandGrid(cfg.params),
    },
    warnings,
  };
}

function splitArgv(argv: string[]): { file: string; args: string[] } {
  const [file, ...args] = argv;
  if (!file) throw new SuiteSetupError('argv is empty');
  return { file, args };
}
