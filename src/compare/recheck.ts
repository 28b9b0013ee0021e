// Confirming regressions by measuring again. On a shared runner a whole run of one suite can land slow (seen
// on the 2-core development machine: every process of one kernel 25-55% slower, in 3 of 252 runs), and
// against a stored baseline nothing in that run tells it from a regression. A second run of the suite does:
// such spells pass, a regression stays. So before the gate fails, the suites with a regressed metric run
// once more, and a regression counts only when the second run shows it too.
//
// The second run tests only the metrics the first flagged (its own false-discovery family; their noise and
// the baseline's machine-wide level still estimated with all the metrics, as in the first run): they were
// chosen on the first run's data, and the second run's noise is independent of that choice, so the
// confirmation holds at the configured confidence by itself. Its question has a direction (is this metric
// worse?) and only `regressed` confirms, so it is asked one-sided: two-sided at twice the error rate
// (recheckOptions), whose regressions err at most at the configured rate. A false alarm then needs two in a
// row.

import type { ResultsDocument } from '../model/results.ts';
import type { Comparison, ComparisonVerdict } from '../model/verdict.ts';
import type { ComparisonDetail } from './compare.ts';
import type { CompareOptions } from './options.ts';
import { type DetailedVerdict, gateStatus } from './verdict.ts';

/** What the second run said about a metric the first called regressed. */
export interface RecheckDetail {
  /** The second run's change (head/base), when it measured the metric. */
  ratio?: number;
  /** The second run's verdict; `missing` when its suite did not produce the metric (crashed, say). */
  verdict: ComparisonVerdict;
  /** The regression stands: the second run found it too, or could not measure it. */
  confirmed: boolean;
}

/**
 * Options for judging the second run: the two-sided test at 1 − 2α, whose `regressed` verdicts are a
 * one-sided test at α (α = 1 − confidence).
 */
export function recheckOptions(options: CompareOptions): CompareOptions {
  return { ...options, confidence: 1 - 2 * (1 - options.confidence) };
}

/** Ids of the metrics called regressed, and the suites (by name) that measured them, in results order. */
export function regressionsToRecheck(
  judged: DetailedVerdict,
  head: ResultsDocument,
): { ids: string[]; suites: string[] } {
  const regressed = new Set(judged.verdict.comparisons.filter((c) => c.verdict === 'regressed').map((c) => c.id));
  const suites = head.suites.filter((s) => s.metrics.some((m) => regressed.has(m.id))).map((s) => s.name);
  return { ids: [...regressed], suites };
}

/** What the second run's comparisons say about one metric the first called regressed. */
export function recheckOf(id: string, again: ReadonlyMap<string, Comparison>): RecheckDetail {
  const s = again.get(id);
  const measured = s !== undefined && s.verdict !== 'missing';
  return {
    ...(s?.ratio !== undefined ? { ratio: s.ratio } : {}),
    verdict: s?.verdict ?? 'missing',
    confirmed: !measured || s.verdict === 'regressed',
  };
}

/**
 * The first judgement with every regression checked against the second: confirmed ones stay regressed; the
 * others become inconclusive, saying what both runs showed. A metric the second run did not measure (its
 * suite crashed) stays regressed: nothing cleared it. The gate's status follows the new verdicts;
 * `crashed` counts the first run's crashed suites, which fail the gate whatever the recheck says.
 */
export function applyRecheck(
  first: DetailedVerdict,
  second: DetailedVerdict,
  options: CompareOptions,
  crashed: number,
): DetailedVerdict & { recheck: Record<string, RecheckDetail> } {
  const again = new Map(second.verdict.comparisons.map((c) => [c.id, c]));
  const recheck: Record<string, RecheckDetail> = {};
  const details: Record<string, ComparisonDetail> = { ...first.details };
  const pct = (r: number | undefined) => {
    if (r === undefined) return 'not measured';
    const text = ((r - 1) * 100).toFixed(1);
    return Number(text) === 0 ? '0.0%' : `${r > 1 ? '+' : ''}${text}%`;
  };
  const comparisons = first.verdict.comparisons.map((c) => {
    if (c.verdict !== 'regressed') return c;
    const r = recheckOf(c.id, again);
    recheck[c.id] = r;
    const d = details[c.id];
    if (r.confirmed) {
      if (d) details[c.id] = { ...d, recheck: r };
      return c;
    }
    if (d) {
      const reason = `regressed in this run (${pct(c.ratio)}), not when its suite ran again (${pct(r.ratio)})`;
      details[c.id] = { ...d, reason, recheck: r };
    }
    return { ...c, verdict: 'inconclusive' as const };
  });
  const ids = Object.keys(recheck);
  const cleared = ids.filter((id) => !recheck[id]?.confirmed);
  const warnings = [...first.verdict.warnings];
  if (ids.length > 0) {
    const named = cleared
      .slice(0, 3)
      .map(
        (id) =>
          `${JSON.stringify(id)} ${pct(first.verdict.comparisons.find((c) => c.id === id)?.ratio)}, then ${pct(recheck[id]?.ratio)}`,
      );
    warnings.push(
      `${ids.length} regression${ids.length === 1 ? '' : 's'} checked by running ${ids.length === 1 ? 'its suite' : 'their suites'} ` +
        `again: ${ids.length - cleared.length} confirmed` +
        (cleared.length > 0
          ? `, ${cleared.length} not (a slow spell of the runner, not the code): ${named.join('; ')}${cleared.length > 3 ? ', ...' : ''}`
          : ''),
    );
  }
  const status = gateStatus({ criteria: first.verdict.criteria, comparisons, crashed, failOn: options.failOn });
  return { verdict: { ...first.verdict, status, comparisons, warnings }, details, recheck };
}
