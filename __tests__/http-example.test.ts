// The agent-api example end to end through the engine: perf.yml loads, its service starts, both http
// suites run, the service's cpu/rss metrics appear, and every criterion selects a metric (none missing).

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateCriteria } from '../src/criteria/index.ts';
import { loadConfig } from '../src/index.ts';
import { runSuites } from '../src/runner/run.ts';
import { freePort } from './helpers/redis-server.ts';
import { scratchDir } from './helpers/scratch.ts';

const root = path.resolve(import.meta.dirname, '..');

describe('examples/agent-api', () => {
  it('runs the ported Locust scenario and gates on every criterion', async () => {
    const port = String(await freePort());
    const env = { ...process.env, AGENT_API_PORT: port };
    const loaded = await loadConfig(path.join(root, 'examples/agent-api/perf.yml'), { env });
    const { results, setupErrors } = await runSuites(loaded, {
      env,
      logDir: scratchDir('perf-agent-api'),
    });
    expect(setupErrors).toEqual([]);
    const bySuite = new Map(results.suites.map((s) => [s.name, s]));
    expect(bySuite.get('api')?.error).toBeUndefined();
    expect(bySuite.get('stream')?.error).toBeUndefined();
    const metrics = results.suites.flatMap((s) => s.metrics);
    const ids = new Set(metrics.map((m) => m.id));
    for (const name of ['create_workflow', 'execute_workflow', 'workflow_status', 'event_batch', 'health', 'all']) {
      expect(ids).toContain(`api/${name}/latency`);
      expect(ids).toContain(`api/${name}/error_rate`);
    }
    for (const name of ['ttfb', 'first_event', 'events_per_s']) expect(ids).toContain(`stream/agent_stream/${name}`);
    expect(ids).toContain('agent-api/cpu');
    expect(ids).toContain('agent-api/rss');
    expect(ids).toContain('agent-api/rss_slope');
    // The token captured in setup authorises every request: nothing fails on this quiet server.
    const errors = metrics.find((m) => m.id === 'api/all/error_rate');
    expect(errors?.stats.max).toBe(0);
    const verdicts = evaluateCriteria(loaded.config.criteria, metrics);
    expect(verdicts.filter((v) => v.status === 'missing')).toEqual([]);
    expect(verdicts).toHaveLength(6);
  });
});
