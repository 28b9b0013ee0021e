// A service's CPU and memory over each suite's measured period, besides the whole run: a load test's
// `[during=<suite>]` numbers leave out warm-up, other suites and idle gaps, which diluted the whole-run median.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/index.ts';
import { runSuites } from '../src/runner/run.ts';
import { freePort } from './helpers/redis-server.ts';
import { scratchDir } from './helpers/scratch.ts';

// Each request costs the server ~3 ms of CPU: under load it is busy, between suites it idles.
const SERVER = `require('http').createServer((q, s) => { const end = Date.now() + 3; while (Date.now() < end); s.end('ok'); }).listen(Number(process.env.PORT), '127.0.0.1')`;

describe('service usage per measured period', () => {
  it.skipIf(process.platform !== 'linux')(
    'reports cpu, rss and rss_slope during the load apart from the whole run',
    async () => {
      const dir = scratchDir('perf-phases');
      const port = await freePort();
      writeFileSync(path.join(dir, 'server.js'), SERVER);
      writeFileSync(
        path.join(dir, 'perf.yml'),
        `version: 1
services:
  - name: app
    run: node server.js
    env: { PORT: "${port}" }
    ready: http://127.0.0.1:${port}/
suites:
  - name: idle
    kind: command
    run: sleep 1.5
    repeat: 1
    warmup: 0
    metrics: [wall]
  - name: api
    kind: http
    target: http://127.0.0.1:${port}
    workers: 1
    load: { users: 4, duration: 2s, warmup: 500ms }
    requests: [{ name: hit, path: / }]
`,
      );
      const { results } = await runSuites(await loadConfig(path.join(dir, 'perf.yml')), {
        env: process.env,
        logDir: dir,
        speedProbe: false,
      });
      const app = results.suites.find((s) => s.name === 'app');
      expect(app?.kind).toBe('service');
      const ids = app?.metrics.map((m) => m.id) ?? [];
      expect(ids).toEqual(
        expect.arrayContaining([
          'app/cpu',
          'app/rss',
          'app/rss_slope',
          'app/cpu[during=api]',
          'app/rss[during=api]',
          'app/rss_slope[during=api]',
        ]),
      );
      // The command suite does not mark a measured period: no usage of its own.
      expect(ids.some((id) => id.includes('during=idle'))).toBe(false);
      const median = (id: string) => app?.metrics.find((m) => m.id === id)?.stats.median ?? Number.NaN;
      // Busy under load; the whole run also holds the idle suite and the gaps, so its median is lower.
      expect(median('app/cpu[during=api]')).toBeGreaterThan(median('app/cpu'));
      // The measured period is the load after its warm-up: fewer samples than the whole run.
      const n = (id: string) => app?.metrics.find((m) => m.id === id)?.samples?.length ?? 0;
      expect(n('app/rss[during=api]')).toBeGreaterThan(2);
      expect(n('app/rss[during=api]')).toBeLessThan(n('app/rss'));
    },
  );
});
