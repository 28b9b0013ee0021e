// The action from inputs to a gated check: plan the event, restore the baseline, run (or, in report mode,
// read uploaded results), judge, write summary/outputs/annotations, comment, save the baseline, fail.

import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as cache from '@actions/cache';
import * as core from '@actions/core';
import { DEFAULT_AB } from '../ab/same-runner.ts';
import { repoRoot, resolveBase } from '../ab/worktree.ts';
import { CacheBaselineStore } from '../baseline/cache-store.ts';
import { FileBaselineStore, readResultsFile, writeJsonAtomic } from '../baseline/file.ts';
import type { BaselineStore, LoadedBaseline } from '../baseline/store.ts';
import { acceptRegressions } from '../compare/accept.ts';
import { judge } from '../compare/judge.ts';
import type { CompareOptions } from '../compare/options.ts';
import type { LoadedConfig } from '../config/load.ts';
import { legSuiteNames, runLeg } from '../gate/leg.ts';
import { loadGateConfig } from '../gate/load.ts';
import { mergeGate } from '../gate/merge.ts';
import { runGate } from '../gate/run.ts';
import { whyNotSave } from '../gate/save.ts';
import type { ResultsDocument, ShardPosition } from '../model/results.ts';
import { criterionBlocks, parseVerdict, type VerdictDocument, warning } from '../model/verdict.ts';
import { renderHtml, renderMarkdown } from '../report/index.ts';
import type { ProgressSink } from '../runner/progress.ts';
import type { Registry } from '../runner/registry.ts';
import { MergeError } from '../shard/merge.ts';
import { type AnnotationConfig, annotationsFor } from './annotations.ts';
import { observedCacheClient } from './cache-client.ts';
import { CommentCollisionError, STAMP_ROOM, upsertComment } from './comment.ts';
import { type EventPlan, planEvent } from './event.ts';
import { commentApi, findPullRequest, getPullRequest, labelAddedBy, makeOctokit, type Octokit } from './github.ts';
import { type ActionInputs, readInputs } from './inputs.ts';

const COMMENT_LIMIT = 65_536;
/** This process among the jobs of one run (comment.ts CommentStamp). */
const LEG = randomUUID().slice(0, 8);
// GitHub's limits: comments in characters, the job summary in bytes (1 MiB).
const SUMMARY_BYTES = 1_000_000;

interface RepoRef {
  owner: string;
  repo: string;
}

function repoRef(env: NodeJS.ProcessEnv): RepoRef {
  const [owner = '', repo = ''] = (env.GITHUB_REPOSITORY ?? '/').split('/');
  return { owner, repo };
}

function readPayload(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const file = env.GITHUB_EVENT_PATH;
  if (!file || !existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    core.warning(`could not read the event payload ${file}: ${(err as Error).message}`);
    return {};
  }
}

function isForkPr(payload: Record<string, unknown>): boolean {
  const pr = payload.pull_request as
    | { head?: { repo?: { full_name?: string } | null }; base?: { repo?: { full_name?: string } } }
    | undefined;
  if (!pr) return false;
  const head = pr.head?.repo?.full_name;
  return head === undefined || head !== pr.base?.repo?.full_name;
}

function retryOptions(env: NodeJS.ProcessEnv) {
  const base = Number(env.PERF_ACTION_RETRY_BASE_MS ?? 1000);
  return { retries: 4, baseDelayMs: base, maxDelayMs: Math.max(base * 16, 60_000), log: (m: string) => core.info(m) };
}

function cacheStore(
  loaded: { id: string },
  plan: Pick<EventPlan, 'baseBranch' | 'baseSha' | 'maySave' | 'saveBranch'>,
  env: NodeJS.ProcessEnv,
  allowSave: boolean,
): CacheBaselineStore {
  const sha = env.GITHUB_SHA ?? '';
  return new CacheBaselineStore({
    client: observedCacheClient(cache),
    os: env.RUNNER_OS ?? process.platform,
    arch: env.RUNNER_ARCH ?? process.arch,
    configId: loaded.id,
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
    ...(plan.baseBranch ? { baseBranch: plan.baseBranch } : {}),
    ...(plan.baseSha ? { baseSha: plan.baseSha } : {}),
    ...(allowSave && plan.saveBranch && sha
      ? {
          save: {
            branch: plan.saveBranch,
            sha,
            runId: env.GITHUB_RUN_ID ?? '0',
            attempt: env.GITHUB_RUN_ATTEMPT ?? '1',
          },
        }
      : {}),
    warn: (m) => core.warning(m),
  });
}

