// A GitHub-hosted runner's job environment, built on disk for end-to-end tests of the action bundle: a fresh
// workspace (the "checkout"), RUNNER_TEMP, the event payload file, and the files and variables the runner
// hands an action (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, INPUT_*, the cache service's URL and runtime token).
// The environment is built from scratch, not inherited: a test run inside GitHub Actions must not leak the
// real job's GITHUB_* variables into the action under test.

import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HANG_GUARD_MS } from './tier.ts';

export const REPOSITORY = 'octo-org/octo-repo';
export const DEFAULT_BRANCH = 'main';

export interface JobSpec {
  /** GITHUB_EVENT_NAME. */
  event: string;
  /** The webhook payload written to GITHUB_EVENT_PATH; `repository` is filled in when absent. */
  payload: Record<string, unknown>;
  /** GITHUB_REF, e.g. refs/heads/main or refs/pull/7/merge. */
  ref: string;
  /** GITHUB_SHA. */
  sha: string;
  /** The action's inputs by their action.yml names (`github-token`, `mode`, ...). */
  inputs?: Record<string, string>;
  /** Files to put into the checkout: relative path -> content, or { copy: absolute source path }. */
  files?: Record<string, string | { copy: string }>;
  /** ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN, ... (the cache stand-in's env(token)). */
  cacheEnv?: Record<string, string>;
  /** GITHUB_API_URL (the REST stand-in); the server URL stays github.com as on the real runner. */
  apiUrl?: string;
  runId?: number;
  runAttempt?: number;
  /** Anything else the step sets with `env:`. */
  env?: Record<string, string>;
}

export interface Job {
  spec: JobSpec;
  workspace: string;
  temp: string;
  eventPath: string;
  outputFile: string;
  summaryFile: string;
  env: Record<string, string>;
}

export interface JobResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT, parsed. */
  outputs: Record<string, string>;
  /** GITHUB_STEP_SUMMARY's content ('' when nothing was written). */
  summary: string;
  /** Workflow commands the action printed (::warning::, ::error title=...::, ...), decoded. */
  commands: WorkflowCommand[];
  job: Job;
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/** A folder holding every job of one test file; `dispose` removes it. */
export class RunnerSandbox {
  readonly root: string;
  private count = 0;

  constructor(prefix = 'perf-action-runner-') {
    this.root = mkdtempSync(path.join(tmpdir(), prefix));
  }

  /** Lays out one job: a new checkout, temp dir, payload and command files, and its environment. */
  prepare(spec: JobSpec): Job {
    const n = ++this.count;
    const jobDir = path.join(this.root, `job-${n}`);
    const workspace = path.join(jobDir, 'work', 'octo-repo');
    const temp = path.join(jobDir, 'temp');
    const fileCommands = path.join(temp, '_runner_file_commands');
    mkdirSync(workspace, { recursive: true });
    mkdirSync(fileCommands, { recursive: true });
    for (const [rel, content] of Object.entries(spec.files ?? {})) {
      const target = path.join(workspace, rel);
      mkdirSync(path.dirname(target), { recursive: true });
      if (typeof content === 'string') writeFileSync(target, content);
      else cpSync(content.copy, target, { recursive: true });
    }
    const payload = {
      repository: {
        full_name: REPOSITORY,
        name: REPOSITORY.split('/')[1],
        owner: { login: REPOSITORY.split('/')[0] },
        default_branch: DEFAULT_BRANCH,
      },
      ...spec.payload,
    };
    const eventPath = path.join(jobDir, 'event.json');
    writeFileSync(eventPath, JSON.stringify(payload, null, 2));
    // The runner names these files per step; their content starts empty.
    const commandFile = (kind: string) => {
      const file = path.join(fileCommands, `${kind}_${n}`);
      writeFileSync(file, '');
      return file;
    };
    const outputFile = commandFile('set_output');
    const summaryFile = commandFile('step_summary');
    const runId = spec.runId ?? 9_000_000 + n;
    const refName = spec.ref.replace(/^refs\/(heads|tags)\//, '');
    const pr = spec.payload.pull_request as { head?: { ref?: string }; base?: { ref?: string } } | undefined;
    const env: Record<string, string> = {
      // What a job's process gets from the machine.
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? jobDir,
      LANG: 'C.UTF-8',
      CI: 'true',
      NO_COLOR: '1',
      // The runner's context variables.
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTION: 'perf',
      GITHUB_ACTOR: 'octocat',
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_REPOSITORY_OWNER: REPOSITORY.split('/')[0] ?? '',
      GITHUB_EVENT_NAME: spec.event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_SHA: spec.sha,
      GITHUB_REF: spec.ref,
      GITHUB_REF_NAME: refName,
      GITHUB_REF_TYPE: spec.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
      GITHUB_HEAD_REF: pr?.head?.ref ?? '',
      GITHUB_BASE_REF: pr?.base?.ref ?? '',
      GITHUB_WORKFLOW: 'perf',
      GITHUB_JOB: 'perf',
      GITHUB_RUN_ID: String(runId),
      GITHUB_RUN_NUMBER: String(n),
      GITHUB_RUN_ATTEMPT: String(spec.runAttempt ?? 1),
      GITHUB_WORKSPACE: workspace,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: spec.apiUrl ?? 'http://127.0.0.1:9/unused-api',
      GITHUB_GRAPHQL_URL: `${spec.apiUrl ?? 'http://127.0.0.1:9/unused-api'}/graphql`,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_ENV: commandFile('set_env'),
      GITHUB_PATH: commandFile('add_path'),
      GITHUB_STATE: commandFile('save_state'),
      RUNNER_OS: 'Linux',
      RUNNER_ARCH: 'X64',
      RUNNER_NAME: 'e2e-runner',
      RUNNER_ENVIRONMENT: 'self-hosted',
      RUNNER_TEMP: temp,
      RUNNER_TOOL_CACHE: path.join(jobDir, 'toolcache'),
      ...(spec.cacheEnv ?? {}),
      ...(spec.env ?? {}),
    };
    for (const [name, value] of Object.entries(spec.inputs ?? {})) {
      // @actions/core reads INPUT_<NAME>, upper-cased, spaces as underscores, hyphens kept.
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    }
    return { spec, workspace, temp, eventPath, outputFile, summaryFile, env };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Parses a GITHUB_OUTPUT file: `name<<DELIMITER\nvalue\nDELIMITER` blocks (what @actions/core writes) and
 * plain `name=value` lines.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i] ?? '');
      if (i >= lines.length) throw new Error(`GITHUB_OUTPUT: "${name}" has no closing delimiter ${delimiter}`);
      out[name] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`GITHUB_OUTPUT line ${i + 1} is neither name=value nor name<<DELIMITER: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',');

/** The `::command key=value,...::message` lines of a step's stdout, decoded as the runner decodes them. */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const found: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
    found.push({ command: m[1] ?? '', properties, message: unescapeData(m[3] ?? '') });
  }
  return found;
}

/**
 * Runs an action bundle as the runner does (`node <main>` in the workspace) and collects what a user sees.
 * Asynchronous on purpose: the stand-in servers live in this process and must keep answering meanwhile.
 */
export function runActionBundle(bundle: string, job: Job, timeoutMs = HANG_GUARD_MS): Promise<JobResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], {
      cwd: job.workspace,
      env: job.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8') : '');
      resolve({
        code,
        stdout,
        stderr: Buffer.concat(err).toString('utf8'),
        outputs: parseOutputFile(read(job.outputFile)),
        summary: read(job.summaryFile),
        commands: parseWorkflowCommands(stdout),
        job,
      });
    });
  });
}
