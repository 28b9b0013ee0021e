// Octokit for the action, with retries on every request, and the few calls perf-action makes.

import * as github from '@actions/github';
import type { CommentApi } from './comment.ts';
import { type RetryOptions, withRetries } from './retry.ts';

export type Octokit = ReturnType<typeof github.getOctokit>;

export function makeOctokit(token: string, retry: RetryOptions): Octokit {
  const octokit = github.getOctokit(token);
  // Reads (and GraphQL queries) are retried here; a POST that creates something is not, since a 5xx may come
  // back for a write that went through (comment.ts retries a create only after looking for what it made).
  octokit.hook.wrap('request', (request, options) =>
    options.method === 'POST' && options.url !== '/graphql'
      ? request(options)
      : withRetries(async () => request(options), `GitHub API ${options.method} ${options.url}`, retry),
  );
  return octokit;
}

export function commentApi(octokit: Octokit, owner: string, repo: string): CommentApi {
  return {
    listComments: (pr) =>
      octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: pr, per_page: 100 }),
    createComment: async (pr, body) =>
      (await octokit.rest.issues.createComment({ owner, repo, issue_number: pr, body })).data,
    updateComment: async (id, body) =>
      (await octokit.rest.issues.updateComment({ owner, repo, comment_id: id, body })).data,
    viewer: async () => {
      const r = await octokit.graphql<{ viewer?: { login?: string } }>('query { viewer { login } }');
      return r.viewer?.login;
    },
  };
}

/** The open pull request whose head is `sha` (for workflow_run, where fork PRs are not in the payload). */
export async function findPullRequest(
  octokit: Octokit,
  owner: string,
  repo: string,
  sha: string,
): Promise<{ number: number; baseSha: string; baseRef: string } | undefined> {
  const { data } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha });
  const pr = data.find((p) => p.head.sha === sha && p.state === 'open') ?? data.find((p) => p.head.sha === sha);
  return pr ? { number: pr.number, baseSha: pr.base.sha, baseRef: pr.base.ref } : undefined;
}

export async function getPullRequest(
  octokit: Octokit,
  owner: string,
  repo: string,
  pr: number,
): Promise<{ number: number; headSha: string; baseSha: string; baseRef: string }> {
  const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: pr });
  return { number: data.number, headSha: data.head.sha, baseSha: data.base.sha, baseRef: data.base.ref };
}

/** Who last added `label` to the issue or pull request (its newest "labeled" event), if anyone. */
export async function labelAddedBy(
  octokit: Octokit,
  owner: string,
  repo: string,
  issue: number,
  label: string,
): Promise<string | undefined> {
  const events = await octokit.paginate(octokit.rest.issues.listEvents, {
    owner,
    repo,
    issue_number: issue,
    per_page: 100,
  });
  const added = events.filter(
    (e) => e.event === 'labeled' && (e as { label?: { name?: string } }).label?.name === label,
  );
  return added.at(-1)?.actor?.login ?? undefined;
}
