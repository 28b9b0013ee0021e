// The verdict of an A/B run: the paired analysis as comparison rows, criteria on head's pooled rounds, and
// warnings that say this was measured on one runner, how many pairs it took, and why it stopped.

import type { CompareOptions } from '../compare/options.ts';
import { evaluateCriteria } from '../criteria/index.ts';
import type { CriterionConfig } from '../criteria/types.ts';
import { matchesGlob } from '../model/glob.ts';
import { allMetrics } from '../model/results.ts';
import { type Comparison, criterionBlocks, VERDICT_SCHEMA, type VerdictDocument, warning } from '../model/verdict.ts';
import { median } from '../stats/quantile.ts';
import type { AbOutcome } from './run-ab.ts';

const STOP_TEXT: Record<AbOutcome['stoppedBecause'], string> = {
  decided: 'every metric was decided',
  'max-rounds': 'ab.max-rounds was reached',
  'time-budget': 'ab.time-budget would have been exceeded by another round',
  aborted: 'it was interrupted',
};

/** The median of the finite values, undefined when there are none (a side whose every round failed). */
function finiteMedian(values: number[]): number | undefined {
  const finite = values.filter(Number.isFinite);
  return finite.length > 0 ? median(finite) : undefined;
}

export function abVerdict(
  outcome: AbOutcome,
  criteriaConfig: CriterionConfig[],
  options: CompareOptions,
  baseLabel: string,
): VerdictDocument {
  const ignored = (id: string) => options.ignore.some((g) => matchesGlob(g, id));
  const comparisons: Comparison[] = [];
  const bySeries = new Map(outcome.series.map((s) => [s.id, s]));
  for (const a of outcome.analyses) {
    if (ignored(a.id)) continue;
    const s = bySeries.get(a.id);
    const base = s ? finiteMedian(s.base) : undefined;
    const head = s ? finiteMedian(s.head) : undefined;
    comparisons.push({
      id: a.id,
      unit: s?.unit ?? '',
      better: a.better,
      ...(base !== undefined ? { base } : {}),
      ...(head !== undefined ? { head } : {}),
      ratio: a.ratio,
      ...(a.ci ? { ci: a.ci } : {}),
      p: a.p,
      verdict: a.decision.verdict,
      evidence: {
        test: 'paired',
        scale: 'log',
        level: 'median',
        nBase: a.n,
        nHead: a.n,
        headRuns: 1,
        alpha: a.alpha,
        family: { ...a.family, looks: outcome.looks.length },
        ...(a.decision.detectable !== undefined ? { detectable: Math.expm1(a.decision.detectable) } : {}),
      },
    });
  }
  // Metrics only one side produced.
  const analysed = new Set(outcome.analyses.map((a) => a.id));
  for (const [side, verdict] of [
    ['head', 'new'],
    ['base', 'missing'],
  ] as const) {
    for (const m of allMetrics(outcome.results[side])) {
      if (analysed.has(m.id) || ignored(m.id) || comparisons.some((c) => c.id === m.id)) continue;
      comparisons.push({
        id: m.id,
        unit: m.unit,
        better: m.better,
        ...(side === 'head' ? { head: m.stats.median } : { base: m.stats.median }),
        verdict,
      });
    }
  }
  comparisons.sort((x, y) => x.id.localeCompare(y.id));

  const criteria = evaluateCriteria(criteriaConfig, allMetrics(outcome.results.head));
  const minutes = (outcome.elapsedMs / 60_000).toFixed(1);
  const notes = [
    `same-runner A/B against ${baseLabel}: ${outcome.pairs} interleaved pair${outcome.pairs === 1 ? '' : 's'} in ` +
      `${minutes} min; stopped because ${STOP_TEXT[outcome.stoppedBecause]} ` +
      `(looks at ${outcome.looks.join(', ') || 'none'} pairs, each at ${(outcome.lookConfidence * 100).toFixed(2)}% confidence)`,
    ...outcome.failures,
  ];
  const inconclusive = comparisons.filter((c) => c.verdict === 'inconclusive').length;
  const warnings = notes.map((m, i) => warning(i === 0 ? 'same-runner' : 'note', m));
  if (inconclusive > 0) {
    warnings.push(
      warning(
        'undecided',
        `${inconclusive} metric${inconclusive === 1 ? ' is' : 's are'} inconclusive: the pairs did not rule out a change ` +
          'beyond min-effect; raise ab.max-rounds or ab.time-budget, or quiet the runner',
      ),
    );
  }
  const crashed = outcome.failures.length > 0 || outcome.pairs === 0;
  const criteriaFail = options.failOn.includes('criteria') && criteria.some(criterionBlocks);
  const regressionFail = options.failOn.includes('regression') && comparisons.some((c) => c.verdict === 'regressed');
  const baseDoc = outcome.results.base;
  const verdict: VerdictDocument = {
    schema: VERDICT_SCHEMA,
    status: criteriaFail || regressionFail || crashed ? 'fail' : 'pass',
    baseline: {
      ...(baseDoc.git?.sha ? { sha: baseDoc.git.sha } : {}),
      createdAt: baseDoc.createdAt,
      source: `same runner: ${baseLabel}, ${outcome.pairs} pairs`,
    },
    criteria,
    comparisons,
    warnings,
  };
  return verdict;
}
