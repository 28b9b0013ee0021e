// Builds the committed bundles: dist/index.js (the action), dist/cli.js (the CLI) and dist/bench-replicate.js
// (a bench suite's replicate process, which the other two start: small, so each replicate starts quickly),
// each one file with every dependency inside, so the action runs from a checkout without node_modules.

import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ncc from '@vercel/ncc';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const entries = {
  index: 'src/action/main.ts',
  cli: 'src/cli/main.ts',
  // The name is BUNDLED_REPLICATE in suites/bench/replicate-command.ts.
  'bench-replicate': 'suites/bench/replicate-main.ts',
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
for (const [name, entry] of Object.entries(entries)) {
  const { code, assets } = await ncc(path.join(root, entry), {
    minify: false,
    sourceMap: false,
    quiet: true,
    license: '',
  });
  // Declaration files come from tsconfig's `declaration`; the bundles do not need them.
  const names = Object.keys(assets ?? {}).filter((a) => a !== 'package.json' && !a.endsWith('.d.ts'));
  if (names.length > 0) {
    // Extra files would have to be committed and kept in step; fail loudly instead.
    throw new Error(`${entry}: ncc emitted extra assets (${names.join(', ')}); bundle them or load them differently`);
  }
  await writeFile(path.join(dist, `${name}.js`), code);
  process.stdout.write(`dist/${name}.js  ${(code.length / 1024).toFixed(0)} KiB\n`);
}
// ncc marks ESM output through the package's "type": "module"; keep dist self-describing for other checkouts.
await writeFile(path.join(dist, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
process.stdout.write(`built ${(await readdir(dist)).join(', ')}\n`);
