// A local stand-in for the slice of the GitHub REST API perf-action uses, as Octokit calls it:
//   GET    /repos/{owner}/{repo}/issues/{n}/comments?per_page=&page=   (Link: next/last/prev/first)
//   POST   /repos/{owner}/{repo}/issues/{n}/comments
//   GET    /repos/{owner}/{repo}/issues/comments/{id}
//   PATCH  /repos/{owner}/{repo}/issues/comments/{id}
//   DELETE /repos/{owner}/{repo}/issues/comments/{id}
//   GET    /repos/{owner}/{repo}/commits/{sha}/pulls
//   GET    /repos/{owner}/{repo}/pulls/{n}
// Every route is also served under /repositories/{id}/..., the form GitHub uses in its Link headers.
// Tokens: "token X" or "Bearer X"; a read-only token gets 403 "Resource not accessible by integration" on
// writes (what a fork PR's GITHUB_TOKEN gets), an unknown token 401 "Bad credentials". Comment bodies over
// 65,536 characters get 422 "Body is too long (maximum is 65536 characters)". Faults are injected per route.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const WRITE_TOKEN = 'ghs_standinWriteToken000000000000000000';
export const READ_ONLY_TOKEN = 'ghs_standinReadOnlyToken0000000000000000';
export const MAX_COMMENT_CHARS = 65_536;

export type RouteName =
  | 'listComments'
  | 'createComment'
  | 'getComment'
  | 'updateComment'
  | 'deleteComment'
  | 'listPullsForCommit'
  | 'getPull'
  | 'listIssueEvents'
  | 'viewer';

export type ApiFault =
  /** A 5xx; 502 and 504 come back as HTML pages like GitHub's front end sends. With `afterWrite`, the request
   * is carried out first and only its answer is lost (a proxy timing out on a write that went through). */
  | { kind: 'server-error'; status?: 500 | 502 | 503 | 504; times?: number; afterWrite?: boolean }
  /** 403 (or 429) with retry-after and the documented secondary-rate-limit message. */
  | { kind: 'secondary-rate-limit'; status?: 403 | 429; retryAfter?: number; times?: number }
  /** 403 (or 429) with x-ratelimit-remaining: 0 and x-ratelimit-reset `resetAfter` seconds from now. */
  | { kind: 'primary-rate-limit'; status?: 403 | 429; resetAfter?: number; times?: number };

export interface TokenSpec {
  permission: 'write' | 'read';
  login?: string;
  userId?: number;
  type?: 'Bot' | 'User';
}

export interface PullSeed {
  number: number;
  headSha: string;
  headRef?: string;
  baseRef?: string;
  baseSha?: string;
  state?: 'open' | 'closed';
  merged?: boolean;
  mergeCommitSha?: string;
  /** Other commits of the PR (listPullsForCommit finds the PR by any of them). */
  commits?: string[];
  /** The head repository's full name when the PR comes from a fork. */
  headRepo?: string;
  title?: string;
}

export interface GitHubApiOptions {
  /** "owner/repo" (default "octo-org/octo-repo"); other repositories are 404. */
  repository?: string;
  repositoryId?: number;
  /** Default: WRITE_TOKEN writes as github-actions[bot], READ_ONLY_TOKEN can only read. */
  tokens?: Record<string, TokenSpec>;
  pulls?: PullSeed[];
  /** Issue numbers that exist besides the pulls. */
  issues?: number[];
}

export interface CommentSnapshot {
  id: number;
  issue: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface ApiRequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  route?: RouteName;
  token?: string;
  status: number;
  fault?: ApiFault['kind'];
}

export interface GitHubApi {
  /** Base URL without a trailing slash (Octokit's baseUrl, GITHUB_API_URL). */
  readonly url: string;
  readonly requests: ApiRequestRecord[];
  /** Comments on an issue or PR, oldest first. */
  comments(issue: number): CommentSnapshot[];
  /** Seed a comment without going through the API (for 'an earlier run left a comment'). */
  addComment(issue: number, body: string, login?: string): CommentSnapshot;
  addPull(pull: PullSeed): void;
  /** Record that `login` added (or removed) a label on an issue or PR: what GET .../issues/{n}/events lists. */
  label(issue: number, name: string, login: string, action?: 'labeled' | 'unlabeled'): void;
  /** Queue a fault for a route ('*' for every route); faults are consumed in order. */
  inject(route: RouteName | '*', fault: ApiFault): void;
  close(): Promise<void>;
}