/** The stored baseline, or why there is none when the store failed (as opposed to holding none yet). */
async function loadBaseline(
  store: BaselineStore | undefined,
): Promise<{ baseline?: LoadedBaseline; baselineProblem?: string }> {
  if (!store) return {};
  try {
    const baseline = await store.load();
    if (baseline) return { baseline };
    return store.problem ? { baselineProblem: store.problem } : {};
  } catch (err) {
    core.warning(`no baseline: ${(err as Error).message}`);
    return { baselineProblem: (err as Error).message };
  }
}

function shouldComment(policy: ActionInputs['comment'], verdict: VerdictDocument): boolean {
  if (policy === 'never') return false;
  if (policy === 'always') return true;
  if (policy === 'on-failure') return verdict.status === 'fail';
  return (
    verdict.status === 'fail' || verdict.comparisons.some((c) => c.verdict === 'regressed' || c.verdict === 'improved')
  );
}

interface Published {
  verdict: VerdictDocument;
  results: ResultsDocument;
  baseline?: LoadedBaseline;
  configId: string;
  pr?: number;
  fork: boolean;
  octokit?: Octokit;
  repo: RepoRef;
  inputs: ActionInputs;
  outDir: string;
  resultsFile: string;
  /** Where the config's suites and criteria are, for annotations on their lines. */
  annotate?: AnnotationConfig;
  /** The branch the baseline belongs to (the PR's base), for the comparing line. */
  baseBranch?: string;
}

/** The config's place and gating, for annotations. */
function annotateWith(loaded: LoadedConfig, inputs: ActionInputs): AnnotationConfig {
  const failOn = inputs.failOn ?? loaded.config.compare.failOn;
  return {
    file: loaded.file,
    ...(loaded.config.lines ? { lines: loaded.config.lines } : {}),
    regressionsGate: failOn.includes('regression'),
  };
}

async function publish(p: Published): Promise<void> {
  const { verdict, results, baseline, configId } = p;
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl = process.env.GITHUB_RUN_ID
    ? `${server}/${p.repo.owner}/${p.repo.repo}/actions/runs/${process.env.GITHUB_RUN_ID}`
    : undefined;
  const input = {
    verdict,
    head: results,
    ...(baseline ? { base: baseline.results } : {}),
    configId,
    ...(runUrl ? { fullReportUrl: runUrl } : {}),
    branches: {
      ...(process.env.GITHUB_HEAD_REF ? { head: process.env.GITHUB_HEAD_REF } : {}),
      ...(p.baseBranch ? { base: p.baseBranch } : {}),
    },
    ...(baseline?.history ? { history: baseline.history } : {}),
  };
  const charts = p.inputs.trendChart;
  let full = renderMarkdown(input, { maxLength: SUMMARY_BYTES, charts });
  // Emoji and µ take several bytes: shrink until the byte size fits.
  for (let limit = SUMMARY_BYTES; Buffer.byteLength(full) > SUMMARY_BYTES; ) {
    limit = Math.floor(((limit * SUMMARY_BYTES) / Buffer.byteLength(full)) * 0.98);
    full = renderMarkdown(input, { maxLength: limit, charts });
  }
  const reportFile = path.join(p.outDir, 'report.md');
  await writeFile(reportFile, full);
  // The page for upload-artifact: charts and every row, self-contained (its CSP fetches nothing).
  const htmlFile = path.join(p.outDir, 'report.html');
  await writeFile(htmlFile, renderHtml(input));
  const verdictFile = path.join(p.outDir, 'verdict.json');
  await writeFile(verdictFile, `${JSON.stringify(verdict, null, 2)}\n`);
  try {
    await core.summary.addRaw(full).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${(err as Error).message}`);
  }
  const count = (v: string) => String(verdict.comparisons.filter((c) => c.verdict === v).length);
  core.setOutput('verdict', verdict.status);
  core.setOutput('regressions', count('regressed'));
  core.setOutput('improvements', count('improved'));
  core.setOutput('failed-criteria', String(verdict.criteria.filter(criterionBlocks).length));
  core.setOutput('results', p.resultsFile);
  core.setOutput('report', reportFile);
  core.setOutput('html-report', htmlFile);
  core.setOutput('verdict-file', verdictFile);
  core.setOutput('baseline-sha', verdict.baseline?.sha ?? baseline?.results.git?.sha ?? '');
  for (const a of annotationsFor(verdict, p.annotate, process.env.GITHUB_WORKSPACE)) {
    if (a.level === 'error') core.error(a.message, a.props);
    else core.warning(a.message, a.props);
  }
  let commentUrl = '';
  // Under on-failure / on-change a run that need not comment still refreshes a comment an earlier run left,
  // so a red report never outlives the fix.
  const createNew = shouldComment(p.inputs.comment, verdict);
  if (p.pr && p.octokit && p.inputs.comment !== 'never') {
    if (p.fork) {
      if (createNew)
        core.notice(
          'perf-action: this pull request comes from a fork, whose token cannot comment. The gate still applies; ' +
            'to comment, upload the results and use a workflow_run workflow with mode: report (see the README).',
        );
    } else {
      try {
        const body = renderMarkdown(input, { maxLength: COMMENT_LIMIT - STAMP_ROOM, charts });
        const r = await upsertComment(commentApi(p.octokit, p.repo.owner, p.repo.repo), p.pr, configId, body, {
          create: createNew,
          retry: retryOptions(process.env),
          stamp: { run: `${process.env.GITHUB_RUN_ID ?? '0'}.${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`, leg: LEG },
        });
        if (r) {
          commentUrl = r.url ?? '';
          core.info(`${r.action} the perf-action comment on #${p.pr}${r.url ? `: ${r.url}` : ''}`);
        }
      } catch (err) {
        // Two jobs reporting into one comment is a workflow mistake that hides results: the step fails.
        if (err instanceof CommentCollisionError) core.setFailed(`perf-action: ${err.message}`);
        else {
          const e = err as { status?: number; message?: string };
          core.warning(
            `could not comment on #${p.pr} (${e.status ?? 'network'}: ${e.message}); the verdict stands and is in the job summary${
              e.status === 403 ? '. Does the workflow grant `pull-requests: write`?' : ''
            }`,
          );
        }
      }
    }
  }
  core.setOutput('comment-url', commentUrl);
}

