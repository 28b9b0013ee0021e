// npm run bench:overhead - what perf-action's own processes cost beyond the work they time, side by side in
// one run, against the bundles in dist/ (run `npm run build` first):
//
//   replicate:  a one-case bench (50 ms timed + 10 ms warm-up per replicate, 5 replicates, no reference
//               workload) through `node dist/cli.js run`, each replicate in the lean entry
//               (dist/bench-replicate.js) and in the whole bundle (PERF_ACTION_BENCH_REPLICATE=full):
//               seconds per replicate beyond its timed work (target <= 0.3 s)
//   action:     `node dist/index.js` on the quickstart example as a pull request job against the local
//               GitHub REST and cache stand-ins the end-to-end tests use, next to `node dist/cli.js run` of the
//               same config: seconds beyond the suites (target <= 1.5 s), and the bundle's load time
//   http:       perf-action's http suite (bundled CLI) at 1, 2 and the default worker threads next to
//               `wrk -t1` with equal connections against one loopback server (target >= 0.9x wrk -t1)
//
// Runs alternate between the variants (ROUNDS each) so drift on a shared machine hits both; medians are
// printed. `npm run bench:overhead -- replicate http` runs only the parts named; BENCH_OVERHEAD_ROUNDS sets the
// rounds (default 3).

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_BRANCH, REPOSITORY, RunnerSandbox, runActionBundle } from '../__tests__/helpers/runner-env.ts';
import { makeRuntimeToken, startCacheService } from '../__tests__/standins/cache-service.ts';
import { startGitHubApi, WRITE_TOKEN } from '../__tests__/standins/github-api.ts';
import { parseResults, type ResultsDocument } from '../src/model/results.ts';
import { median } from '../src/stats/quantile.ts';
import { defaultWorkers } from '../suites/http/plan.ts';
import { HTTP_CONNECTIONS, HTTP_SECONDS, startServer, wrk } from './bench-server.ts';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/cli.js');
const actionBundle = path.join(root, 'dist/index.js');
const ROUNDS = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 3);
// The Node that runs the bundles in the replicate and http parts (and so the replicates they start):
// BENCH_OVERHEAD_NODE, e.g. a Node 24 binary to see the action's Node, whose in-thread module hooks save the
// hooks thread Node 20 starts in every replicate. The action part runs on this script's Node.
const NODE = process.env.BENCH_OVERHEAD_NODE ?? process.execPath;
const parts = process.argv.slice(2);
const wanted = (part: string) => parts.length === 0 || parts.includes(part);

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const list = (xs: readonly number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(', ');

/**
 * Runs a command to its end; exit 1 is accepted (a gate that failed still measured). `output`, when named, is
 * removed first and must exist afterwards, so a run that could not start never passes for one that did.
 */
function timed(command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; output?: string }) {
  if (opts.output) rmSync(path.join(opts.cwd, opts.output), { force: true });
  const t0 = performance.now();
  const r = spawnSync(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0 && r.status !== 1) {
    throw new Error(`${path.basename(command)} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  }
  if (opts.output && !existsSync(path.join(opts.cwd, opts.output))) {
    throw new Error(`${path.basename(command)} ${args.join(' ')} wrote no ${opts.output}:\n${r.stderr}`);
  }
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

const suitesMs = (doc: ResultsDocument) => doc.suites.reduce((sum, s) => sum + s.durationMs, 0);

// --- replicate ----------------------------------------------------------------------------------------------

const REPLICATES = 5;
const TIME_MS = 50;
const WARMUP_MS = 10;

function replicateOverhead(): void {
  console.log(
    `\n== replicate: one case, ${TIME_MS} ms timed + ${WARMUP_MS} ms warm-up, ${REPLICATES} replicates, ${ROUNDS} rounds ==`,
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-overhead-'));
  try {
    writeFileSync(
      path.join(dir, 'one.bench.ts'),
      "import { defineBench } from 'perf-action';\n" +
        'export default defineBench({ benches: { sum: () => { let s = 0; for (let i = 0; i < 1000; i++) s += i; return s; } } });\n',
    );
    writeFileSync(
      path.join(dir, 'perf.yml'),
      `version: 1\nid: overhead\nsuites:\n  - name: one\n    kind: bench\n    file: one.bench.ts\n` +
        `    replicates: ${REPLICATES}\n    time: ${TIME_MS}ms\n    warmup: ${WARMUP_MS}ms\n    reference: false\n`,
    );
    const work = REPLICATES * (TIME_MS + WARMUP_MS);
    const variants = { 'whole bundle (before)': 'full', 'lean entry (after)': '' } as const;
    const wall: Record<string, number[]> = {};
    const suite: Record<string, number[]> = {};
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, mode] of Object.entries(variants)) {
        const env = { ...process.env, NO_COLOR: '1', PERF_ACTION_BENCH_REPLICATE: mode };
        const run = timed(NODE, [cli, 'run', '--config', 'perf.yml', '--out', 'out.json'], {
          cwd: dir,
          env,
          output: 'out.json',
        });
        const doc = parseResults(readFileSync(path.join(dir, 'out.json'), 'utf8'), 'out.json');
        wall[name] = [...(wall[name] ?? []), run.ms];
        suite[name] = [...(suite[name] ?? []), suitesMs(doc)];
      }
    }
    const perReplicate: Record<string, number> = {};
    for (const name of Object.keys(variants)) {
      const w = median(wall[name] ?? []);
      const s = median(suite[name] ?? []);
      perReplicate[name] = (w - work) / REPLICATES;
      console.log(`  ${name}`);
      console.log(`    CLI wall time             ${secs(w)}  (runs: ${list(wall[name] ?? [])})`);
      console.log(`    of it the suite           ${secs(s)}`);
      console.log(
        `    per replicate beyond work ${secs((w - work) / REPLICATES)} of wall, ${secs((s - work) / REPLICATES)} of the suite` +
          `  -> ${((w - work) / REPLICATES / 300).toFixed(2)}x the 0.3 s limit`,
      );
    }
    const before = perReplicate['whole bundle (before)'] as number;
    const after = perReplicate['lean entry (after)'] as number;
    console.log(`  ratio after / before (overhead per replicate): ${(after / before).toFixed(2)}x`);
    // Process start alone: each entry started in the bench role on a file that does not exist (it reports and exits).
    const startup = (args: string[], env: NodeJS.ProcessEnv) => {
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) runs.push(timed(NODE, args, { cwd: dir, env }).ms);
      return median(runs);
    };
    const input = { PERF_ACTION_BENCH_INPUT: JSON.stringify({ file: path.join(dir, 'missing.ts') }) };
    const whole = startup([cli], { ...process.env, ...input, PERF_ACTION_ROLE: 'bench-worker' });
    const lean = startup([path.join(root, 'dist/bench-replicate.js')], { ...process.env, ...input });
    const bare = startup(['-e', '0'], process.env);
    console.log(
      `  process start: node -e 0 ${secs(bare)}, dist/cli.js (role) ${secs(whole)}, dist/bench-replicate.js ${secs(lean)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- action -------------------------------------------------------------------------------------------------

async function actionOverhead(): Promise<void> {
  console.log(`\n== action: the quickstart example, action (pull request job) vs CLI, ${ROUNDS} rounds ==`);
  const sandbox = new RunnerSandbox('bench-overhead-action-');
  const cache = await startCacheService();
  const head = 'b1'.padEnd(40, '0');
  const base = 'a1'.padEnd(40, '0');
  const api = await startGitHubApi({
    repository: REPOSITORY,
    pulls: [{ number: 7, headSha: head, headRef: 'feature', baseRef: DEFAULT_BRANCH, baseSha: base }],
  });
  try {
    const example = path.join(root, 'examples/quickstart');
    // One run per job (compare runs: 1): a pull request run that sees a noisy regression would otherwise run
    // the suite again, and that second run is suite time the results' durations do not count.
    const config = `${readFileSync(path.join(example, 'perf.yml'), 'utf8').trimEnd()}\n  runs: 1\n`;
    if (!/\ncompare:\n( {2}.*\n)* {2}runs: 1\n$/.test(config))
      throw new Error('the quickstart config no longer ends in compare:');
    const files = { '.': { copy: example }, 'perf.yml': config };
    const prepare = (spec: { event: string; ref: string; sha: string; payload: Record<string, unknown> }) =>
      sandbox.prepare({
        ...spec,
        apiUrl: api.url,
        files,
        inputs: { 'github-token': WRITE_TOKEN, config: 'perf.yml' },
      });
    // A push to main first, so that the pull request jobs restore a baseline, compare and comment.
    const push = prepare({
      event: 'push',
      ref: `refs/heads/${DEFAULT_BRANCH}`,
      sha: base,
      payload: { ref: `refs/heads/${DEFAULT_BRANCH}`, after: base },
    });
    push.env = { ...push.env, ...cache.env(makeRuntimeToken({ writeScope: `refs/heads/${DEFAULT_BRANCH}` })) };
    const seeded = await runActionBundle(actionBundle, push, 300_000);
    if (seeded.code !== 0) throw new Error(`the push job failed:\n${seeded.stdout}\n${seeded.stderr}`);

    // The action with each replicate in the whole bundle (before) and in the lean entry (after), and the CLI.
    const variants = { 'action, whole-bundle replicates (before)': 'full', 'action (after)': '', CLI: 'cli' };
    const wall: Record<string, number[]> = {};
    const beyond: Record<string, number[]> = {};
    const pullJob = (replicate: string) => {
      const job = prepare({
        event: 'pull_request',
        ref: 'refs/pull/7/merge',
        sha: head,
        payload: {
          action: 'synchronize',
          number: 7,
          pull_request: {
            number: 7,
            head: { sha: head, ref: 'feature', repo: { full_name: REPOSITORY } },
            base: { sha: base, ref: DEFAULT_BRANCH, repo: { full_name: REPOSITORY } },
          },
        },
      });
      job.env = {
        ...job.env,
        ...cache.env(
          makeRuntimeToken({ writeScope: 'refs/pull/7/merge', readScopes: [`refs/heads/${DEFAULT_BRANCH}`] }),
        ),
        PERF_ACTION_BENCH_REPLICATE: replicate,
      };
      return job;
    };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, mode] of Object.entries(variants)) {
        const job = pullJob(mode === 'cli' ? '' : mode);
        let ms: number;
        let doc: string;
        if (mode === 'cli') {
          ms = timed(process.execPath, [cli, 'run', '--config', 'perf.yml', '--out', 'cli.json'], {
            cwd: job.workspace,
            env: { ...process.env, NO_COLOR: '1' },
            output: 'cli.json',
          }).ms;
          doc = path.join(job.workspace, 'cli.json');
        } else {
          const t0 = performance.now();
          const result = await runActionBundle(actionBundle, job, 300_000);
          ms = performance.now() - t0;
          if (result.code !== 0 && result.code !== 1) throw new Error(`the action failed:\n${result.stdout}`);
          if (!result.outputs.results) throw new Error(`the action wrote no results:\n${result.stdout}`);
          doc = result.outputs.results;
        }
        wall[name] = [...(wall[name] ?? []), ms];
        beyond[name] = [...(beyond[name] ?? []), ms - suitesMs(parseResults(readFileSync(doc, 'utf8'), doc))];
      }
    }
    for (const name of Object.keys(variants)) {
      const b = median(beyond[name] ?? []);
      const limit = name === 'CLI' ? '' : `  -> ${(b / 1500).toFixed(2)}x the 1.5 s limit`;
      console.log(`  ${name.padEnd(41)} wall ${secs(median(wall[name] ?? []))} (runs: ${list(wall[name] ?? [])})`);
      console.log(`  ${''.padEnd(41)} beyond the suites ${secs(b)}${limit}`);
    }
    const after = median(beyond['action (after)'] ?? []);
    const before = median(beyond['action, whole-bundle replicates (before)'] ?? []);
    console.log(`  action - CLI beyond the suites: ${secs(after - median(beyond.CLI ?? []))}`);
    // The replicates' start is suite time, so it shows in the wall time, not beyond the suites.
    const wallRatio =
      median(wall['action (after)'] ?? []) / median(wall['action, whole-bundle replicates (before)'] ?? []);
    console.log(
      `  ratio after / before: wall ${wallRatio.toFixed(2)}x, beyond the suites ${(after / before).toFixed(2)}x`,
    );

    // Loading the bundle alone: imported with no inputs, it fails at once (missing config/token), so this is
    // the load plus a trivial failure; node -e 0 is subtracted.
    const load = (args: string[]) => {
      const runs: number[] = [];
      for (let i = 0; i < 5; i++) runs.push(timed(process.execPath, args, { cwd: sandbox.root, env: {} }).ms);
      return median(runs);
    };
    const bare = load(['-e', '0']);
    const index = load([
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(pathToFileURL(actionBundle).href)})`,
    ]);
    const cliLoad = load([cli, '--help']);
    console.log(
      `  bundle load beyond node -e 0 (${secs(bare)}): dist/index.js ${secs(index - bare)}, dist/cli.js --help ${secs(cliLoad - bare)}`,
    );
  } finally {
    await cache.close();
    await api.close();
    sandbox.dispose();
  }
}

// --- http ---------------------------------------------------------------------------------------------------

/** perf-action's http suite through the bundled CLI; req/s over the measured time (warm-up excluded). */
function perfAction(dir: string, url: string, workers: number | undefined): number {
  const config =
    `version: 1\nid: http-overhead\nsuites:\n  - name: api\n    kind: http\n    target: ${url}\n` +
    (workers ? `    workers: ${workers}\n` : '') +
    `    load: { users: ${HTTP_CONNECTIONS}, duration: ${HTTP_SECONDS + 1}s, warmup: 1s }\n` +
    `    requests:\n      - { name: root, path: / }\n`;
  writeFileSync(path.join(dir, 'perf.yml'), config);
  timed(NODE, [cli, 'run', '--config', 'perf.yml', '--out', 'http.json'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
    output: 'http.json',
  });
  const doc = parseResults(readFileSync(path.join(dir, 'http.json'), 'utf8'), 'http.json');
  const suite = doc.suites[0];
  if (!suite?.ok) throw new Error(`the http suite failed: ${suite?.error}`);
  const m = suite.metrics.find((x) => x.name === 'all/throughput');
  if (!m) throw new Error('the http suite reported no all/throughput');
  return m.stats.mean;
}

async function httpWorkers(): Promise<void> {
  const cores = availableParallelism();
  console.log(
    `\n== http: ${HTTP_CONNECTIONS} connections, ${HTTP_SECONDS} s measured, ${ROUNDS} alternated rounds, ${cores} cores ==`,
  );
  if (spawnSync('wrk', ['--version']).error) {
    console.log('  wrk not found: skipped (apt-get install wrk)');
    return;
  }
  const { url, child } = await startServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-overhead-http-'));
  try {
    wrk(url, 2); // a warm server for every tool
    const variants: Record<string, number | undefined> = {
      '1 worker': 1,
      '2 workers': 2,
      [`default (${defaultWorkers(cores)})`]: undefined,
    };
    const runs: Record<string, number[]> = { 'wrk -t1': [] };
    // Each run's ratio is to the wrk run of its own round, so a busy spell of the machine hits both sides.
    const ratios: Record<string, number[]> = {};
    for (let r = 0; r < ROUNDS; r++) {
      const w = wrk(url);
      if (w === undefined) throw new Error('wrk failed');
      runs['wrk -t1']?.push(w);
      for (const [name, workers] of Object.entries(variants)) {
        const x = perfAction(dir, url, workers);
        runs[name] = [...(runs[name] ?? []), x];
        ratios[name] = [...(ratios[name] ?? []), x / w];
      }
    }
    for (const [name, xs] of Object.entries(runs)) {
      const ratio = ratios[name] ? `  ${median(ratios[name]).toFixed(2)}x wrk -t1` : '';
      const runsText = xs.map((x) => Math.round(x)).join(', ');
      console.log(
        `  ${name.padEnd(11)} ${String(Math.round(median(xs))).padStart(8)} req/s${ratio}  (runs: ${runsText})`,
      );
    }
    console.log('  target: default >= 0.90x wrk -t1');
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!existsSync(cli) || !existsSync(actionBundle)) throw new Error('dist/ is missing: run `npm run build` first');
if (wanted('replicate')) replicateOverhead();
if (wanted('action')) await actionOverhead();
if (wanted('http')) await httpWorkers();
