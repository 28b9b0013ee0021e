// npm run bench:verdict [-- --seeds N] - the verdict in the gate lab (tools/simulate.ts), side by side with the
// peers' rules (tools/peers.ts) on identical data: every row is one scenario, N seeded worlds (default 200),
// each judged by perf-action's gate (adding head runs as the pipeline would) and by every peer on the first
// head run. Prints one markdown table and writes it, with the date and the seed count, to
// docs/verdict-measurements.md.
//
//   A/A rows     share of runs in which ANY of the 20 unchanged metrics was flagged regressed
//   shifted rows share of shifted metrics flagged regressed, and (when some metrics are unchanged) the share
//                of runs whose gate failed (any metric flagged, the shifted one or a false alarm)

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_COMPARE_OPTIONS } from '../src/compare/options.ts';
import { percentMagnitude as pct } from '../src/model/percent.ts';
import { PEERS, type PeerInput, peerFlags, peerInputs } from '../tools/peers.ts';
import {
  count,
  DEFAULT_SCENARIO,
  emptyRates,
  HEAVY_NOISE,
  LOGNORMAL_NOISE,
  MACHINE_DRIFT,
  MIXED_NOISE,
  makePairedWorld,
  makeWorld,
  type Rates,
  regressedIds,
  type Scenario,
  simulateGate,
  simulateSameRunner,
  tally,
} from '../tools/simulate.ts';

const AB_PLAN = { first: 10, max: 90 }; // ab.rounds and ab.max-rounds defaults (config/schema.ts)
const options = DEFAULT_COMPARE_OPTIONS;

interface Row {
  scenario: string;
  baseline: string;
  mode: 'stored' | 'same-runner';
  s: Scenario;
  /** min-effect for this row, when not the default's. */
  minEffect?: number;
}

const BASELINES: Array<[string, number]> = [
  ['history 5', 5],
  ['history 10', 10],
  ['no history', 0],
];

function rows(): Row[] {
  const out: Row[] = [];
  const add = (scenario: string, s: Partial<Scenario>, baselines = BASELINES) => {
    for (const [baseline, history] of baselines) {
      out.push({ scenario, baseline, mode: 'stored', s: { ...DEFAULT_SCENARIO, ...s, history } });
    }
  };
  const one = (shift: number) => ({ shift, shifted: 1 });
  add('A/A', {});
  for (const shift of [0.05, 0.1, 0.2, 1]) add(`+${Math.round(shift * 100)}% one of 20`, one(shift));
  add('+10% all 20', { shift: 0.1, shifted: 20 });
  add('2x one of 4, N=5', { metrics: 4, replicates: 5, ...one(1) }, [['no history', 0]]);
  const single: Array<[string, number]> = [
    ['history 10', 10],
    ['no history', 0],
  ];
  add('n=1: A/A', { replicates: 1 }, single);
  add('n=1: +50% one of 20', { replicates: 1, ...one(0.5) }, single);
  // The same without hiccups or second modes: one clean value per run.
  add('n=1, lognormal only: A/A', { replicates: 1, noise: LOGNORMAL_NOISE }, single);
  add('n=1, lognormal only: +50% one of 20', { replicates: 1, noise: LOGNORMAL_NOISE, ...one(0.5) }, single);
  const drift = { noise: { ...MIXED_NOISE, drift: MACHINE_DRIFT } };
  add('drift: A/A', drift);
  add('drift: +10% one of 20', { ...drift, ...one(0.1) });
  add('drift: +20% one of 20', { ...drift, ...one(0.2) });
  add('heavy tails: A/A', { noise: HEAVY_NOISE });
  add('heavy tails: +10% one of 20', { noise: HEAVY_NOISE, ...one(0.1) });
  const short: Array<[string, number]> = [
    ['history 5', 5],
    ['no history', 0],
  ];
  for (const n of [5, 30]) {
    add(`N=${n}: A/A`, { replicates: n }, short);
    add(`N=${n}: +10% one of 20`, { replicates: n, ...one(0.1) }, short);
  }
  add('throughput: A/A', { better: 'higher' }, short);
  add('throughput: +10% one of 20', { better: 'higher', ...one(0.1) }, short);
  const paired = (scenario: string, shift: number, minEffect?: number) =>
    out.push({
      scenario,
      baseline: `same runner, ${AB_PLAN.first}-${AB_PLAN.max} pairs${minEffect ? `, min-effect ${minEffect * 100}%` : ''}`,
      mode: 'same-runner',
      s: { ...DEFAULT_SCENARIO, ...drift, history: 0, ...(shift > 0 ? one(shift) : {}) },
      ...(minEffect ? { minEffect } : {}),
    });
  paired('drift: A/A', 0);
  paired('drift: +5% one of 20', 0.05);
  paired('drift: +10% one of 20', 0.1);
  // A +5% change is only ever "beyond" a 5% min-effect half the time: same-runner pairs resolve small changes,
  // and a team that wants +5% caught sets a smaller min-effect.
  paired('drift: A/A', 0, 0.02);
  paired('drift: +5% one of 20', 0.05, 0.02);
  return out;
}

