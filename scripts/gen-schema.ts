// Writes schema/perf.schema.json from the same Zod schema that validates perf.yml, so editors autocomplete
// exactly what perf-action accepts. `npm run schema`; CI fails when the committed file is stale.

import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { buildConfigSchema } from '../src/config/schema.ts';
import { suiteKinds } from '../suites/index.ts';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const json = z.toJSONSchema(buildConfigSchema(suiteKinds), { io: 'input', unrepresentable: 'any' }) as Record<
  string,
  unknown
>;
const out = {
  ...json,
  $id: 'https://github.com/perf-action/perf-action/schema/perf.schema.json',
  title: 'perf-action configuration (perf.yml)',
};
await mkdir(path.join(root, 'schema'), { recursive: true });
await writeFile(path.join(root, 'schema', 'perf.schema.json'), `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write('wrote schema/perf.schema.json\n');
