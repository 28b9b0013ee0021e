// Services are watched: a port that already answers is an error naming it, and a service that dies fails
// the suite that was running and every suite after it.

import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.ts';
import { runSuites } from '../src/runner/run.ts';
import { freePort } from './helpers/redis-server.ts';
import { scratchDir } from './helpers/scratch.ts';

describe('services', () => {
  it('refuses to start a service whose ready port already answers, naming the port', async () => {
    const stale = createServer((_, res) => res.end('stale'));
    await new Promise<void>((r) => stale.listen(0, '127.0.0.1', () => r()));
    const port = (stale.address() as AddressInfo).port;
    try {
      const dir = scratchDir('perf-svc');
      const file = path.join(dir, 'perf.yml');
      writeFileSync(
        file,
        [
          'version: 1',
          'services:',
          '  - name: api',
          `    run: node -e "require('http').createServer((q, s) => s.end()).listen(${port})"`,
          `    ready: http://127.0.0.1:${port}/health`,
          'suites:',
          '  - name: t',
          '    kind: command',
          '    run: node -e "0"',
          '',
        ].join('\n'),
      );
      const { results } = await runSuites(await loadConfig(file), { env: process.env, logDir: dir });
      expect(results.suites[0]?.ok).toBe(false);
      expect(results.suites[0]?.error).toMatch(
        new RegExp(`service api: port ${port} on 127\\.0\\.0\\.1 already answers`),
      );
    } finally {
      stale.close();
    }
  });

  it('a service that exits while suites run fails that suite and the ones after it', async () => {
    const port = await freePort();
    const dir = scratchDir('perf-svc');
    const file = path.join(dir, 'perf.yml');
    // The service serves, then dies when the first suite touches /die.
    writeFileSync(
      path.join(dir, 'svc.mjs'),
      `import { createServer } from 'node:http';\ncreateServer((q, s) => { s.end('ok'); if (q.url === '/die') setTimeout(() => process.exit(3), 10); }).listen(${port}, '127.0.0.1');\n`,
    );
    writeFileSync(
      file,
      [
        'version: 1',
        'services:',
        '  - name: api',
        '    run: node svc.mjs',
        `    ready: http://127.0.0.1:${port}/health`,
        'suites:',
        '  - name: killer',
        '    kind: command',
        `    run: node -e "fetch('http://127.0.0.1:${port}/die').then(() => setTimeout(() => {}, 500))"`,
        '  - name: after',
        '    kind: command',
        '    run: node -e "0"',
        '',
      ].join('\n'),
    );
    const { results } = await runSuites(await loadConfig(file), { env: process.env, logDir: dir });
    const [killer, after] = results.suites;
    expect(killer?.ok).toBe(false);
    expect(killer?.error).toMatch(/service api exited with code 3 while the suite ran/);
    expect(after).toMatchObject({ ok: false, metrics: [] });
    expect(after?.error).toMatch(/service api exited with code 3/);
  });
});
