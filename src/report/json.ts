// The verdict as JSON (`compare --json`, the action's verdict.json). Keys come out in the documented order
// whatever order the object was built in, so two identical verdicts are byte-identical files and diff cleanly.

import type { VerdictDocument } from '../model/verdict.ts';

const ORDER = {
  verdict: ['schema', 'status', 'baseline', 'criteria', 'comparisons', 'warnings'],
  baseline: ['sha', 'createdAt', 'source'],
  criterion: ['name', 'expect', 'status', 'actual', 'unit', 'detail'],
  comparison: ['id', 'unit', 'better', 'base', 'head', 'ratio', 'ci', 'p', 'verdict'],
};

/** Known keys in documented order, then any others alphabetically; undefined values are left out. */
function ordered(obj: object, order: readonly string[]): Record<string, unknown> {
  const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

export function renderJson(verdict: VerdictDocument): string {
  const doc = ordered(
    {
      ...verdict,
      ...(verdict.baseline ? { baseline: ordered(verdict.baseline, ORDER.baseline) } : {}),
      criteria: verdict.criteria.map((c) => ordered(c, ORDER.criterion)),
      comparisons: verdict.comparisons.map((c) => ordered(c, ORDER.comparison)),
    },
    ORDER.verdict,
  );
  return `${JSON.stringify(doc, null, 2)}\n`;
}
