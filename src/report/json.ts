// The verdict as JSON (`compare --json`, the action's verdict.json). Keys come out in the documented order
// whatever order the object was built in, so two identical verdicts are byte-identical files and diff cleanly.

import type { Comparison, CriterionResult, VerdictDocument, VerdictWarning } from '../model/verdict.ts';

const ORDER = {
  verdict: ['schema', 'status', 'baseline', 'criteria', 'comparisons', 'warnings'],
  baseline: ['sha', 'createdAt', 'source'],
  criterion: ['name', 'expect', 'status', 'actual', 'unit', 'detail', 'relative'],
  // As in RelativeEvidence (criteria/types.ts).
  relative: ['kind', 'stat', 'pairs', 'unpaired', 'ambiguous'],
  pair: ['a', 'b', 'value', 'unit', 'limit', 'status'],
  side: ['id', 'value', 'unit'],
  comparison: ['id', 'unit', 'better', 'base', 'head', 'ratio', 'ci', 'p', 'verdict', 'evidence'],
  // As in the Evidence interface (model/verdict.ts).
  evidence: [
    'test',
    'scale',
    'level',
    'nBase',
    'nHead',
    'headRuns',
    'historyRuns',
    'sd',
    'df',
    'covariate',
    'slowSpell',
    'alpha',
    'family',
    'threshold',
    'interval',
    'detectable',
    'unconfirmed',
    'equivalence',
  ],
  family: ['size', 'rejected', 'looks'],
  warning: ['code', 'message', 'metrics', 'values'],
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

function comparison(c: Comparison): Record<string, unknown> {
  const e = c.evidence;
  const evidence = e
    ? ordered({ ...e, ...(e.family ? { family: ordered(e.family, ORDER.family) } : {}) }, ORDER.evidence)
    : undefined;
  return ordered({ ...c, evidence }, ORDER.comparison);
}

function criterion(c: CriterionResult): Record<string, unknown> {
  const r = c.relative;
  const relative = r
    ? ordered(
        {
          ...r,
          pairs: r.pairs.map((p) =>
            ordered({ ...p, a: ordered(p.a, ORDER.side), b: ordered(p.b, ORDER.side) }, ORDER.pair),
          ),
          unpaired: r.unpaired.map((u) => ordered(u, ['side', 'id'])),
          ambiguous: r.ambiguous.map((g) => ordered(g, ['a', 'b'])),
        },
        ORDER.relative,
      )
    : undefined;
  return ordered({ ...c, relative }, ORDER.criterion);
}

/** Code, message, metrics, values; the values' keys alphabetically (they have no documented order). */
function warningJson(w: VerdictWarning): Record<string, unknown> {
  return ordered({ ...w, ...(w.values ? { values: ordered(w.values, []) } : {}) }, ORDER.warning);
}

export function renderJson(verdict: VerdictDocument): string {
  const doc = ordered(
    {
      ...verdict,
      ...(verdict.baseline ? { baseline: ordered(verdict.baseline, ORDER.baseline) } : {}),
      criteria: verdict.criteria.map(criterion),
      comparisons: verdict.comparisons.map(comparison),
      warnings: verdict.warnings.map(warningJson),
    },
    ORDER.verdict,
  );
  return `${JSON.stringify(doc, null, 2)}\n`;
}
