// The action's inputs (action.yml), read and checked in one place so a typo fails with a clear message.

import type { ShardPosition } from '../model/results.ts';
import { parseShard, parseStartAt, ShardError } from '../runner/shard.ts';

export type Mode = 'run' | 'report' | 'merge';
export type BaselineSource = 'cache' | 'file' | 'none';
export type SavePolicy = 'auto' | 'always' | 'never';
export type CommentPolicy = 'always' | 'on-change' | 'on-failure' | 'never';
export type CompareTo = 'baseline' | 'base' | 'auto';

export interface ActionInputs {
  config?: string;
  githubToken: string;
  mode: Mode;
  baseline: BaselineSource;
  baselineFile?: string;
  saveBaseline: SavePolicy;
  comment: CommentPolicy;
  commentId?: string;
  failOn?: Array<'criteria' | 'regression'>;
  results?: string;
  /** mode: report: the uploaded verdict (default: verdict.json beside `results`). */
  verdict?: string;
  workingDirectory: string;
  /** Overrides ab.compare-to of perf.yml when given. */
  compareTo?: CompareTo;
  /** Run under pull_request_target at all (it never saves a baseline either way). */
  allowPullRequestTarget: boolean;
  /** Mermaid trend charts of the changed metrics in the comment and the summary. */
  trendChart: boolean;
  /** A pull request label that makes this PR's regressions non-blocking (undefined: off). */
  acceptLabel?: string;
  /** mode: run as one leg of a sharded run (`i/n`): measure this leg's suites, judge nothing. */
  shard?: ShardPosition;
  /** When every leg's split load starts (epoch ms). */
  startAt?: number;
}

/** The pull request label that accepts its regressions (action.yml's default for accept-label). */
export const DEFAULT_ACCEPT_LABEL = 'accept-regression';

export class InputError extends Error {
  override name = 'InputError';
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[], fallback: T): T {
  if (value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`input "${name}" is "${value}"; use one of: ${allowed.join(', ')}`);
}

/** `get` is core.getInput: it returns '' for inputs that were not given. */
export function readInputs(get: (name: string) => string): ActionInputs {
  const mode = oneOf('mode', get('mode'), ['run', 'report', 'merge'] as const, 'run');
  const baselineRaw = get('baseline');
  // `baseline: path/to/file.json` is a file baseline; the keywords choose a store.
  const isFile = baselineRaw !== '' && !['cache', 'file', 'none'].includes(baselineRaw);
  const baseline = isFile ? 'file' : oneOf('baseline', baselineRaw, ['cache', 'file', 'none'] as const, 'cache');
  const baselineFile = isFile ? baselineRaw : get('baseline-file') || undefined;
  if (baseline === 'file' && !baselineFile) {
    throw new InputError(
      'input "baseline" is "file" but no file was given: set baseline-file (or baseline: path/to/results.json)',
    );
  }
  const failOnRaw = get('fail-on');
  let failOn: ActionInputs['failOn'];
  if (failOnRaw !== '') {
    const items = failOnRaw
      .replace(/^\[|\]$/g, '')
      .split(/[\s,]+/)
      .filter((s) => s !== '' && s !== 'none');
    for (const it of items) {
      if (it !== 'criteria' && it !== 'regression') {
        throw new InputError(`input "fail-on" has "${it}"; use criteria, regression, both, or none`);
      }
    }
    failOn = items as Array<'criteria' | 'regression'>;
  }
  const results = get('results') || undefined;
  if (mode === 'report' && !results) {
    throw new InputError('mode: report needs the input "results": the results file the pull_request workflow uploaded');
  }
  if (mode === 'merge' && !results) {
    throw new InputError(
      'mode: merge needs the input "results": the legs\' results files, or the folder download-artifact put them in',
    );
  }
  let shard: ShardPosition | undefined;
  let startAt: number | undefined;
  try {
    shard = get('shard') ? parseShard(get('shard'), 'input "shard"') : undefined;
    startAt = get('start-at') ? parseStartAt(get('start-at'), 'input "start-at"') : undefined;
  } catch (err) {
    if (err instanceof ShardError) throw new InputError(err.message);
    throw err;
  }
  // The runner fills in action.yml's default; a caller that does not (tests, other runners) gets the same one.
  const acceptRaw = get('accept-label').trim() || DEFAULT_ACCEPT_LABEL;
  const acceptLabel = acceptRaw === 'none' ? undefined : acceptRaw;
  if (shard && mode !== 'run')
    throw new InputError(`input "shard" is for mode: run (each leg); mode ${mode} takes none`);
  if (startAt !== undefined && !shard) throw new InputError('input "start-at" only applies to a leg: give "shard" too');
  const commentId = get('comment-id') || undefined;
  if (commentId && !/^[A-Za-z0-9_.-]+$/.test(commentId)) {
    throw new InputError(`input "comment-id" is "${commentId}"; use letters, digits, "_", "." or "-"`);
  }
  return {
    ...(get('config') ? { config: get('config') } : {}),
    githubToken: get('github-token'),
    mode,
    baseline,
    ...(baselineFile ? { baselineFile } : {}),
    saveBaseline: oneOf('save-baseline', get('save-baseline'), ['auto', 'always', 'never'] as const, 'auto'),
    comment: oneOf('comment', get('comment'), ['always', 'on-change', 'on-failure', 'never'] as const, 'always'),
    ...(commentId ? { commentId } : {}),
    ...(failOn ? { failOn } : {}),
    ...(results ? { results } : {}),
    ...(get('verdict') ? { verdict: get('verdict') } : {}),
    workingDirectory: get('working-directory') || '.',
    ...(get('compare-to')
      ? { compareTo: oneOf('compare-to', get('compare-to'), ['baseline', 'base', 'auto'] as const, 'baseline') }
      : {}),
    ...(shard ? { shard } : {}),
    ...(startAt !== undefined ? { startAt } : {}),
    ...(acceptLabel ? { acceptLabel } : {}),
    trendChart: oneOf('trend-chart', get('trend-chart'), ['true', 'false'] as const, 'true') === 'true',
    allowPullRequestTarget:
      oneOf('allow-pull-request-target', get('allow-pull-request-target'), ['true', 'false'] as const, 'false') ===
      'true',
  };
}
