// Which criteria a partial run can judge: `run --suite NAME` measures only some suites, and a criterion on a
// suite that did not run would only report `missing`. A criterion stays when any of its selectors can match
// a selected suite (a glob in the suite segment can match anything, so it stays).

import { parseCriterion } from './parse.ts';
import type { CriterionConfig } from './types.ts';

function suiteOf(pattern: string): string | undefined {
  const first = pattern.split('/')[0] ?? '';
  return /[*?[]/.test(first) ? undefined : first;
}

/** The criteria about the given suites; all of them when `suites` is empty (no --suite given). */
export function criteriaForSuites(criteria: readonly CriterionConfig[], suites: readonly string[]): CriterionConfig[] {
  if (suites.length === 0) return [...criteria];
  const selected = new Set(suites);
  return criteria.filter((c) => {
    let patterns: string[];
    try {
      const { selector } = parseCriterion(c.expect);
      patterns = 'other' in selector ? [selector.pattern, selector.other] : [selector.pattern];
    } catch {
      return true; // a criterion that does not parse is reported where criteria are checked
    }
    return patterns.some((p) => {
      const suite = suiteOf(p);
      return suite === undefined || selected.has(suite);
    });
  });
}
