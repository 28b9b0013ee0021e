// `perf-action ingest FILE...`: turn another tool's output into a results document, so pytest-benchmark, k6,
// hyperfine, go test and friends can be compared and gated like perf-action's own suites.

import path from 'node:path';
import { writeJsonAtomic } from '../baseline/file.ts';
import { jsonChunks } from '../baseline/json-chunks.ts';
import { RESULTS_SCHEMA, type ResultsDocument } from '../model/results.ts';
import { formatValue } from '../model/units.ts';
import { describeEnvironment } from '../runner/environment.ts';
import type { Io } from './commands.ts';
import { UsageError } from './commands.ts';
import { gitInfo } from './git.ts';

export interface IngestArgs {
  files: string[];
  format?: string;
  suite?: string[];
  better?: string;
  out?: string;
}

/** Metrics listed on the terminal after an ingest into a file. */
const LISTED_METRICS = 50;

const SUITE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export async function ingestCommand(io: Io, args: IngestArgs): Promise<number> {
  if (args.files.length === 0) throw new UsageError('ingest needs at least one FILE (a tool output file)');
  const tool = io.registry.ingest;
  if (!tool) throw new UsageError('this build of perf-action has no ingest readers');
  const format = args.format ?? 'auto';
  if (format !== 'auto' && !tool.formats.includes(format)) {
    throw new UsageError(`--format ${format} is not known: use auto or one of ${tool.formats.join(', ')}`);
  }
  if ((args.suite?.length ?? 0) > 1) throw new UsageError('ingest takes one --suite NAME');
  const suite = args.suite?.[0] ?? 'ingest';
  if (!SUITE_NAME.test(suite)) {
    throw new UsageError(`--suite ${JSON.stringify(suite)} is not a valid suite name (letters, digits, _ . -)`);
  }
  if (args.better !== undefined && args.better !== 'lower' && args.better !== 'higher') {
    throw new UsageError(`--better must be lower or higher, not ${JSON.stringify(args.better)}`);
  }
  const started = Date.now();
  let output: Awaited<ReturnType<typeof tool.ingestFiles>>;
  try {
    output = await tool.ingestFiles(
      args.files.map((f) => path.resolve(io.cwd, f)),
      {
        format,
        suite,
        ...(args.better ? { better: args.better as 'lower' | 'higher' } : {}),
      },
    );
  } catch (err) {
    if (tool.isInputError(err)) throw new UsageError(relativize(err.message, io.cwd));
    throw err;
  }
  for (const w of output.warnings) io.stderr.write(`warning: ${relativize(w, io.cwd)}\n`);
  const git = gitInfo(io.cwd, io.env);
  const doc: ResultsDocument = {
    schema: RESULTS_SCHEMA,
    createdAt: new Date().toISOString(),
    ...(git ? { git } : {}),
    env: describeEnvironment(io.env),
    suites: [{ name: suite, kind: 'ingest', ok: true, durationMs: Date.now() - started, metrics: output.metrics }],
  };
  if (!args.out) {
    for (const chunk of jsonChunks(doc)) io.stdout.write(chunk);
    io.stdout.write('\n');
    return 0;
  }
  await writeJsonAtomic(path.resolve(io.cwd, args.out), doc);
  const count = output.metrics.length;
  io.stdout.write(`${output.format}: ${count} metric${count === 1 ? '' : 's'} -> ${args.out}\n`);
  // A listing of 100k rows helps no one: the first ones show the names and units were read right.
  for (const m of output.metrics.slice(0, LISTED_METRICS)) {
    const n = m.samples?.length ?? m.stats.n;
    io.stdout.write(`  ${m.id}  ${formatValue(m.stats.median, m.unit)} (${m.better} is better, n=${n})\n`);
  }
  if (count > LISTED_METRICS) io.stdout.write(`  … and ${count - LISTED_METRICS} more in ${args.out}\n`);
  return 0;
}

/** Messages name files by the path the user typed, not the absolute one. */
function relativize(message: string, cwd: string): string {
  return message.split(`${cwd}${path.sep}`).join('');
}
