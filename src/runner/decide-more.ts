// Runs the suites that compare/more.ts names again, pooling each run into the verdict, until every metric is
// decided, the gate's runs are used up, or the next run would overrun the budget. Shared by every entry.

import type { LoadedBaseline } from '../baseline/store.ts';
import { judge } from '../compare/judge.ts';
import { predictedMs, suitesToRunAgain } from '../compare/more.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { ResultsDocument } from '../model/results.ts';
import { type VerdictDocument, warning } from '../model/verdict.ts';
import { type RunOptions, runSuites } from './run.ts';

export interface DecideMoreArgs {
  loaded: LoadedConfig;
  /** The first run and its verdict. */
  results: ResultsDocument;
  verdict: VerdictDocument;
  baseline: LoadedBaseline | undefined;
  /** How to run the suites again (environment, progress, git, signal); `only` and `onSuite` are set here. */
  run: Omit<RunOptions, 'only' | 'onSuite'>;
  /** Clock, for tests. */
  now?: () => number;
}

export interface DecideMoreOutcome {
  verdict: VerdictDocument;
  /** The runs added, each holding only the suites run again (and finished). */
  more: ResultsDocument[];
}

export async function decideMore(a: DecideMoreArgs): Promise<DecideMoreOutcome> {
  const options = a.loaded.config.compare;
  const now = a.now ?? Date.now;
  const more: ResultsDocument[] = [];
  let verdict = a.verdict;
  if (!a.baseline) return { verdict, more };
  const progress = a.run.progress;
  let spent = 0;
  let stopped: string | undefined;
  const ran: string[] = [];
  while (1 + more.length < options.runs && !a.run.signal?.aborted) {
    const suites = suitesToRunAgain(verdict, a.results, options);
    if (suites.length === 0) break;
    const predicted = predictedMs(a.results, suites);
    if (spent + predicted > options.budget) {
      stopped = `another run of ${suites.join(', ')} (~${Math.round(predicted / 1000)} s) would overrun compare.budget (${Math.round(options.budget / 1000)} s)`;
      break;
    }
    progress?.info(`run ${more.length + 2} of up to ${options.runs}: ${suites.join(', ')} again to decide`);
    const started = now();
    let again: ResultsDocument;
    try {
      again = (await runSuites(a.loaded, { ...a.run, only: suites })).results;
    } catch (err) {
      // What was measured is never lost to a failed extra run: the verdict so far stands, with the reason.
      stopped = `running ${suites.join(', ')} again failed (${(err as Error).message})`;
      progress?.warn(stopped);
      break;
    }
    spent += now() - started;
    ran.push(...suites.filter((s) => !ran.includes(s)));
    more.push({ ...again, suites: again.suites.filter((s) => s.ok) });
    verdict = judge({
      head: a.results,
      more,
      baseline: a.baseline,
      criteria: a.loaded.config.criteria,
      options,
    });
  }
  if (more.length > 0 || stopped) {
    const message =
      more.length > 0
        ? `${more.length} more run${more.length === 1 ? '' : 's'} of ${ran.join(', ')} to decide (${Math.round(spent / 1000)} s)` +
          (stopped ? `; stopped: ${stopped}` : '')
        : `no run added: ${stopped}`;
    verdict = {
      ...verdict,
      warnings: [
        ...verdict.warnings,
        warning('runs-added', message, undefined, { runs: more.length, ms: Math.round(spent) }),
      ],
    };
  }
  return { verdict, more };
}
