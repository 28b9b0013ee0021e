// `perf-action merge LEG.json...`: the final job of a sharded run. Joins the legs' results into one document,
// judges it once against the baseline and the criteria, and reports and saves like a single run.

import path from 'node:path';
import { loadBaselineFile, readResultsFile, writeJsonAtomic } from '../baseline/file.ts';
import type { LoadedBaseline } from '../baseline/store.ts';
import { mergeGate } from '../gate/merge.ts';
import type { ResultsDocument } from '../model/results.ts';
import type { VerdictDocument } from '../model/verdict.ts';
import { MergeError } from '../shard/merge.ts';
import { checkOutputs, emitReports, type Io, load, saveBaseline, UsageError } from './commands.ts';

export interface MergeArgs {
  files: string[];
  config?: string;
  baseline?: string;
  out?: string;
  saveBaseline?: string;
  markdown?: string;
  json?: string;
  html?: string;
}

export async function mergeCommand(io: Io, args: MergeArgs): Promise<number> {
  if (args.files.length === 0)
    throw new UsageError('merge needs the results file of each leg (perf-action run --shard i/n --out FILE)');
  checkOutputs(io, [args.out, args.markdown, args.json, args.html, args.saveBaseline]);
  const loaded = args.config ? await load(io, args.config) : undefined;
  const baseline: LoadedBaseline | undefined = args.baseline
    ? await loadBaselineFile(path.resolve(io.cwd, args.baseline), args.baseline)
    : undefined;
  const legs = await Promise.all(
    args.files.map(async (f) => ({
      source: f,
      doc: await readResultsFile(path.resolve(io.cwd, f), 'leg results file'),
    })),
  );
  let results: ResultsDocument;
  let verdict: VerdictDocument;
  try {
    ({ results, verdict } = await mergeGate({
      legs,
      kinds: io.registry.kinds,
      ...(loaded ? { loaded } : {}),
      ...(baseline ? { baseline } : {}),
    }));
  } catch (err) {
    if (err instanceof MergeError) throw new UsageError(err.message);
    throw err;
  }
  const count = legs[0]?.doc.shard?.count ?? legs.length;
  io.stderr.write(`merged ${legs.length} of ${count} legs: ${results.suites.length} suites\n`);
  if (args.out) await writeJsonAtomic(path.resolve(io.cwd, args.out), results);
  const code = await emitReports(io, verdict, results, baseline, loaded?.id, args);
  if (args.saveBaseline) await saveBaseline(io, args.saveBaseline, { results });
  return code;
}
