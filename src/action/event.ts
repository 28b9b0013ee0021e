// What to do for the event that started the workflow: which baseline to compare with, whether this run
// may save a baseline, and which pull request to comment on. Pure: tests feed it event payloads.

export interface EventInput {
  eventName: string;
  /** The event payload (GITHUB_EVENT_PATH's JSON). */
  payload: Record<string, unknown>;
  /** GITHUB_REF, e.g. refs/heads/main or refs/pull/7/merge. */
  ref: string;
  sha: string;
  /** The repository's default branch, from the payload's repository. */
  defaultBranch?: string;
}

export interface EventPlan {
  /** Compare with a baseline at all. */
  compare: boolean;
  /** Prefer the baseline saved for this commit. */
  baseSha?: string;
  /** The branch whose newest baseline is the fallback. */
  baseBranch?: string;
  /** This run is trusted to save the baseline for `saveBranch`. */
  maySave: boolean;
  saveBranch?: string;
  /** The pull request to comment on, when known. */
  pr?: number;
  /** One line for the log and the report. */
  reason: string;
}

function get<T>(obj: unknown, ...keys: string[]): T | undefined {
  let cur = obj;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur as T | undefined;
}

const branchOf = (ref: string | undefined) => (ref?.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref);

export function planEvent(e: EventInput): EventPlan {
  const branch = branchOf(e.ref);
  // A schedule always runs on the default branch; its payload may carry no repository to say which it is.
  const defaultBranch =
    e.defaultBranch ??
    get<string>(e.payload, 'repository', 'default_branch') ??
    (e.eventName === 'schedule' ? branch : undefined);
  const onDefault = !!defaultBranch && branch === defaultBranch;
  switch (e.eventName) {
    case 'pull_request':
    case 'pull_request_target': {
      const baseSha = get<string>(e.payload, 'pull_request', 'base', 'sha');
      const baseBranch = get<string>(e.payload, 'pull_request', 'base', 'ref') ?? defaultBranch;
      const pr = get<number>(e.payload, 'pull_request', 'number') ?? get<number>(e.payload, 'number');
      return {
        compare: true,
        ...(baseSha ? { baseSha } : {}),
        ...(baseBranch ? { baseBranch } : {}),
        maySave: false,
        ...(pr ? { pr } : {}),
        reason: `pull request #${pr ?? '?'}: comparing with the baseline of ${baseBranch ?? 'the base branch'}${baseSha ? ` at ${baseSha.slice(0, 7)}` : ''}`,
      };
    }
    case 'merge_group': {
      const baseSha = get<string>(e.payload, 'merge_group', 'base_sha');
      const baseBranch = branchOf(get<string>(e.payload, 'merge_group', 'base_ref')) ?? defaultBranch;
      return {
        compare: true,
        ...(baseSha ? { baseSha } : {}),
        ...(baseBranch ? { baseBranch } : {}),
        maySave: false,
        reason: `merge queue: comparing with ${baseBranch ?? 'the base branch'}${baseSha ? ` at ${baseSha.slice(0, 7)}` : ''}; never saves`,
      };
    }
    case 'push': {
      const before = get<string>(e.payload, 'before');
      const validBefore = before && !/^0+$/.test(before) ? before : undefined;
      // Only the default branch saves baselines: other branches compare with it.
      const baseBranch = onDefault ? branch : (defaultBranch ?? branch);
      return {
        compare: true,
        ...(validBefore && onDefault ? { baseSha: validBefore } : {}),
        ...(baseBranch ? { baseBranch } : {}),
        maySave: onDefault,
        ...(onDefault && branch ? { saveBranch: branch } : {}),
        reason: onDefault
          ? `push to ${branch}: comparing with the previous baseline and saving this one`
          : `push to ${branch}: comparing with ${baseBranch ?? 'the default branch'}'s newest baseline (only ${defaultBranch ?? 'the default branch'} saves)`,
      };
    }
    case 'workflow_dispatch':
    case 'schedule': {
      const baseBranch = onDefault ? branch : (defaultBranch ?? branch);
      return {
        compare: true,
        ...(baseBranch ? { baseBranch } : {}),
        maySave: onDefault,
        ...(onDefault && branch ? { saveBranch: branch } : {}),
        reason: onDefault
          ? `${e.eventName} on ${branch}: comparing with its newest baseline and refreshing it`
          : `${e.eventName} on ${branch}: comparing with ${baseBranch ?? 'the default branch'}'s newest baseline`,
      };
    }
    case 'workflow_run': {
      const pr = get<Array<{ number: number }>>(e.payload, 'workflow_run', 'pull_requests')?.[0]?.number;
      return {
        compare: false,
        maySave: false,
        ...(pr ? { pr } : {}),
        reason: 'workflow_run: reporting results uploaded by the pull request workflow',
      };
    }
    default:
      return {
        compare: false,
        maySave: false,
        reason: `event "${e.eventName}" is not one perf-action compares on: running and reporting without a baseline`,
      };
  }
}