function logProgress(): ProgressSink {
  return {
    suiteStart: (s, k) => core.info(`▶ ${s} (${k})`),
    update: () => {},
    suiteEnd: (s, ok, ms, n, err) =>
      ok ? core.info(`✔ ${s}: ${n} metrics in ${ms} ms`) : core.error(`suite ${s} failed: ${err}`),
    warn: (m) => core.warning(m),
    info: (m) => core.info(m),
  };
}

function headGitOf(env: NodeJS.ProcessEnv): ResultsDocument['git'] {
  const sha = env.GITHUB_SHA;
  return sha ? { sha, ...(env.GITHUB_REF ? { ref: env.GITHUB_REF } : {}) } : undefined;
}

/**
 * One leg of a sharded run: measures its suites and writes them for the merge job, which judges, comments and
 * saves for all legs. A failed suite fails the leg's step too, so the matrix shows where it broke.
 */
async function measureLeg(
  shard: ShardPosition,
  startAt: number | undefined,
  loaded: LoadedConfig,
  suiteEnv: NodeJS.ProcessEnv,
  env: NodeJS.ProcessEnv,
  outDir: string,
): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const resultsFile = path.join(outDir, `results-leg-${shard.index}-of-${shard.count}.json`);
  const headGit = headGitOf(env);
  const { results, setupErrors } = await runLeg({
    loaded,
    shard,
    ...(startAt !== undefined ? { startAt } : {}),
    file: resultsFile,
    env: suiteEnv,
    progress: logProgress(),
    signal: stop.signal,
    ...(headGit ? { git: headGit } : {}),
  });
  core.setOutput('results', resultsFile);
  const names = legSuiteNames(results);
  const line = `perf-action leg ${shard.index}/${shard.count}: ${names.join(', ') || 'no suites'}; upload ${path.basename(resultsFile)} for the merge job`;
  core.info(line);
  try {
    await core.summary.addRaw(`${line}\n`).write();
  } catch (err) {
    core.warning(`could not write the job summary: ${(err as Error).message}`);
  }
  const failed = results.suites.filter((x) => !x.ok).map((x) => x.name);
  if (setupErrors.length > 0) core.setFailed(`perf-action: ${setupErrors.map((e) => e.split('\n')[0]).join('; ')}`);
  else if (failed.length > 0)
    core.setFailed(`perf-action: leg ${shard.index}/${shard.count}: suite ${failed.join(', ')} failed`);
}

