// Runs the suites with a regressed metric once more and judges the regressions again (compare/recheck.ts
// says why). Shared by the CLI and the action, like judge().

import type { LoadedBaseline } from '../baseline/store.ts';
import { judge } from '../compare/judge.ts';
import type { CompareOptions } from '../compare/options.ts';
import { applyRecheck, recheckOptions, regressionsToRecheck } from '../compare/recheck.ts';
import type { DetailedVerdict } from '../compare/verdict.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { ResultsDocument } from '../model/results.ts';
import { type RunOptions, runSuites } from './run.ts';

export interface RecheckArgs {
  loaded: LoadedConfig;
  /** The first run and its judgement against `baseline`. */
  results: ResultsDocument;
  judged: DetailedVerdict;
  baseline: LoadedBaseline | undefined;
  options: CompareOptions;
  /** How to run the suites again (environment, progress, git, signal); `only` and `onSuite` are set here. */
  run: Omit<RunOptions, 'only' | 'onSuite'>;
}

export interface RecheckOutcome {
  judged: DetailedVerdict;
  /** Suites run again (none when nothing regressed, recheck is off, or there is no baseline). */
  suites: string[];
  /** The second run's results, when there was one. */
  again?: ResultsDocument;
}

export async function recheckRegressions(a: RecheckArgs): Promise<RecheckOutcome> {
  const unchanged: RecheckOutcome = { judged: a.judged, suites: [] };
  if (!a.options.recheck || !a.baseline || a.run.signal?.aborted) return unchanged;
  if (!a.options.failOn.includes('regression')) return unchanged;
  const { ids, suites } = regressionsToRecheck(a.judged, a.results);
  if (ids.length === 0) return unchanged;
  const progress = a.run.progress;
  const list = suites.map((s) => JSON.stringify(s)).join(', ');
  progress?.info(
    `${ids.length} metric${ids.length === 1 ? '' : 's'} regressed; running ${list} again to confirm before the gate fails`,
  );
  let again: ResultsDocument;
  try {
    again = (await runSuites(a.loaded, { ...a.run, only: suites })).results;
  } catch (err) {
    // Measured results are never lost to a failed recheck: the first judgement stands, with the reason.
    const why = `running ${list} again failed (${(err as Error).message}); the regressions stand unconfirmed`;
    progress?.warn(why);
    return {
      ...unchanged,
      judged: { ...a.judged, verdict: { ...a.judged.verdict, warnings: [...a.judged.verdict.warnings, why] } },
    };
  }
  const second = judge({ head: again, baseline: a.baseline, options: recheckOptions(a.options), focus: new Set(ids) });
  const crashed = a.results.suites.filter((s) => !s.ok).length;
  const judged = applyRecheck(a.judged, second, a.options, crashed);
  const kept = Object.values(judged.recheck).filter((r) => r.confirmed).length;
  progress?.info(`recheck: ${kept} of ${ids.length} regression${ids.length === 1 ? '' : 's'} confirmed`);
  return { judged, suites, again };
}
