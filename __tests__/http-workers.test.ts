// The http kind's default thread count: one per core but one (the service under test and the main thread
// share the machine), never fewer than one, never more than the closed model's users; `workers:` overrides it.

import { describe, expect, it } from 'vitest';
import { defaultWorkers, makePlan } from '../suites/http/plan.ts';
import { type HttpConfig, httpSchema } from '../suites/http/schema.ts';

const config = (load: Record<string, unknown>, workers?: number): HttpConfig => ({
  name: 'api',
  kind: 'http',
  ...httpSchema.parse({
    target: 'http://127.0.0.1:1',
    ...(workers ? { workers } : {}),
    load,
    requests: [{ name: 'root', path: '/' }],
  }),
});

describe('http worker threads', () => {
  it('leaves a core free by default, keeping at least one thread', () => {
    expect([1, 2, 4, 16].map(defaultWorkers)).toEqual([1, 1, 3, 15]);
    const open = config({ model: 'open', rate: '100/s', duration: '1s' });
    expect([1, 2, 4].map((cores) => makePlan(open, cores).workers)).toEqual([1, 1, 3]);
  });

  it('takes workers: as given, and never runs more threads than closed-model users', () => {
    expect(makePlan(config({ users: 50, duration: '1s' }, 2), 2).workers).toBe(2);
    expect(makePlan(config({ users: 2, duration: '1s' }), 8).workers).toBe(2);
    expect(makePlan(config({ users: 50, duration: '1s' }), 8).workers).toBe(7);
  });
});