function outDirFor(env: NodeJS.ProcessEnv, configId: string, cwd: string): string {
  return path.join(env.RUNNER_TEMP || path.join(cwd, '.perf'), 'perf-action', configId);
}

/**
 * pull_request_target runs in the base repository's context (its write token, its cache scope) and, with a
 * checkout of the PR head, would run the PR's code there: refused unless the workflow says it checks out
 * trusted code only.
 */
export const PULL_REQUEST_TARGET_REFUSED =
  "perf-action refuses to run under pull_request_target: that event runs with the base repository's write token " +
  'and cache scope, so pull-request code (bench files, commands, services) must not run in it. Use pull_request ' +
  '(and a workflow_run workflow with mode: report to comment on fork PRs), or set allow-pull-request-target: true ' +
  'if this workflow checks out only trusted code';

/** What run and merge mode share before measuring or joining: the event, the config, the baseline store. */
interface Job {
  cwd: string;
  payload: Record<string, unknown>;
  plan: EventPlan;
  loaded: LoadedConfig;
  /** The environment the pull request's code gets: the runner's secrets scrubbed. */
  suiteEnv: NodeJS.ProcessEnv;
  configId: string;
}

/** Refuses pull_request_target (undefined: the step has failed), plans the event and loads the config. */
async function startJob(inputs: ActionInputs, env: NodeJS.ProcessEnv, registry: Registry): Promise<Job | undefined> {
  const cwd = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), inputs.workingDirectory);
  const payload = readPayload(env);
  const eventName = env.GITHUB_EVENT_NAME ?? 'unknown';
  if (eventName === 'pull_request_target' && !inputs.allowPullRequestTarget) {
    core.setFailed(PULL_REQUEST_TARGET_REFUSED);
    return undefined;
  }
  const plan = planEvent({ eventName, payload, ref: env.GITHUB_REF ?? '', sha: env.GITHUB_SHA ?? '' });
  core.info(plan.reason);
  // The pull request's code (config, suites, services, commands) never sees the runner's or the action's
  // secrets; `env` stays the runner's, for the action's own calls.
  const { loaded, suiteEnv } = await loadGateConfig(inputs.config, { cwd, env, registry });
  return { cwd, payload, plan, loaded, suiteEnv, configId: inputs.commentId ?? loaded.id };
}

/** The baseline store the inputs name, able to save only where the event may. */
function openStore(
  job: Job,
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  allowSave: boolean,
): BaselineStore | undefined {
  if (inputs.baseline === 'cache') return cacheStore({ id: job.configId }, job.plan, env, allowSave);
  if (inputs.baseline === 'file' && inputs.baselineFile) {
    return new FileBaselineStore(path.resolve(job.cwd, inputs.baselineFile));
  }
  return undefined;
}

/** Saves a complete run (or any, with save-baseline: always) where the event may save. */
async function saveRun(
  store: BaselineStore | undefined,
  run: { results: ResultsDocument; setupErrors?: readonly string[] },
  inputs: ActionInputs,
  plan: EventPlan,
  allowSave: boolean,
): Promise<void> {
  if (!(store instanceof CacheBaselineStore) || !allowSave) {
    if (inputs.baseline === 'cache' && !plan.maySave)
      core.info('not saving a baseline: only pushes, schedules and manual runs on the default branch save one');
    return;
  }
  const why = whyNotSave(run, { aborted: stop.signal.aborted, always: inputs.saveBaseline === 'always' });
  if (why) {
    core.info(`not saving this run as the baseline: ${why}; the saved baseline stays`);
    return;
  }
  const restored = store.lastKey;
  await store.save(run.results);
  // lastKey also names the entry restored earlier: only a new key means this save went through.
  if (store.lastKey && store.lastKey !== restored) core.info(`saved the baseline as ${store.lastKey}`);
}