interface Measured {
  row: Row;
  gate: Rates;
  peers: Rates[];
}

function measure(row: Row, seeds: readonly number[]): Measured {
  const gate = emptyRates();
  const peers = PEERS.map(emptyRates);
  for (const seed of seeds) {
    let inputs: Map<string, PeerInput>;
    let shifted: ReadonlySet<string>;
    if (row.mode === 'stored') {
      const world = makeWorld(row.s, seed);
      const run = simulateGate(world, options);
      count(gate, tally(regressedIds(run.comparisons), world.shifted), world.shifted.size, run.headRuns);
      inputs = peerInputs(world);
      shifted = world.shifted;
    } else {
      const world = makePairedWorld(row.s, seed, AB_PLAN.max);
      const run = simulateSameRunner(world, AB_PLAN, {
        ...options,
        ...(row.minEffect ? { minEffect: row.minEffect } : {}),
      });
      const flagged = run.analyses.filter((a) => a.decision.verdict === 'regressed').map((a) => a.id);
      count(gate, tally(flagged, world.shifted), world.shifted.size, run.pairs);
      // The peers get every round of both sides: the most a fixed-count interleaved run would give them.
      inputs = new Map(world.series.map((s) => [s.id, { better: s.better, base: s.base, head: s.head, history: [] }]));
      shifted = world.shifted;
    }
    PEERS.forEach((peer, i) => {
      count(peers[i] as Rates, tally(peerFlags(peer, inputs), shifted), shifted.size, 0);
    });
  }
  return { row, gate, peers };
}

function cell(r: Rates, row: Row): string {
  if (r.shifted === 0) return pct(r.falseAlarmRuns / r.runs);
  const caught = pct(r.caught / r.shifted);
  return r.shifted / r.runs < row.s.metrics ? `${caught} · fail ${pct(r.failedRuns / r.runs)}` : caught;
}

