// The one rule for replacing a saved baseline, for every entry: a run that was cut short, or whose suites
// failed or could not be set up, never replaces it (its missing metrics would read as lost next time).

import type { ResultsDocument } from '../model/results.ts';

/** Why this run must not be saved as the baseline, or undefined when it may. */
export function whyNotSave(
  run: { results: ResultsDocument; setupErrors?: readonly string[] },
  opts: { aborted: boolean; always?: boolean },
): string | undefined {
  if (opts.aborted) return 'the run was interrupted';
  if (opts.always) return undefined;
  if ((run.setupErrors?.length ?? 0) > 0) return 'a suite could not be set up';
  const failed = run.results.suites.filter((s) => !s.ok).map((s) => JSON.stringify(s.name));
  return failed.length > 0 ? `suite ${failed.join(', ')} failed` : undefined;
}