async function runMode(inputs: ActionInputs, env: NodeJS.ProcessEnv, registry: Registry): Promise<void> {
  const job = await startJob(inputs, env, registry);
  if (!job) return;
  const { cwd, plan, loaded, suiteEnv, configId } = job;
  if (inputs.shard) {
    await measureLeg(inputs.shard, inputs.startAt, loaded, suiteEnv, env, outDirFor(env, configId, cwd));
    return;
  }
  const allowSave = inputs.saveBaseline !== 'never' && plan.maySave;
  const store = openStore(job, inputs, env, allowSave);
  const { baseline, baselineProblem } = plan.compare ? await loadBaseline(store) : {};
  if (plan.compare && store && !baseline)
    core.notice(
      baselineProblem
        ? `perf-action: the baseline could not be loaded (${baselineProblem}); regressions are not checked in this run`
        : 'perf-action: no baseline found; regressions are not checked in this run',
    );
  if (baseline) core.info(`baseline: ${baseline.source}, measured ${baseline.results.createdAt}`);

  const outDir = outDirFor(env, configId, cwd);
  await mkdir(outDir, { recursive: true });
  const resultsFile = path.join(outDir, 'results.json');
  const headGit = headGitOf(env);
  const progress = logProgress();
  const options = { ...loaded.config.compare, ...(inputs.failOn ? { failOn: inputs.failOn } : {}) };
  const wanted = inputs.compareTo ?? loaded.config.ab?.compareTo ?? 'auto';
  // auto is the default where it can run: where the base commit cannot be checked out here, the stored
  // baseline decides alone, and the report says why.
  let compareTo = wanted;
  if (wanted === 'auto' && plan.compare && plan.baseSha) {
    const why = baseUnavailable(loaded.dir, plan.baseSha);
    if (why) {
      compareTo = 'baseline';
      core.notice(
        `perf-action: compare-to: auto compared with the stored baseline only: ${why} (check out with fetch-depth: 0 to confirm on this runner)`,
      );
    }
  }
  // Same-runner A/B against the PR's base commit: `auto` screens with the stored baseline first.
  const baseRef = compareTo !== 'baseline' && plan.compare ? plan.baseSha : undefined;
  if (baseRef) {
    core.info(`compare-to: ${compareTo}: measuring the base ${baseRef.slice(0, 7)} on this runner too`);
  } else if (compareTo !== 'baseline') {
    core.notice(
      `perf-action: compare-to: ${compareTo} needs a base commit (pull requests, merge queues); compared with the stored baseline`,
    );
  }
  const {
    results,
    setupErrors,
    verdict: judged,
    compared: reported,
  } = await runGate({
    loaded: { ...loaded, config: { ...loaded.config, compare: options } },
    ...(baseline ? { baseline } : {}),
    ...(baselineProblem ? { baselineProblem } : {}),
    env: suiteEnv,
    progress,
    signal: stop.signal,
    ...(headGit ? { git: headGit } : {}),
    onSuite: (partial) => writeJsonAtomic(resultsFile, partial),
    ...(baseRef
      ? {
          sameRunner: {
            baseRef,
            ab: { ...DEFAULT_AB, ...loaded.config.ab },
            screen: compareTo === 'auto',
            log: process.stdout,
          },
        }
      : {}),
  });
  await writeJsonAtomic(resultsFile, results);
  await conclude(job, inputs, env, {
    judged,
    results,
    ...(reported ? { compared: reported } : {}),
    setupErrors,
    options,
    store,
    allowSave,
    outDir,
    resultsFile,
  });
}

/**
 * How run and merge mode end: the accept label applied, the verdict published (summary, outputs, annotations,
 * comment), the run saved where it may be, and the step failed on a failed gate or a set-up error.
 */
async function conclude(
  job: Job,
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
  c: {
    judged: VerdictDocument;
    results: ResultsDocument;
    compared?: LoadedBaseline;
    setupErrors: string[];
    options: CompareOptions;
    store: BaselineStore | undefined;
    allowSave: boolean;
    outDir: string;
    resultsFile: string;
  },
): Promise<void> {
  const { payload, plan, loaded, configId } = job;
  const { results, setupErrors } = c;
  const octokit = inputs.githubToken ? makeOctokit(inputs.githubToken, retryOptions(env)) : undefined;
  const verdict = await applyAcceptLabel(c.judged, {
    inputs,
    payload,
    ...(plan.pr ? { pr: plan.pr } : {}),
    ...(octokit ? { octokit } : {}),
    repo: repoRef(env),
    options: c.options,
    crashed: results.suites.filter((x) => !x.ok).length,
  });
  if (!plan.compare) {
    // Say why nothing was compared where readers look (summary, annotations), not only in the log.
    verdict.warnings.unshift(warning('note', plan.reason));
    core.notice(`perf-action: ${plan.reason}`);
  }
  await publish({
    verdict,
    results,
    ...(c.compared ? { baseline: c.compared } : {}),
    configId,
    ...(plan.pr ? { pr: plan.pr } : {}),
    fork: isForkPr(payload),
    ...(octokit ? { octokit } : {}),
    repo: repoRef(env),
    inputs,
    outDir: c.outDir,
    resultsFile: c.resultsFile,
    annotate: annotateWith(loaded, inputs),
    ...(plan.baseBranch ? { baseBranch: plan.baseBranch } : {}),
  });
  await saveRun(c.store, { results, setupErrors }, inputs, plan, c.allowSave);
  if (setupErrors.length > 0) {
    // The failure line stays one line; a multi-line error (a service's log tail) goes to the log in full.
    for (const e of setupErrors) if (e.includes('\n')) core.info(e);
    core.setFailed(`perf-action: ${setupErrors.map((e) => e.split('\n')[0]).join('; ')}`);
  } else if (verdict.status === 'fail') core.setFailed(`perf-action: ${failReason(verdict)}`);
}

