// One annotation per failed criterion and per regression, on the perf.yml line of the criterion or of the
// suite that measured the metric, so the check's annotations point a reviewer at the config that decided.

import type { PerfConfig } from '../config/load.ts';
import { formatPercent } from '../model/percent.ts';
import { formatValue } from '../model/units.ts';
import type { VerdictDocument } from '../model/verdict.ts';
import { repoRelative } from './failure.ts';

export interface Annotation {
  level: 'error' | 'warning';
  message: string;
  props: { title: string; file?: string; startLine?: number };
}

export interface AnnotationConfig {
  /** The config file (absolute), made relative to the workspace so the annotation attaches to it. */
  file: string;
  lines?: PerfConfig['lines'];
  /** Regressions are errors when they gate, warnings when they do not. */
  regressionsGate: boolean;
}

/** GitHub shows at most 10 annotations of each level per step: the rest are summed up in the last one. */
export const MAX_ANNOTATIONS = 10;

export function annotationsFor(
  verdict: VerdictDocument,
  config: AnnotationConfig | undefined,
  workspace: string | undefined,
): Annotation[] {
  const file = config ? repoRelative(config.file, workspace) : undefined;
  const at = (line: number | undefined) => ({
    ...(file ? { file } : {}),
    ...(line !== undefined ? { startLine: line } : {}),
  });
  const out: Annotation[] = [];
  verdict.criteria.forEach((c, i) => {
    if (c.status === 'pass') return;
    out.push({
      level: c.status === 'warn' ? 'warning' : 'error',
      message: `${c.expect}: ${c.status}${c.detail ? ` (${c.detail})` : ''}`,
      props: { title: `perf-action: ${c.name ?? 'criterion'}`, ...at(config?.lines?.criteria[i]) },
    });
  });
  // Accepted (by a PR label) or not gating: still shown on the line, as a warning.
  const level = config?.regressionsGate === false || verdict.accepted ? 'warning' : 'error';
  const regressed = verdict.comparisons.filter((c) => c.verdict === 'regressed');
  const shown = regressed.length > MAX_ANNOTATIONS ? regressed.slice(0, MAX_ANNOTATIONS - 1) : regressed;
  for (const c of shown) {
    const suite = c.id.split('/')[0] ?? '';
    const change = c.ratio !== undefined ? ` (${formatPercent(c.ratio - 1)})` : '';
    const values =
      c.base !== undefined && c.head !== undefined
        ? `: ${formatValue(c.base, c.unit)} → ${formatValue(c.head, c.unit)}${change}`
        : '';
    out.push({
      level,
      message: `${c.id} regressed${values}`,
      props: { title: `perf-action: ${suite} regressed`, ...at(config?.lines?.suites[suite]) },
    });
  }
  if (shown.length < regressed.length) {
    const rest = regressed.length - shown.length;
    out.push({
      level,
      message: `${rest} more metrics regressed: ${regressed
        .slice(shown.length, shown.length + 5)
        .map((c) => c.id)
        .join(', ')}${rest > 5 ? ', …' : ''} (see the report)`,
      props: { title: 'perf-action: more regressions', ...(file ? { file } : {}) },
    });
  }
  return out;
}