interface Comment {
  id: number;
  issue: number;
  body: string;
  login: string;
  userId: number;
  type: 'Bot' | 'User';
  createdAt: Date;
  updatedAt: Date;
}

const DOCS = 'https://docs.github.com/rest';

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message));
  }
}

const notFound = () => new ApiError(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });

function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startGitHubApi(opts: GitHubApiOptions = {}): Promise<GitHubApi> {
  const fullName = opts.repository ?? 'octo-org/octo-repo';
  const [owner, repo] = fullName.split('/') as [string, string];
  const repoId = opts.repositoryId ?? 123456789;
  const tokens: Record<string, TokenSpec> = opts.tokens ?? {
    [WRITE_TOKEN]: { permission: 'write', login: 'github-actions[bot]', userId: 41898282, type: 'Bot' },
    [READ_ONLY_TOKEN]: { permission: 'read', login: 'github-actions[bot]', userId: 41898282, type: 'Bot' },
  };
  const pulls = new Map<number, PullSeed>();
  for (const p of opts.pulls ?? []) pulls.set(p.number, p);
  const issues = new Set(opts.issues ?? []);
  const comments: Comment[] = [];
  const requests: ApiRequestRecord[] = [];
  const faults: { route: RouteName | '*'; fault: ApiFault; remaining: number }[] = [];
  let nextCommentId = 1_000_000_001;
  const issueEvents: Array<{ issue: number; id: number; event: string; login: string; label: string; at: Date }> = [];
  let base = '';
  let remaining = 5000;
  const resetAt = Math.floor(Date.now() / 1000) + 3600;

  const repoUrl = () => `${base}/repos/${owner}/${repo}`;
  const issueExists = (n: number) => pulls.has(n) || issues.has(n);
  const htmlBase = `https://github.com/${owner}/${repo}`;

  function repoJson(name: string, fork: boolean) {
    const [o = owner, r = repo] = name.split('/');
    return {
      id: name === fullName ? repoId : repoId + 1,
      name: r,
      full_name: name,
      fork,
      private: false,
      owner: { login: o, type: 'Organization' },
      html_url: `https://github.com/${name}`,
      url: `${base}/repos/${name}`,
    };
  }

  function commentJson(c: Comment) {
    const kind = pulls.has(c.issue) ? 'pull' : 'issues';
    return {
      id: c.id,
      node_id: `IC_kwDO${Buffer.from(String(c.id)).toString('base64url')}`,
      url: `${repoUrl()}/issues/comments/${c.id}`,
      html_url: `${htmlBase}/${kind}/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${repoUrl()}/issues/${c.issue}`,
      body: c.body,
      user: {
        login: c.login,
        id: c.userId,
        type: c.type,
        site_admin: false,
        url: `${base}/users/${encodeURIComponent(c.login)}`,
      },
      created_at: c.createdAt.toISOString().replace(/\.\d+Z$/, 'Z'),
      updated_at: c.updatedAt.toISOString().replace(/\.\d+Z$/, 'Z'),
      author_association: c.type === 'Bot' ? 'NONE' : 'MEMBER',
      performed_via_github_app: null,
    };
  }

  function pullJson(p: PullSeed) {
    const headRepo = p.headRepo ?? fullName;
    const merged = p.merged ?? false;
    return {
      url: `${repoUrl()}/pulls/${p.number}`,
      id: 2_000_000_000 + p.number,
      node_id: `PR_kwDO${Buffer.from(String(p.number)).toString('base64url')}`,
      html_url: `${htmlBase}/pull/${p.number}`,
      number: p.number,
      state: p.state ?? (merged ? 'closed' : 'open'),
      locked: false,
      title: p.title ?? `Pull request #${p.number}`,
      user: { login: 'octocat', id: 583231, type: 'User' },
      body: null,
      draft: false,
      merged,
      merge_commit_sha: p.mergeCommitSha ?? null,
      head: {
        label: `${headRepo.split('/')[0]}:${p.headRef ?? `feature-${p.number}`}`,
        ref: p.headRef ?? `feature-${p.number}`,
        sha: p.headSha,
        repo: repoJson(headRepo, headRepo !== fullName),
      },
      base: {
        label: `${owner}:${p.baseRef ?? 'main'}`,
        ref: p.baseRef ?? 'main',
        sha: p.baseSha ?? '0'.repeat(40),
        repo: repoJson(fullName, false),
      },
    };
  }

  /** Slice `items` by per_page/page and build GitHub's Link header from the request's own path. */
  function paginate<T>(items: T[], path: string, query: URLSearchParams): { page: T[]; link?: string } {
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const at = (n: number) => {
      const q = new URLSearchParams(query);
      q.set('per_page', String(perPage));
      q.set('page', String(n));
      return `<${base}${path}?${q.toString()}>`;
    };
    const links: string[] = [];
    if (page > 1) links.push(`${at(page - 1)}; rel="prev"`);
    if (page < last) links.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
    if (page > 1) links.push(`${at(1)}; rel="first"`);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    return links.length ? { page: slice, link: links.join(', ') } : { page: slice };
  }

  function takeFault(route: RouteName): ApiFault | undefined {
    const i = faults.findIndex((f) => f.route === route || f.route === '*');
    if (i < 0) return undefined;
    const f = faults[i] as (typeof faults)[number];
    f.remaining -= 1;
    if (f.remaining <= 0) faults.splice(i, 1);
    return f.fault;
  }

  function faultError(fault: ApiFault): ApiError {
    const now = Math.floor(Date.now() / 1000);
    if (fault.kind === 'server-error') {
      const status = fault.status ?? 500;
      const message = status === 503 ? 'Service Unavailable' : 'Server Error';
      return new ApiError(status, { message, status: String(status) });
    }
    if (fault.kind === 'secondary-rate-limit') {
      return new ApiError(
        fault.status ?? 403,
        {
          message:
            'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.',
          documentation_url:
            'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: String(fault.status ?? 403),
        },
        { 'retry-after': String(fault.retryAfter ?? 1) },
      );
    }
    return new ApiError(
      fault.status ?? 403,
      {
        message: `API rate limit exceeded for installation ID ${repoId}. If you reach out to GitHub Support for help, please include the request ID ${randomUUID()} and timestamp ${new Date().toISOString()}.`,
        documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
        status: String(fault.status ?? 403),
      },
      {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '5000',
        'x-ratelimit-reset': String(now + (fault.resetAfter ?? 60)),
      },
    );
  }

  interface Matched {
    route: RouteName;
    write: boolean;
    params: string[];
    /** The canonical path, in the /repositories/{id}/... form GitHub's Link headers use. */
    canonical: string;
  }

  function match(method: string, path: string): Matched | undefined {
    // Normalise /repositories/{id}/... to /repos/{owner}/{repo}/...; other repositories are 404.
    let rest: string;
    const byId = /^\/repositories\/(\d+)(\/.*)$/.exec(path);
    const byName = /^\/repos\/([^/]+)\/([^/]+)(\/.*)$/.exec(path);
    if (byId) {
      if (Number(byId[1]) !== repoId) return undefined;
      rest = byId[2] as string;
    } else if (byName) {
      if (`${byName[1]}/${byName[2]}`.toLowerCase() !== fullName.toLowerCase()) return undefined;
      rest = byName[3] as string;
    } else {
      return undefined;
    }
    const table: [string, RegExp, RouteName, boolean][] = [
      ['GET', /^\/issues\/(\d+)\/comments$/, 'listComments', false],
      ['POST', /^\/issues\/(\d+)\/comments$/, 'createComment', true],
      ['GET', /^\/issues\/comments\/(\d+)$/, 'getComment', false],
      ['PATCH', /^\/issues\/comments\/(\d+)$/, 'updateComment', true],
      ['DELETE', /^\/issues\/comments\/(\d+)$/, 'deleteComment', true],
      ['GET', /^\/commits\/([0-9a-fA-F]{4,40})\/pulls$/, 'listPullsForCommit', false],
      ['GET', /^\/pulls\/(\d+)$/, 'getPull', false],
      ['GET', /^\/issues\/(\d+)\/events$/, 'listIssueEvents', false],
    ];
    for (const [m, re, route, write] of table) {
      const hit = re.exec(rest);
      if (hit && m === method)
        return { route, write, params: hit.slice(1), canonical: `/repositories/${repoId}${rest}` };
    }
    return undefined;
  }

  function parseJson(text: string): Record<string, unknown> {
    try {
      const v: unknown = JSON.parse(text || '{}');
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new ApiError(400, { message: 'Problems parsing JSON', documentation_url: DOCS, status: '400' });
  }

  function checkBody(body: Record<string, unknown>, docs: string): string {
    if (typeof body.body !== 'string') {
      throw new ApiError(422, {
        message: `Invalid request.\n\nFor 'properties/body', ${body.body === undefined ? 'nil' : JSON.stringify(body.body)} is not a string.`,
        documentation_url: docs,
        status: '422',
      });
    }
    if (charCount(body.body) > MAX_COMMENT_CHARS) {
      throw new ApiError(422, {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'IssueComment',
            code: 'unprocessable',
            field: 'data',
            message: `Body is too long (maximum is ${MAX_COMMENT_CHARS} characters)`,
          },
        ],
        documentation_url: docs,
        status: '422',
      });
    }
    return body.body;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, record: ApiRequestRecord) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const text = await readBody(req);
    remaining = Math.max(0, remaining - 1);
    const common: Record<string, string> = {
      'x-github-request-id': randomUUID().toUpperCase(),
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-reset': String(resetAt),
      'x-ratelimit-used': String(5000 - remaining),
      'x-ratelimit-resource': 'core',
    };
    let lostAnswer: ApiFault | undefined;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (lostAnswer && status < 400) {
        // The write went through; the client only sees the fault.
        const fault = faultError(lostAnswer);
        lostAnswer = undefined;
        return send(fault.status, fault.body, fault.headers);
      }
      record.status = status;
      if (status >= 502 && status !== 503) {
        res.writeHead(status, { ...common, 'content-type': 'text/html', ...headers });
        res.end(`<html><body><h1>${status} ${status === 502 ? 'Bad Gateway' : 'Gateway Timeout'}</h1></body></html>`);
        return;
      }
      res.writeHead(status, { ...common, 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(status === 204 ? undefined : JSON.stringify(body));
    };
    try {
      const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
      const tokenValue = auth?.[1];
      if (tokenValue) record.token = tokenValue;
      const spec = tokenValue ? tokens[tokenValue] : undefined;
      if (tokenValue && !spec) {
        throw new ApiError(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
      }
      // GraphQL: only `viewer { login }`, which GitHub answers for every kind of token (GITHUB_TOKEN included,
      // where REST's GET /user is 403).
      if (method === 'POST' && url.pathname === '/graphql') {
        record.route = 'viewer';
        const fault = takeFault('viewer');
        if (fault) {
          record.fault = fault.kind;
          throw faultError(fault);
        }
        if (!spec)
          throw new ApiError(401, { message: 'This endpoint requires you to be authenticated.', status: '401' });
        const q = String(parseJson(text).query ?? '');
        if (!/\bviewer\b/.test(q) || !/\blogin\b/.test(q)) {
          return send(200, { errors: [{ message: 'this stand-in answers only viewer { login }' }] });
        }
        return send(200, { data: { viewer: { login: spec.login } } });
      }
      const m = match(method, url.pathname);
      if (!m) throw notFound();
      record.route = m.route;
      const fault = takeFault(m.route);
      if (fault) {
        record.fault = fault.kind;
        if (fault.kind === 'server-error' && fault.afterWrite) lostAnswer = fault;
        else throw faultError(fault);
      }
      const docs = `${DOCS}/issues/comments`;
      if (m.write && !spec) {
        throw new ApiError(401, { message: 'Requires authentication', documentation_url: DOCS, status: '401' });
      }
      if (m.write && spec?.permission !== 'write') {
        throw new ApiError(403, {
          message: 'Resource not accessible by integration',
          documentation_url: `${docs}#${m.route === 'createComment' ? 'create-an-issue-comment' : 'update-an-issue-comment'}`,
          status: '403',
        });
      }
      const n = Number(m.params[0]);
      switch (m.route) {
        case 'listComments': {
          if (!issueExists(n)) throw notFound();
          const list = comments.filter((c) => c.issue === n).map(commentJson);
          const { page, link } = paginate(list, m.canonical, url.searchParams);
          return send(200, page, link ? { link } : {});
        }
        case 'createComment': {
          if (!issueExists(n)) throw notFound();
          const body = checkBody(parseJson(text), `${docs}#create-an-issue-comment`);
          const now = new Date();
          const c: Comment = {
            id: nextCommentId++,
            issue: n,
            body,
            login: spec?.login ?? 'github-actions[bot]',
            userId: spec?.userId ?? 41898282,
            type: spec?.type ?? 'Bot',
            createdAt: now,
            updatedAt: now,
          };
          comments.push(c);
          const json = commentJson(c);
          return send(201, json, { location: json.url });
        }
        case 'getComment':
        case 'updateComment':
        case 'deleteComment': {
          const c = comments.find((x) => x.id === n);
          if (!c) throw notFound();
          if (m.route === 'getComment') return send(200, commentJson(c));
          if (m.route === 'deleteComment') {
            comments.splice(comments.indexOf(c), 1);
            return send(204, null);
          }
          c.body = checkBody(parseJson(text), `${docs}#update-an-issue-comment`);
          c.updatedAt = new Date();
          return send(200, commentJson(c));
        }
        case 'listPullsForCommit': {
          const sha = (m.params[0] as string).toLowerCase();
          const hits = [...pulls.values()]
            .filter(
              (p) =>
                p.headSha.toLowerCase().startsWith(sha) ||
                (p.commits ?? []).some((c) => c.toLowerCase().startsWith(sha)) ||
                (p.mergeCommitSha ?? '').toLowerCase().startsWith(sha),
            )
            .sort((a, b) => b.number - a.number)
            .map(pullJson);
          const { page, link } = paginate(hits, m.canonical, url.searchParams);
          return send(200, page, link ? { link } : {});
        }
        case 'getPull': {
          const p = pulls.get(n);
          if (!p) throw notFound();
          return send(200, pullJson(p));
        }
        case 'listIssueEvents': {
          if (!issueExists(n)) throw notFound();
          // Oldest first, as GitHub lists them; only the fields of label events that clients read.
          const list = issueEvents
            .filter((e) => e.issue === n)
            .map((e) => ({
              id: e.id,
              node_id: `LE_${e.id}`,
              url: `${base}/repos/${fullName}/issues/events/${e.id}`,
              actor: { login: e.login, id: 1000 + e.login.length, type: 'User' },
              event: e.event,
              commit_id: null,
              commit_url: null,
              created_at: e.at.toISOString(),
              label: { name: e.label, color: 'ededed' },
            }));
          const { page, link } = paginate(list, m.canonical, url.searchParams);
          return send(200, page, link ? { link } : {});
        }
      }
    } catch (err) {
      if (err instanceof ApiError) return send(err.status, err.body, err.headers);
      throw err;
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record: ApiRequestRecord = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    requests.push(record);
    handle(req, res, record).catch((err: unknown) => {
      record.status = 500;
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: String(err) }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const snapshot = (c: Comment): CommentSnapshot => ({
    id: c.id,
    issue: c.issue,
    body: c.body,
    user: c.login,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  });

  return {
    url: base,
    requests,
    comments: (issue) => comments.filter((c) => c.issue === issue).map(snapshot),
    addComment(issue, body, login = 'someone') {
      if (!issueExists(issue)) issues.add(issue);
      const now = new Date();
      const c: Comment = {
        id: nextCommentId++,
        issue,
        body,
        login,
        userId: 1000 + comments.length,
        type: login.endsWith('[bot]') ? 'Bot' : 'User',
        createdAt: now,
        updatedAt: now,
      };
      comments.push(c);
      return snapshot(c);
    },
    addPull: (p) => void pulls.set(p.number, p),
    label(issue, name, login, action = 'labeled') {
      issueEvents.push({
        issue,
        id: 5_000_000 + issueEvents.length,
        event: action,
        login,
        label: name,
        at: new Date(),
      });
    },
    inject(route, fault) {
      faults.push({ route, fault, remaining: fault.times ?? 1 });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