/**
 * The accept label on the pull request (at the event's time) turns its regressions non-blocking; who added it
 * is asked of GitHub, and its absence from the answer does not stop the acceptance (the label is there).
 */
async function applyAcceptLabel(
  verdict: VerdictDocument,
  ctx: {
    inputs: ActionInputs;
    payload: Record<string, unknown>;
    pr?: number;
    octokit?: Octokit;
    repo: RepoRef;
    options: CompareOptions;
    crashed: number;
  },
): Promise<VerdictDocument> {
  const label = ctx.inputs.acceptLabel;
  if (!label || !ctx.pr) return verdict;
  const labels = (ctx.payload.pull_request as { labels?: Array<{ name?: string }> } | undefined)?.labels ?? [];
  if (!labels.some((l) => l.name === label)) return verdict;
  let by: string | undefined;
  if (ctx.octokit) {
    try {
      by = await labelAddedBy(ctx.octokit, ctx.repo.owner, ctx.repo.repo, ctx.pr, label);
    } catch (err) {
      core.warning(`could not tell who added the label "${label}": ${(err as Error).message}`);
    }
  }
  const accepted = acceptRegressions(verdict, {
    label,
    ...(by ? { by } : {}),
    waiveCriteria: ctx.options.acceptCriteria === true,
    failOn: ctx.options.failOn,
    crashed: ctx.crashed,
  });
  const rows = accepted.accepted?.metrics.length ?? 0;
  core.notice(
    `perf-action: the label "${label}"${by ? ` (added by @${by})` : ''} accepts ${rows} regression${rows === 1 ? '' : 's'} in this pull request`,
  );
  return accepted;
}

