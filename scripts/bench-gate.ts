// npm run bench:gate - the gate as shipped (dist/cli.js), on the real quickstart, with a CPU-burning neighbour
// on one core. Builds a main history (--history N runs saved with --save-baseline), then runs --pairs unchanged
// heads and --pairs heads 20% slower (--slowdown), alternating, each judged against the same baseline and
// history with the pipeline's extra runs. Prints perf-action's outcome per head and the peers' rules on the
// same documents (tools/peers.ts), side by side.
//
//   --history N   main runs before the heads (default 5)
//   --pairs N     unchanged and slowed heads each (default 10)
//   --slowdown F  the slowed heads' factor (default 1.2)
//   --quiet       no neighbour
//   --ab          same-runner mode instead: a scratch git repository with a base commit and a head commit
//                 (unchanged, or slowed in its bench file), judged by `perf-action ab --base HEAD~1`
//   --max-pairs N with --ab: pairs per head at most (default 30)
//   --dir DIR     where the documents go (default .perf/bench-gate/<time>)
// Run `npm run build` first: it measures the bundle.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseResults, type ResultsDocument } from '../src/model/results.ts';
import { parseVerdict, type VerdictDocument } from '../src/model/verdict.ts';
import { peerVerdicts } from '../tools/peers-on-documents.ts';

const { values: args } = parseArgs({
  options: {
    history: { type: 'string', default: '5' },
    pairs: { type: 'string', default: '10' },
    slowdown: { type: 'string', default: '1.2' },
    quiet: { type: 'boolean', default: false },
    ab: { type: 'boolean', default: false },
    'max-pairs': { type: 'string', default: '30' },
    dir: { type: 'string' },
  },
});
const root = path.resolve(import.meta.dirname, '..');
const dir = path.resolve(
  args.dir ?? path.join(root, '.perf/bench-gate', new Date().toISOString().replace(/[:.]/g, '-')),
);
mkdirSync(dir, { recursive: true });
const config = path.join(dir, 'perf.yml');
writeFileSync(
  config,
  readFileSync(path.join(root, 'examples/quickstart/perf.yml'), 'utf8').replace(
    'file: bench/graph.bench.ts',
    `file: ${path.join(root, 'scripts/gate/slowed.bench.ts')}`,
  ),
);

function cli(argv: string[], env: Record<string, string> = {}): { code: number; ms: number; stderr: string } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), ...argv], {
    cwd: dir,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  return { code: r.status ?? -1, ms: Date.now() - started, stderr: r.stderr };
}

const neighbour = args.quiet
  ? undefined
  : spawnSync('which', ['taskset']).status === 0
    ? spawn('taskset', ['-c', '1', process.execPath, '-e', 'for(;;){}'], { stdio: 'ignore' })
    : spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
process.on('exit', () => neighbour?.kill('SIGKILL'));

if (args.ab) {
  sameRunner();
  process.exit(0);
}

