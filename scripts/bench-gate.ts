// npm run bench:gate - calibrates the gate on this machine with a real bench suite (20 CPU kernels in
// __tests__/fixtures/gate, 5 fresh processes each), in stored-baseline mode: the baseline and its history
// are earlier runs, the head is a later one, exactly as a pull request sees them.
//
// After three unchanged runs (the first history), each round runs the suite once unchanged (A, a "main" run
// that joins the history) and once per injected slowdown (B: the kernels repeat 2%, 5%, 10% and 20% more
// work), in a shuffled order. Then every head is
// compared with every earlier A run as its baseline, that baseline carrying the A runs before it as history:
//   A/A  an unchanged head: the share of comparisons with any metric called regressed is the false-alarm rate
//   A/B  a slowed head: the share of comparisons whose gate fails is the detection rate per slowdown
// and the same again without history, to show what the history changes, and with history again by the
// history's age (4 runs, 5-6, 7-10, 11 or more). Also printed: the measured ratio head/base per slowdown (median
// over metrics and comparisons) against the injected one, and how closely the machine's yardsticks (the
// main process's speed probe, the suite's reference workload) followed the suite between unchanged runs.
// The injected slowdown repeats the kernels, never the reference workload, as a pull request would.
//
//   --runs N      rounds (default 12; --quick: 4)
//   --quick       fewer rounds, for a first look
//   --replicates N  fresh processes per run (default 5, the suite's setting; 10 for calibration figures:
//                 at 5 v 5, 99% and 20 metrics the rank test sits at its floor, p ≥ 0.008 before correction)
//   --reuse DIR   analyse the runs saved in DIR again without measuring
//   --dir DIR     where runs are saved (default .perf/bench-gate/<time>); every run is written as it ends
//   --ab          same-runner mode instead: each run is a whole A/B (base unchanged, head slowed, interleaved
//                 rounds, paired analysis, up to --max-pairs pairs); printed beside the stored-baseline mode on
//                 the same data (head's rounds against the first run's base rounds, measured earlier)
//   --max-pairs N with --ab: pairs per A/B run at most (default 20)
//
// The machine may be shared with other work: the figures describe it as it was during the run.

import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runAb } from '../src/ab/run-ab.ts';
import { abVerdict } from '../src/ab/verdict.ts';
import { writeJsonAtomic } from '../src/baseline/file.ts';
import { type CalibrationReport, type CalibrationRun, calibrate } from '../src/compare/calibrate.ts';
import { judge } from '../src/compare/judge.ts';
import { MIN_HISTORY_RUNS } from '../src/compare/noise.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { referenceRatio } from '../src/compare/reference.ts';
import { loadConfig } from '../src/config/load.ts';
import * as api from '../src/index.ts';
import { type Metric, parseResults, type ResultsDocument } from '../src/model/results.ts';
import { silentProgress } from '../src/runner/progress.ts';
import { runSuites } from '../src/runner/run.ts';
import { registerTsLoader } from '../src/runner/ts-loader.ts';
import { median } from '../src/stats/quantile.ts';
import { makeRng } from '../src/stats/rng.ts';

const FACTORS = [1.02, 1.05, 1.1, 1.2];
const CONFIG = path.resolve(import.meta.dirname, '../__tests__/fixtures/gate/perf.yml');

interface SavedRun {
  index: number;
  factor: number;
  results: ResultsDocument;
}

function options() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      replicates: { type: 'string' },
      quick: { type: 'boolean' },
      reuse: { type: 'string' },
      dir: { type: 'string' },
      ab: { type: 'boolean' },
      'max-pairs': { type: 'string' },
    },
    strict: true,
  });
  const runs = values.runs !== undefined ? Number(values.runs) : values.quick ? 4 : 12;
  if (!Number.isInteger(runs) || runs < 2) {
    throw new Error(
      `--runs must be an integer of at least 2 (got ${values.runs}): two unchanged runs make one A/A pair`,
    );
  }
  const replicates = values.replicates !== undefined ? Number(values.replicates) : undefined;
  if (replicates !== undefined && !(Number.isInteger(replicates) && replicates >= 2)) {
    throw new Error(`--replicates must be an integer of at least 2 (got ${values.replicates})`);
  }
  const maxPairs = values['max-pairs'] !== undefined ? Number(values['max-pairs']) : 20;
  if (!Number.isInteger(maxPairs) || maxPairs < 6) {
    throw new Error(`--max-pairs must be an integer of at least 6 (got ${values['max-pairs']})`);
  }
  return {
    runs,
    replicates,
    reuse: values.reuse,
    dir: values.dir,
    ab: values.ab === true,
    maxPairs,
    quick: values.quick === true,
  };
}