/** Why the base commit cannot be checked out here, or undefined when it can. */
function baseUnavailable(dir: string, sha: string): string | undefined {
  try {
    resolveBase(repoRoot(dir), sha);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

export function failReason(v: VerdictDocument): string {
  const parts: string[] = [];
  const failed = v.criteria.filter(criterionBlocks).length;
  // Accepted regressions no longer fail the gate: the failure line names only what still does.
  const accepted = new Set(v.accepted?.metrics ?? []);
  const regressed = v.comparisons.filter((c) => c.verdict === 'regressed' && !accepted.has(c.id)).length;
  if (failed) parts.push(`${failed} criteri${failed === 1 ? 'on' : 'a'} not met`);
  if (regressed) parts.push(`${regressed} metric${regressed === 1 ? '' : 's'} regressed`);
  const crashed = v.warnings.filter((w) => w.code === 'suite-failed').length;
  if (crashed) parts.push(`${crashed} suite${crashed === 1 ? '' : 's'} failed`);
  return parts.length > 0 ? `the performance gate failed: ${parts.join(', ')}` : 'the performance gate failed';
}

/** The most of an uploaded (untrusted) results or verdict file that report mode reads. */
export const MAX_UPLOADED_RESULTS_BYTES = 64 * 1_048_576;

function checkUploadSize(file: string, name: string): void {
  const bytes = existsSync(file) ? statSync(file).size : 0;
  if (bytes > MAX_UPLOADED_RESULTS_BYTES) {
    throw new Error(
      `the uploaded file ${name} is ${Math.round(bytes / 1_048_576)} MiB, over the ${MAX_UPLOADED_RESULTS_BYTES / 1_048_576} MiB a report reads; it is not used`,
    );
  }
}

/** The verdict uploaded with the results: named by the input, else verdict.json beside them when present. */
async function readUploadedVerdict(
  cwd: string,
  results: string,
  named: string | undefined,
): Promise<VerdictDocument | undefined> {
  const file = named ? path.resolve(cwd, named) : path.join(path.dirname(results), 'verdict.json');
  if (!named && !existsSync(file)) return undefined;
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new Error(
      `the uploaded verdict file ${named} was not found; upload the verdict-file output with the results`,
    );
  }
  checkUploadSize(file, named ?? 'verdict.json');
  return parseVerdict(await readFile(file, 'utf8'), `uploaded verdict file ${named ?? 'verdict.json'}`);
}

function withNote(verdict: VerdictDocument, message: string): VerdictDocument {
  return { ...verdict, warnings: [...verdict.warnings, warning('note', message)] };
}

/** mode: report — in a workflow_run workflow, comment with results uploaded by an untrusted PR run. */
async function reportMode(inputs: ActionInputs, env: NodeJS.ProcessEnv, registry: Registry): Promise<void> {
  const cwd = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd(), inputs.workingDirectory);
  const payload = readPayload(env);
  const repo = repoRef(env);
  const octokit = makeOctokit(inputs.githubToken, retryOptions(env));
  // The results come from an untrusted run: size-capped, parsed strictly, and nothing else is taken from it.
  const uploaded = path.resolve(cwd, inputs.results as string);
  checkUploadSize(uploaded, inputs.results as string);
  const head = await readResultsFile(uploaded, 'uploaded results file');
  const decided = await readUploadedVerdict(cwd, uploaded, inputs.verdict);
  const headSha = (payload.workflow_run as { head_sha?: string } | undefined)?.head_sha ?? head.git?.sha;
  if (!headSha)
    throw new Error('mode: report could not tell which commit the results are for (no workflow_run.head_sha)');
  const plan = planEvent({ eventName: 'workflow_run', payload, ref: env.GITHUB_REF ?? '', sha: headSha });
  // Without the pull request (closed, or GitHub failing) the verdict still goes to the summary and outputs.
  let found: Awaited<ReturnType<typeof findPullRequest>>;
  try {
    let pr = plan.pr ? await getPullRequest(octokit, repo.owner, repo.repo, plan.pr) : undefined;
    if (pr && pr.headSha !== headSha) pr = undefined;
    found = pr ?? (await findPullRequest(octokit, repo.owner, repo.repo, headSha));
    if (!found) core.warning(`no pull request has head ${headSha.slice(0, 7)}; the report is in the job summary only`);
  } catch (err) {
    const e = err as { status?: number; message?: string };
    core.warning(
      `could not find the pull request of ${headSha.slice(0, 7)} (${e.status ?? 'network'}: ${e.message}); the report is in the job summary only`,
    );
  }
  const defaultBranch = (payload.repository as { default_branch?: string } | undefined)?.default_branch;
  // Criteria and compare options come from this (trusted) checkout's config, not from the upload.
  const { loaded } = await loadGateConfig(inputs.config, { cwd, env, registry });
  const configId = inputs.commentId ?? loaded.id;
  const store =
    inputs.baseline === 'cache'
      ? cacheStore(
          { id: configId },
          {
            ...(found ? { baseBranch: found.baseRef, baseSha: found.baseSha } : {}),
            ...(!found && defaultBranch ? { baseBranch: defaultBranch } : {}),
            maySave: false,
          },
          env,
          false,
        )
      : undefined;
  const { baseline, baselineProblem } = await loadBaseline(store);
  const options = { ...loaded.config.compare, ...(inputs.failOn ? { failOn: inputs.failOn } : {}) };
  // The pull request's run decided with everything it measured (extra runs, same-runner pairs): its verdict is
  // reported as it is, so the comment never contradicts the check. Judging again is the fallback for uploads
  // without one, and says what it could not see.
  const verdict =
    decided ??
    withNote(
      judge({
        head,
        ...(baseline ? { baseline } : {}),
        ...(baselineProblem ? { baselineProblem } : {}),
        criteria: loaded.config.criteria,
        options,
      }),
      'no verdict file was uploaded with the results, so they were judged again here from the first run alone (without the extra runs or same-runner pairs the pull request run may have used); upload both files (see the README)',
    );
  if (decided) core.info('reporting the verdict the pull request run decided (its uploaded verdict file)');
  const outDir = outDirFor(env, configId, cwd);
  await mkdir(outDir, { recursive: true });
  await publish({
    verdict,
    results: head,
    ...(baseline ? { baseline } : {}),
    configId,
    ...(found ? { pr: found.number } : {}),
    fork: false,
    octokit,
    repo,
    inputs,
    outDir,
    resultsFile: path.resolve(cwd, inputs.results as string),
    annotate: annotateWith(loaded, inputs),
    ...(found?.baseRef ? { baseBranch: found.baseRef } : {}),
  });
  // The PR's own run already gated; report mode fails too so the verdict is visible on this run.
  if (verdict.status === 'fail') core.setFailed(`perf-action: ${failReason(verdict)}`);
}