/** Same-runner mode: each head is a commit of a scratch repository, judged against its parent on this runner. */
function sameRunner(): void {
  const repo = path.join(dir, 'repo');
  mkdirSync(path.join(repo, 'bench'), { recursive: true });
  const git = (...a: string[]) => spawnSync('git', a, { cwd: repo, encoding: 'utf8' });
  const bench = (factor: number) =>
    readFileSync(path.join(root, 'scripts/gate/slowed.bench.ts'), 'utf8')
      .replace("from '../../examples/quickstart/planner.ts'", "from '../planner.ts'")
      .replace("Number(process.env.PERF_GATE_SLOWDOWN ?? '1')", String(factor));
  writeFileSync(path.join(repo, 'planner.ts'), readFileSync(path.join(root, 'examples/quickstart/planner.ts')));
  // At most --max-pairs interleaved pairs per head, so that a series ends in minutes.
  writeFileSync(
    path.join(repo, 'perf.yml'),
    `${readFileSync(path.join(root, 'examples/quickstart/perf.yml'), 'utf8')}ab:\n  max-rounds: ${args['max-pairs']}\n`,
  );
  git('init', '-q');
  git('config', 'user.email', 'gate@example.invalid');
  git('config', 'user.name', 'gate');
  const rows: string[] = [];
  const tally = { 'A/A': { failed: 0, n: 0 }, slowed: { failed: 0, n: 0 } };
  for (let i = 0; i < Number(args.pairs); i++) {
    for (const kind of i % 2 === 0 ? (['A/A', 'slowed'] as const) : (['slowed', 'A/A'] as const)) {
      writeFileSync(path.join(repo, 'bench/graph.bench.ts'), bench(1));
      git('add', '-A');
      git('commit', '-qm', `base ${kind} ${i}`, '--allow-empty');
      writeFileSync(path.join(repo, 'bench/graph.bench.ts'), bench(kind === 'A/A' ? 1 : Number(args.slowdown)));
      git('add', '-A');
      git('commit', '-qm', `head ${kind} ${i}`, '--allow-empty');
      const started = Date.now();
      const r = spawnSync(
        process.execPath,
        [path.join(root, 'dist/cli.js'), 'ab', '--base', 'HEAD~1', '--json', 'v.json'],
        {
          cwd: repo,
          env: { ...process.env, NO_COLOR: '1' },
          encoding: 'utf8',
        },
      );
      const v = parseVerdict(readFileSync(path.join(repo, 'v.json'), 'utf8'), 'v.json');
      const pairs = v.comparisons[0]?.evidence?.nHead ?? 0;
      tally[kind].n++;
      if (v.comparisons.some((c) => c.verdict === 'regressed')) tally[kind].failed++;
      const line = `${kind} ${i}: exit ${r.status}, ${v.comparisons.filter((c) => c.verdict === 'regressed').length} regressed, ${pairs} pairs, ${((Date.now() - started) / 1000).toFixed(0)} s`;
      process.stderr.write(`${line}\n`);
      rows.push(line);
    }
  }
  neighbour?.kill('SIGKILL');
  const table = [
    `npm run bench:gate -- --ab: quickstart, same-runner pairs (perf-action ab), ${args.pairs} unchanged and ${args.pairs} x${args.slowdown} heads, ${args.quiet ? 'quiet machine' : 'a CPU-burning neighbour on one core'}`,
    '',
    '| | perf-action (same runner) |',
    '|---|---|',
    `| unchanged heads: any metric regressed | ${tally['A/A'].failed} of ${tally['A/A'].n} |`,
    `| heads x${args.slowdown}: any metric regressed | ${tally.slowed.failed} of ${tally.slowed.n} |`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  writeFileSync(path.join(dir, 'summary.md'), `${table}\n\n${rows.join('\n')}\n`);
}

const main = path.join(dir, 'main.json');
const H = Number(args.history);
for (let i = 0; i < H; i++) {
  const r = cli(['run', '--config', config, '--save-baseline', main, '--out', path.join(dir, `main-${i}.json`)]);
  process.stderr.write(`main run ${i + 1}/${H}: exit ${r.code} in ${(r.ms / 1000).toFixed(1)} s\n`);
}

interface Head {
  kind: 'A/A' | 'slowed';
  code: number;
  ms: number;
  verdict: VerdictDocument;
  results: ResultsDocument;
}
const heads: Head[] = [];
const pairs = Number(args.pairs);
for (let i = 0; i < pairs; i++) {
  for (const kind of i % 2 === 0 ? (['A/A', 'slowed'] as const) : (['slowed', 'A/A'] as const)) {
    const name = `${kind === 'A/A' ? 'same' : 'slow'}-${i}`;
    const r = cli(
      ['run', '--config', config, '--baseline', main, '--out', `${name}.json`, '--json', `${name}.verdict.json`],
      kind === 'slowed' ? { PERF_GATE_SLOWDOWN: args.slowdown } : {},
    );
    const verdict = parseVerdict(readFileSync(path.join(dir, `${name}.verdict.json`), 'utf8'), name);
    const results = parseResults(readFileSync(path.join(dir, `${name}.json`), 'utf8'), name);
    heads.push({ kind, code: r.code, ms: r.ms, verdict, results });
    const regressed = verdict.comparisons.filter((c) => c.verdict === 'regressed').length;
    const runs = Math.max(...verdict.comparisons.map((c) => c.evidence?.headRuns ?? 1));
    process.stderr.write(
      `${name}: exit ${r.code}, ${regressed} regressed, ${runs} run(s), ${(r.ms / 1000).toFixed(1)} s\n`,
    );
  }
}
neighbour?.kill('SIGKILL');

const base = parseResults(readFileSync(main, 'utf8'), 'main.json');
const mains = Array.from({ length: H }, (_, i) =>
  parseResults(readFileSync(path.join(dir, `main-${i}.json`), 'utf8'), `main-${i}.json`),
);
const rules = ['perf-action', ...Object.keys(peerVerdicts(base, heads[0]?.results as ResultsDocument, mains))];
const rows: string[] = [];
for (const kind of ['A/A', 'slowed'] as const) {
  const of = heads.filter((h) => h.kind === kind);
  // Failed by a regression (a criterion such as the scaling slope can trip on a busy machine on its own).
  const failed: Record<string, number> = {
    'perf-action': of.filter((h) => h.verdict.comparisons.some((c) => c.verdict === 'regressed')).length,
  };
  for (const h of of) {
    for (const [rule, flagged] of Object.entries(peerVerdicts(base, h.results, mains))) {
      failed[rule] = (failed[rule] ?? 0) + (flagged.length > 0 ? 1 : 0);
    }
  }
  const label =
    kind === 'A/A' ? 'unchanged heads: any metric regressed' : `heads x${args.slowdown}: any metric regressed`;
  rows.push(`| ${label} | ${rules.map((r) => `${failed[r] ?? 0} of ${of.length}`).join(' | ')} |`);
}
const meanMs = heads.reduce((a, h) => a + h.ms, 0) / Math.max(1, heads.length);
const table = [
  `npm run bench:gate: quickstart, ${H}-run main history, ${pairs} unchanged and ${pairs} x${args.slowdown} heads, ${args.quiet ? 'quiet machine' : 'a CPU-burning neighbour on one core'}`,
  '',
  `| | ${rules.join(' | ')} |`,
  `|---|${rules.map(() => '---').join('|')}|`,
  ...rows,
  '',
  `perf-action: mean ${(meanMs / 1000).toFixed(1)} s per head (extra runs included); documents in ${path.relative(root, dir)}`,
].join('\n');
process.stdout.write(`${table}\n`);
writeFileSync(path.join(dir, 'summary.md'), `${table}\n`);
