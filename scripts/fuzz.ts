// `npm run fuzz [-- --mutants N --seed S --only config|ingest]`: damages valid perf.yml files and tool
// outputs by seeded mutations and checks that each one loads or fails with an error naming its place.
// Exits 1 on any failure and prints each with its input, so a failure reproduces from its seed.

import { fuzzConfig } from '../tools/fuzz/config.ts';
import { fuzzIngest } from '../tools/fuzz/ingest.ts';
import type { FuzzOptions, FuzzReport } from '../tools/fuzz/mutate.ts';

interface Args {
  mutants: number;
  seed: number;
  only?: 'config' | 'ingest';
}

function parseArgs(argv: string[]): Args {
  const args: Args = { mutants: 2000, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--mutants' || flag === '--seed') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number, got "${value ?? ''}"`);
      if (flag === '--mutants') args.mutants = n;
      else args.seed = n;
      i++;
    } else if (flag === '--only') {
      if (value !== 'config' && value !== 'ingest') throw new Error(`--only takes config or ingest, got "${value}"`);
      args.only = value;
      i++;
    } else {
      throw new Error(`unknown argument "${flag}" (use --mutants N, --seed S, --only config|ingest)`);
    }
  }
  return args;
}

const FUZZERS: Record<'config' | 'ingest', (opts: FuzzOptions) => Promise<FuzzReport>> = {
  config: fuzzConfig,
  ingest: fuzzIngest,
};

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  let failed = 0;
  for (const [name, fuzz] of Object.entries(FUZZERS)) {
    if (args.only && args.only !== name) continue;
    const started = performance.now();
    const report = await fuzz({ mutants: args.mutants, seed: args.seed });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `${name}: ${report.cases} mutants, ${report.failures.length} failures, ${seconds} s (seed ${args.seed})`,
    );
    for (const f of report.failures.slice(0, 20)) {
      console.log(`  ✗ ${f.name}\n    ${f.problem}\n    input: ${JSON.stringify(f.input).slice(0, 400)}`);
    }
    if (report.failures.length > 20) console.log(`  … and ${report.failures.length - 20} more`);
    failed += report.failures.length;
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    console.error(`fuzz: ${err.message}`);
    process.exitCode = 2;
  },
);