/** The legs' files: each item of `results` is a file, or a folder searched for the results-leg-*.json legs write. */
async function legFiles(cwd: string, spec: string): Promise<string[]> {
  const items = spec
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && /^results-leg-\d+-of-\d+\.json$/.test(e.name)) files.push(p);
    }
  };
  for (const item of items) {
    const p = path.resolve(cwd, item);
    if (!existsSync(p))
      throw new Error(`mode: merge: ${item} was not found; download the legs' results artifacts first`);
    if (statSync(p).isDirectory()) await walk(p);
    else files.push(p);
  }
  return files.sort();
}

/**
 * mode: merge: the final job of a sharded run. Joins the legs' results, judges them once against the baseline
 * and the criteria, comments once, fails once, and saves one baseline for the next runs (sharded or not).
 */
async function mergeMode(inputs: ActionInputs, env: NodeJS.ProcessEnv, registry: Registry): Promise<void> {
  const job = await startJob(inputs, env, registry);
  if (!job) return;
  const { cwd, plan, loaded, configId } = job;
  const files = await legFiles(cwd, inputs.results as string);
  if (files.length === 0) {
    throw new Error(
      `mode: merge found no results-leg-*.json in ${inputs.results}: did every leg upload its results output?`,
    );
  }
  const legs = [];
  for (const f of files) {
    const name = path.relative(cwd, f) || f;
    checkUploadSize(f, name);
    legs.push({ source: name, doc: await readResultsFile(f, `leg results file ${name}`) });
  }
  const allowSave = inputs.saveBaseline !== 'never' && plan.maySave;
  const store = openStore(job, inputs, env, allowSave);
  const { baseline, baselineProblem } = plan.compare ? await loadBaseline(store) : {};
  let merged: Awaited<ReturnType<typeof mergeGate>>;
  try {
    merged = await mergeGate({
      legs,
      kinds: registry.kinds,
      loaded,
      ...(baseline ? { baseline } : {}),
      ...(baselineProblem ? { baselineProblem } : {}),
      ...(inputs.failOn ? { failOn: inputs.failOn } : {}),
    });
  } catch (err) {
    if (err instanceof MergeError) throw new Error(`mode: merge: ${err.message}`);
    throw err;
  }
  const { results, verdict: judged } = merged;
  const count = legs[0]?.doc.shard?.count ?? legs.length;
  core.info(`merged ${legs.length} of ${count} legs: ${results.suites.length} suites`);
  const outDir = outDirFor(env, configId, cwd);
  await mkdir(outDir, { recursive: true });
  const resultsFile = path.join(outDir, 'results.json');
  await writeJsonAtomic(resultsFile, results);
  const options: CompareOptions = { ...loaded.config.compare, ...(inputs.failOn ? { failOn: inputs.failOn } : {}) };
  await conclude(job, inputs, env, {
    judged,
    results,
    ...(baseline ? { compared: baseline } : {}),
    setupErrors: [],
    options,
    store,
    allowSave,
    outDir,
    resultsFile,
  });
}

/**
 * A cancelled job gets SIGINT, then SIGTERM: either stops the running suite (its services, children and broker
 * state go with it) and the measured results are still written, judged and reported; a second signal exits.
 */
const stop = new AbortController();

export async function runAction(env: NodeJS.ProcessEnv, registry: Registry): Promise<void> {
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(sig === 'SIGTERM' ? 143 : 130);
    core.warning(`perf-action: ${sig}: stopping the running suite; what was measured is still written and reported`);
    stop.abort(new Error(`cancelled (${sig})`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const inputs = readInputs((name) => core.getInput(name));
    if (inputs.mode === 'report') await reportMode(inputs, env, registry);
    else if (inputs.mode === 'merge') await mergeMode(inputs, env, registry);
    else await runMode(inputs, env, registry);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
