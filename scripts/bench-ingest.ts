// npm run bench:ingest [-- --lines N] - how long `perf-action ingest` takes, and how much memory it needs, on a
// large `go test -bench -benchmem` output. Two shapes of N result lines (default 100,000):
//
//   repeats   N/4 benchmarks (sub-benchmarks of 50 families) x -count 4: 3N/4 metrics of 4 samples
//   distinct  N benchmarks x -count 1: 3N metrics of 1 sample
//
// Each shape is ingested by ingestFiles (what the CLI calls) in a child process of its own, so its peak RSS
// (process.resourceUsage().maxRSS) is that ingest's alone; a child that loads the code and ingests nothing
// gives the floor. The last row is the whole CLI on the distinct shape (dist/cli.js: `npm run build` first):
// reading, the results document written to a file, the terminal listing. Targets: under 10 s and 300 MB.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ingestFiles } from '../suites/ingest/index.ts';

const TARGET_SECONDS = 10;
const TARGET_MB = 300;
const FAMILIES = 50;
const self = fileURLToPath(import.meta.url);
const cli = path.join(path.dirname(self), '..', 'dist', 'cli.js');

interface Measure {
  seconds: number;
  /** User + system CPU of the ingest: steadier than wall time on a shared machine. */
  cpu: number;
  mb: number;
  metrics: number;
  warnings: number;
}

/** Go's text for `distinct` benchmarks run `count` times each (Go runs one benchmark's repeats back to back). */
function goOutput(distinct: number, count: number): string {
  const out = ['goos: linux', 'goarch: amd64', 'pkg: example.com/app/graph', 'cpu: Bench CPU @ 2.00GHz'];
  for (let i = 0; i < distinct; i++) {
    const name = `BenchmarkPlan${i % FAMILIES}/nodes=${Math.floor(i / FAMILIES)}/mode=fast-8`;
    for (let c = 0; c < count; c++) {
      const ns = 1000 + ((i * 7 + c * 13) % 500);
      out.push(`${name.padEnd(48)}\t 1000000\t${String(ns).padStart(12)} ns/op\t      56 B/op\t       2 allocs/op`);
    }
  }
  out.push('PASS', 'ok  \texample.com/app/graph\t12.345s', '');
  return out.join('\n');
}

/** In the child: ingest one file, say how long it took, how much memory the process ever held, what it read. */
async function child(file: string | undefined): Promise<void> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const output = file ? await ingestFiles([file], { suite: 'go' }) : { metrics: [], warnings: [] };
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const measure: Measure = {
    seconds,
    cpu: (cpu.user + cpu.system) / 1e6,
    mb: process.resourceUsage().maxRSS / 1024,
    metrics: output.metrics.length,
    warnings: output.warnings.length,
  };
  process.stdout.write(`${JSON.stringify(measure)}\n`);
}

/** The whole CLI (dist/cli.js) ingesting into a file: parse, build the document, write it, list the metrics. */
function runCli(file: string, out: string): Measure {
  // An exit hook reports the process's own peak RSS: no external `time` needed.
  const hook =
    'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))';
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', hook, cli, 'ingest', file, '--format', 'go', '--out', out], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new Error(`perf-action ingest failed (${r.status}): ${r.stderr}`);
  const rss = /maxrss (\d+)/.exec(r.stderr);
  const metrics = /: (\d+) metrics? ->/.exec(r.stdout);
  return {
    seconds,
    cpu: Number.NaN,
    mb: Number(rss?.[1] ?? Number.NaN) / 1024,
    metrics: Number(metrics?.[1] ?? 0),
    warnings: (r.stderr.match(/^warning:/gm) ?? []).length,
  };
}

function runChild(file?: string): Measure {
  // process.execArgv carries tsx's loader, so the child runs this TypeScript file the same way.
  const r = spawnSync(process.execPath, [...process.execArgv, self, '--child', ...(file ? [file] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`ingest child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Measure;
}

const { values, positionals } = parseArgs({
  options: { lines: { type: 'string', default: '100000' }, child: { type: 'boolean', default: false } },
  allowPositionals: true,
});

if (values.child) {
  await child(positionals[0]);
} else {
  const lines = Number(values.lines);
  if (!Number.isInteger(lines) || lines < 4) throw new Error(`--lines must be an integer >= 4, not ${values.lines}`);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ingest-'));
  try {
    const floor = runChild();
    process.stdout.write(
      `bench:ingest: go test -bench text, ${lines.toLocaleString('en-US')} result lines per shape\n` +
        `(a child process that loads the code and ingests nothing peaks at ${floor.mb.toFixed(0)} MB)\n\n` +
        '| shape | metrics | seconds | CPU seconds | peak RSS MB | time / target | memory / target |\n' +
        '| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n',
    );
    const shapes: Array<[string, number, number]> = [
      [`repeats (${Math.floor(lines / 4)} x -count 4)`, Math.floor(lines / 4), 4],
      [`distinct (${lines} x -count 1)`, lines, 1],
      [`CLI: perf-action ingest --out, distinct (${lines} x -count 1)`, lines, 1],
    ];
    let ok = true;
    for (const [label, distinct, count] of shapes) {
      const file = path.join(dir, `${distinct}x${count}.txt`);
      writeFileSync(file, goOutput(distinct, count));
      const m = label.startsWith('CLI') ? runCli(file, path.join(dir, 'out.json')) : runChild(file);
      // Every benchmark gives ns/op, B/op and allocs/op: a short count means lines were lost.
      if (m.metrics !== distinct * 3 || m.warnings !== 0) {
        throw new Error(
          `${label}: expected ${distinct * 3} metrics and no warning, got ${m.metrics} and ${m.warnings}`,
        );
      }
      const t = m.seconds / TARGET_SECONDS;
      const r = m.mb / TARGET_MB;
      ok &&= t < 1 && r < 1;
      process.stdout.write(
        `| ${label} | ${m.metrics} | ${m.seconds.toFixed(2)} | ${Number.isNaN(m.cpu) ? '-' : m.cpu.toFixed(2)} | ${m.mb.toFixed(0)} | ${t.toFixed(2)} | ${r.toFixed(2)} |\n`,
      );
    }
    process.stdout.write(`\n${ok ? 'within' : 'OVER'} the targets (${TARGET_SECONDS} s, ${TARGET_MB} MB)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
