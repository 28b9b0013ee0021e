// Differences between the machines that produced the baseline and the head results: a comparison across
// CPUs, core counts, Node versions or platforms measures the machine as much as the change.

import type { RunEnvironment } from '../model/results.ts';

const SUFFIX = 'differences may reflect the machine rather than the change';

export function environmentWarnings(base: RunEnvironment, head: RunEnvironment): string[] {
  const out: string[] = [];
  const differs = (what: string, a: string, b: string) => {
    if (a !== b) out.push(`the baseline ran on a different ${what} (baseline: ${a}; this run: ${b}); ${SUFFIX}`);
  };
  differs('platform', `${base.os}/${base.arch}`, `${head.os}/${head.arch}`);
  differs('CPU', base.cpu.trim(), head.cpu.trim());
  differs('number of CPU cores', String(base.cores), String(head.cores));
  differs('Node.js version', base.node, head.node);
  return out;
}
