// A description of the machine a run happened on, so the report can warn when base and head differ.

import os from 'node:os';
import type { RunEnvironment } from '../model/results.ts';

export function describeEnvironment(env: NodeJS.ProcessEnv = process.env): RunEnvironment {
  const cpus = os.cpus();
  const runner = env.RUNNER_NAME
    ? `${env.RUNNER_NAME}${env.RUNNER_ENVIRONMENT ? ` (${env.RUNNER_ENVIRONMENT})` : ''}`
    : undefined;
  return {
    os: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpu: cpus[0]?.model.trim() || 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    node: process.version,
    ...(runner ? { runner } : {}),
  };
}