function table(results: readonly Measured[]): string {
  const head = ['Scenario', 'Baseline', 'perf-action', 'head runs', ...PEERS.map((p) => p.name)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const { row, gate, peers } of results) {
    const effort = gate.effort / gate.runs;
    const cells = [
      row.scenario,
      row.baseline,
      cell(gate, row),
      row.mode === 'stored' ? effort.toFixed(2) : `${effort.toFixed(1)} pairs`,
      ...peers.map((r, i) => ((PEERS[i]?.needsHistory ?? false) && row.s.history < 2 ? '—' : cell(r, row))),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

interface Target {
  text: string;
  measured: string;
  met: boolean;
}

function targets(results: readonly Measured[]): Target[] {
  const find = (scenario: string, baseline: string) =>
    results.find((r) => r.row.scenario === scenario && r.row.baseline.startsWith(baseline));
  const out: Target[] = [];
  const aaRate = (r: Measured) => r.gate.falseAlarmRuns / r.gate.runs;
  const over = results.filter((r) => r.gate.shifted === 0 && aaRate(r) > 0.01);
  out.push({
    text: 'A/A: at most 1% of runs with any of 20 metrics regressed, every scenario',
    measured:
      over.length === 0
        ? 'every A/A row at or under 1%'
        : `over 1%: ${over.map((r) => `${r.row.scenario}, ${r.row.baseline}: ${pct(aaRate(r))}`).join('; ')}`,
    met: over.length === 0,
  });
  const caught = (scenario: string, baseline: string, atLeast: number, text: string) => {
    const r = find(scenario, baseline);
    if (!r) return;
    const rate = r.gate.caught / r.gate.shifted;
    out.push({ text, measured: pct(rate), met: rate >= atLeast });
  };
  for (const h of ['history 5', 'history 10']) {
    caught('+10% one of 20', h, 0.8, `${h}: +10% on one of 20 caught in at least 80%`);
    caught('+20% one of 20', h, 0.95, `${h}: +20% on one of 20 caught in at least 95%`);
  }
  caught('2x one of 4, N=5', 'no history', 0.95, 'no history, 5 replicates: 2x on one of 4 caught in at least 95%');
  caught('n=1: +50% one of 20', 'history 10', 0.95, 'one value per run, 10-run history: +50% caught (95% or more)');
  caught(
    'n=1, lognormal only: +50% one of 20',
    'history 10',
    0.95,
    'one clean value per run, 10-run history: +50% caught (95% or more)',
  );
  caught(
    'drift: +5% one of 20',
    'same runner',
    0.8,
    'same runner under drift: +5% caught in at least 80% (min-effect 5%)',
  );
  const small = results.find((r) => r.row.scenario === 'drift: +5% one of 20' && r.row.minEffect === 0.02);
  if (small) {
    const rate = small.gate.caught / small.gate.shifted;
    out.push({
      text: 'same runner under drift, min-effect 2%: +5% caught in at least 80%',
      measured: pct(rate),
      met: rate >= 0.8,
    });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seeds: { type: 'string', default: '200' } } });
  const n = Number(values.seeds);
  if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`--seeds must be a positive integer (got ${values.seeds})`);
  const seeds = Array.from({ length: n }, (_, i) => i + 1);
  const started = performance.now();
  const results: Measured[] = [];
  for (const row of rows()) {
    results.push(measure(row, seeds));
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const seconds = (performance.now() - started) / 1000;
  const date = new Date().toISOString().slice(0, 10);
  const goals = targets(results);
  const legend = [
    `${n} seeded worlds per row (seeds 1-${n}), 20 metrics of one suite unless the row says otherwise, 10 replicates`,
    'per run unless it says N=…; noise: lognormal 3%, 10% hiccups ×U(1.2, 2), five metrics bimodal (30% of',
    'replicates ×1.08); drift: every run ×U(0.95, 1.08); heavy tails: Student-t (df 3, scale 3%) and Pareto-sized',
    'hiccups. perf-action runs with the default options (min-effect 5%, confidence 99%, up to 3 head runs); the',
    'peers judge the first head run (same-runner rows: all 30 rounds of each side). A/A rows: share of runs with',
    'any metric flagged regressed. Shifted rows: share of shifted metrics flagged · share of runs whose gate',
    "failed. Head runs: perf-action's mean. —: Bencher sets no limit without earlier runs.",
  ].join('\n');
  const goalLines = [
    '| Target | Measured | Met |',
    '|---|---|---|',
    ...goals.map((g) => `| ${g.text} | ${g.measured} | ${g.met ? 'yes' : 'no'} |`),
  ].join('\n');
  const body = `${table(results)}\n\n${goalLines}\n`;
  process.stdout.write(`${body}\n${n} seeds per row, ${seconds.toFixed(1)} s\n`);
  const doc = [
    '# Verdict measurements',
    '',
    `Measured ${date} by \`npm run bench:verdict -- --seeds ${n}\` (tools/simulate.ts, tools/peers.ts).`,
    '',
    legend,
    '',
    body,
  ].join('\n');
  const file = path.resolve(import.meta.dirname, '../docs/verdict-measurements.md');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, doc);
}

await main();