/** --ab: same-runner A/B per run, and stored-baseline mode on the same measurements. */
async function measureAb(runs: number, maxPairs: number, quick: boolean): Promise<void> {
  registerTsLoader({ ...api });
  const loaded = await loadConfig(CONFIG, { cwd: process.cwd(), env: process.env });
  const factors = quick ? [1, 1.05, 1.1] : [1, ...FACTORS];
  const rng = makeRng(20_261_202);
  const signal = new AbortController().signal;
  const options = DEFAULT_COMPARE_OPTIONS;
  const tally = new Map<number, { runs: number; same: number; stored: number; pairs: number; ratio: number[] }>();
  let storedBase: ResultsDocument | undefined;
  const started = Date.now();
  for (let r = 0; r < runs; r++) {
    const order = [...factors];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const factor of order) {
      const outcome = await runAb({
        head: loaded,
        base: loaded,
        ab: { rounds: 10, maxRounds: maxPairs, timeBudget: 3_600_000, order: 'abba', compareTo: 'base' },
        confidence: options.confidence,
        minEffect: options.minEffect,
        progress: silentProgress,
        signal,
        env: process.env,
        sideEnv: { base: { SPIN_FACTOR: '1' }, head: { SPIN_FACTOR: String(factor) } },
      });
      const same = abVerdict(outcome, [], options, 'base');
      // The stored baseline: the first run's base rounds, measured minutes before (as a main run would be).
      storedBase ??= outcome.results.base;
      const stored = judge({
        head: outcome.results.head,
        baseline: { results: storedBase, source: 'first run' },
        options,
      });
      const t = tally.get(factor) ?? { runs: 0, same: 0, stored: 0, pairs: 0, ratio: [] };
      t.runs++;
      t.pairs += outcome.pairs;
      if (same.verdict.comparisons.some((c) => c.verdict === 'regressed')) t.same++;
      if (stored.verdict.comparisons.some((c) => c.verdict === 'regressed')) t.stored++;
      const ratios = outcome.analyses.map((a) => a.ratio).sort((a, b) => a - b);
      t.ratio.push(ratios[ratios.length >> 1] ?? 1);
      tally.set(factor, t);
      process.stderr.write(
        `run ${r + 1}/${runs}: ×${factor.toFixed(2)}: ${outcome.pairs} pairs, same-runner ` +
          `${same.verdict.comparisons.filter((c) => c.verdict === 'regressed').length} regressed, stored ` +
          `${stored.verdict.comparisons.filter((c) => c.verdict === 'regressed').length} regressed ` +
          `(${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
      );
    }
  }
  const header = ['injected', 'runs', 'same-runner', 'mean pairs', 'stored baseline', 'measured (paired)'];
  const rows = [...tally.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([f, t]) => {
      const ratio = [...t.ratio].sort((a, b) => a - b)[t.ratio.length >> 1] ?? 1;
      return [
        f === 1 ? 'A/A (none)' : `×${f.toFixed(2)} (${signed(f - 1)})`,
        String(t.runs),
        pct(t.same / t.runs),
        (t.pairs / t.runs).toFixed(1),
        pct(t.stored / t.runs),
        signed(ratio - 1),
      ];
    });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  const env = storedBase?.env;
  process.stdout.write(
    `bench:gate --ab - the 20-metric gate suite, same-runner A/B (one process per side per round, up to ${maxPairs} ` +
      'pairs, min-effect 5%, confidence 99%) beside stored-baseline mode on the same measurements\n' +
      (env ? `machine: ${env.cpu}, ${env.cores} cores, Node ${env.node} (shared: figures include other load)\n` : '') +
      'A/A: share of runs with any metric regressed (target ≤ 1%); ×f: share of runs that caught it\n' +
      '(targets: ×1.05 ≥ 80%, ×1.10 ≥ 95% within 30 pairs, and same-runner beating stored at ×1.05)\n' +
      `${line(header)}\n${rows.map(line).join('\n')}
`,
  );
}

async function measure(rounds: number, dir: string, replicates: number | undefined): Promise<SavedRun[]> {
  registerTsLoader({ ...api });
  const loaded = await loadConfig(CONFIG, { cwd: process.cwd(), env: process.env });
  if (replicates !== undefined) for (const s of loaded.config.suites) s.replicates = replicates;
  await mkdir(dir, { recursive: true });
  const rng = makeRng(20_261_201);
  const runs: SavedRun[] = [];
  const started = Date.now();
  // Unchanged runs first, so that the first round's baseline already has a history to compare with.
  const warmup = MIN_HISTORY_RUNS - 1;
  for (let r = -warmup; r < rounds; r++) {
    const order = r < 0 ? [1] : [1, ...FACTORS];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const factor of order) {
      const { results } = await runSuites(loaded, { env: { ...process.env, SPIN_FACTOR: String(factor) } });
      const failed = results.suites.find((s) => !s.ok);
      if (failed) {
        // One broken run (a replicate killed, a busy machine timing out) costs that run, not the series.
        process.stderr.write(`round ${r + 1}/${rounds}: ×${factor.toFixed(2)} failed, left out: ${failed.error}\n`);
        continue;
      }
      const run: SavedRun = { index: runs.length, factor, results };
      runs.push(run);
      await writeJsonAtomic(path.join(dir, `run-${String(run.index).padStart(3, '0')}.json`), run);
      const elapsed = (Date.now() - started) / 1000;
      process.stderr.write(
        `round ${r + 1}/${rounds}: ×${factor.toFixed(2)} done (${runs.length}/${warmup + rounds * (FACTORS.length + 1)} runs, ${elapsed.toFixed(0)} s)\n`,
      );
    }
  }
  return runs;
}

async function reuse(dir: string): Promise<SavedRun[]> {
  const files = (await readdir(dir)).filter((f) => /^run-\d+\.json$/.test(f)).sort();
  if (files.length === 0) throw new Error(`${dir} holds no run-NNN.json files; measure first (without --reuse)`);
  const out: SavedRun[] = [];
  for (const f of files) {
    const file = path.join(dir, f);
    const raw = JSON.parse(await readFile(file, 'utf8')) as { index: number; factor: number; results: unknown };
    out.push({
      index: raw.index,
      factor: raw.factor,
      results: parseResults(JSON.stringify(raw.results), `${file} at $.results`),
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function print(report: CalibrationReport, label: string): void {
  const rows = report.rows.map((r) => [
    r.factor === 1 ? 'A/A (none)' : `×${r.factor.toFixed(2)} (${signed(r.factor - 1)})`,
    String(r.comparisons),
    r.factor === 1 ? pct(r.anyRegressed) : pct(r.gateFailed),
    pct(r.metricRegressed),
    r.factor === 1 ? '' : pct(r.metricDetectedAtLeastHalf),
    r.medianRatio === undefined ? '—' : signed(r.medianRatio - 1),
    pct(r.unreliable),
    pct(r.bestLevel),
    pct(r.offUsual),
    r.medianNoise === undefined ? '—' : `±${pct(r.medianNoise)}`,
    r.medianBand === undefined ? '—' : `±${pct(r.medianBand)}`,
  ]);
  const header = [
    'injected',
    'pairs',
    'alarm/detect',
    'metrics regr.',
    'runs ≥½ regr.',
    'measured',
    'unreliable',
    'best',
    'base off',
    'noise',
    'between runs',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  process.stdout.write(`\n${label}\n${line(header)}\n${rows.map(line).join('\n')}\n`);
}

/** Pearson's r of two equally long series (NaN when either is constant). */
function correlation(xs: readonly number[], ys: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  let [sxy, sxx, syy] = [0, 0, 0];
  for (let i = 0; i < xs.length; i++) {
    const [x, y] = [(xs[i] as number) - mx, (ys[i] as number) - my];
    sxy += x * y;
    sxx += x * x;
    syy += y * y;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

/**
 * Do the machine's yardsticks see what the suite sees? Between consecutive unchanged runs, the machine-wide
 * move of the suite (median over metrics of the log change of each metric's level, slower positive) against
 * the move of the main process's speed probe (env.speed, medians) and of the suite's reference workload
 * (compare/reference.ts: its median against the metrics' medians, its fastest replicate against their best).
 */
function printProbe(runs: SavedRun[]): void {
  const plain = runs.filter((r) => r.factor === 1);
  const suiteMove = (a: SavedRun, b: SavedRun, level: (m: Metric) => number) => {
    const before = new Map(a.results.suites.flatMap((s) => s.metrics).map((m) => [m.id, level(m)] as const));
    const steps = b.results.suites
      .flatMap((s) => s.metrics)
      .filter((m) => (before.get(m.id) ?? 0) > 0 && level(m) > 0)
      .map((m) => Math.log(level(m) / (before.get(m.id) as number)));
    return steps.length > 0 ? median(steps) : undefined;
  };
  const lines: string[] = [];
  // Each yardstick's step from one run to the next: how much slower the later run ran it.
  const probe = (a: SavedRun, b: SavedRun) => {
    const [sa, sb] = [a.results.env.speed, b.results.env.speed];
    return sa && sb ? sa / sb : undefined;
  };
  const yardsticks: Array<[string, (a: SavedRun, b: SavedRun) => number | undefined, (m: Metric) => number]> = [
    ['speed probe (main process)', probe, (m) => m.stats.median],
    ['reference, median', (a, b) => referenceStep(a, b, 'median'), (m) => m.stats.median],
    ['reference, fastest', (a, b) => referenceStep(a, b, 'best'), (m) => Math.min(...(m.samples ?? [m.stats.min]))],
  ];
  for (const [name, step, level] of yardsticks) {
    const [xs, ys] = [[] as number[], [] as number[]];
    for (let i = 1; i < plain.length; i++) {
      const [a, b] = [plain[i - 1] as SavedRun, plain[i] as SavedRun];
      const [ratio, move] = [step(a, b), suiteMove(a, b, level)];
      if (ratio === undefined || move === undefined) continue;
      xs.push(Math.log(ratio));
      ys.push(move);
    }
    if (xs.length < 3) continue;
    const rest = ys.map((y, i) => y - (xs[i] as number));
    const rms = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
    lines.push(
      `  ${name}: correlation ${correlation(xs, ys).toFixed(2)} over ${xs.length} steps; the suite moved by ` +
        `${pct(rms(ys))} (rms), ${pct(rms(rest))} once divided by it`,
    );
  }
  process.stdout.write(
    lines.length > 0
      ? `\nthe machine's yardsticks against the suite, between consecutive unchanged runs:\n${lines.join('\n')}\n`
      : '\nyardsticks: fewer than 4 unchanged runs with a probe or a reference; nothing to say\n',
  );
}

function referenceStep(a: SavedRun, b: SavedRun, view: 'median' | 'best'): number | undefined {
  return referenceRatio(b.results.suites[0]?.reference, a.results.suites[0]?.reference, view);
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.ab) {
    await measureAb(opts.runs, opts.maxPairs, opts.quick);
    return;
  }
  const dir =
    opts.reuse ?? opts.dir ?? path.join('.perf', 'bench-gate', new Date().toISOString().replace(/[:.]/g, '-'));
  const runs = opts.reuse ? await reuse(opts.reuse) : await measure(opts.runs, dir, opts.replicates);
  const input: CalibrationRun[] = runs.map((r) => ({ factor: r.factor, results: r.results }));
  const env = runs[0]?.results.env;
  const n = runs[0]?.results.suites[0]?.metrics[0]?.samples?.length ?? 0;
  process.stdout.write(
    `bench:gate - ${runs.length} runs of the 20-metric gate suite, ${n} replicates each, min-effect 5%, confidence 99%\n` +
      (env
        ? `machine: ${env.cpu}, ${env.cores} cores, ${env.os}, Node ${env.node} (shared: figures include other load)\n`
        : '') +
      `runs saved in ${dir}\n` +
      'A/A: share of comparisons with any metric regressed (target ≤ 1%). ×f: share whose gate failed\n' +
      '(targets: ×1.20 ≥ 95%, ×1.10 ≥ 80%). "measured" is the median ratio head/base over metrics and pairs;\n' +
      '"noise" the median spread of one replicate, "between runs" the median run-to-run band of the history,\n' +
      '"best" the share of metrics compared by their best replicate (README, "Slow modes"), "base off" the\n' +
      'share whose baseline run sat off the metric\'s usual level (README, "Off its usual level"). A recheck\n' +
      'runs a regressed suite again: here the next run of the same code stands in for it.\n',
  );
  // The gate as shipped: history, and a regression confirmed by a second run (the next run of the same code).
  const gate = { options: DEFAULT_COMPARE_OPTIONS, history: true, recheck: DEFAULT_COMPARE_OPTIONS.recheck };
  print(calibrate(input, gate), 'with the baseline history (noise-aware), regressions rechecked by a second run:');
  print(calibrate(input, { ...gate, recheck: false }), 'the same, one run deciding (no recheck):');
  print(calibrate(input, { ...gate, history: false }), 'without history (baseline only):');
  printProbe(runs);
  // A young history knows the machine's drift from few runs; its allowance is wider until the history grows.
  for (const [least, most] of [
    [MIN_HISTORY_RUNS, MIN_HISTORY_RUNS],
    [MIN_HISTORY_RUNS + 1, 6],
    [7, 10],
    [11, Number.POSITIVE_INFINITY],
  ] as Array<[number, number]>) {
    const report = calibrate(input, { ...gate, historyRuns: [least, most] });
    if (report.rows.length === 0) continue;
    const span = least === most ? `${least}` : Number.isFinite(most) ? `${least}-${most}` : `${least} or more`;
    print(report, `with a history of ${span} runs:`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:gate failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
