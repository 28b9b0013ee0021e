// How perf-action starts a copy of itself in a helper role (a bench replicate, a load-test shard).
// From the bundles that is `node dist/<entry>.js`; from sources (tests, development) it goes through tsx.

import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROLE_ENV = 'PERF_ACTION_ROLE';

export function selfCommand(): { command: string; args: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const entry = path.resolve(path.dirname(here), '../cli/main.ts');
    return { command: process.execPath, args: ['--import', tsx, entry] };
  }
  // Bundled: this module is inside dist/cli.js or dist/index.js, both of which serve every role.
  return { command: process.execPath, args: [process.argv[1] ?? here] };
}
