// Resource monitoring of services: the process tree, and a real child process that grows its memory and
// burns CPU while it is watched. The /proc parsing and the slope have their own tests (proc-stat, stats-fit).

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startResourceMonitor, treeOf } from '../src/runner/resource-monitor.ts';

describe('resource monitor', () => {
  it('collects a process and all its descendants, nothing else', () => {
    const procs = [
      { pid: 1, ppid: 0, ticks: 1 },
      { pid: 10, ppid: 1, ticks: 2 },
      { pid: 11, ppid: 10, ticks: 3 },
      { pid: 12, ppid: 11, ticks: 4 },
      { pid: 20, ppid: 1, ticks: 5 },
    ];
    expect(
      treeOf(procs, 10)
        .map((p) => p.pid)
        .sort(),
    ).toEqual([10, 11, 12]);
    expect(treeOf(procs, 99)).toEqual([]);
  });

  it.runIf(process.platform === 'linux')(
    'reports cpu, rss and a positive rss slope for a leaking, busy tree',
    async () => {
      // A shell (like a service's `sh -c`) whose child node process leaks ~4 MB per 100 ms and spins.
      const leak =
        'const keep = []; const end = Date.now() + 3000; setInterval(() => { keep.push(Buffer.alloc(4e6, 1)); ' +
        'const t = Date.now() + 40; while (Date.now() < t); if (Date.now() > end) process.exit(0); }, 100);';
      const child = spawn('sh', ['-c', `"${process.execPath}" -e '${leak}'`], { stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      try {
        await new Promise((r) => setTimeout(r, 300));
        const monitor = startResourceMonitor([{ name: 'svc', pid: child.pid ?? -1 }], 100);
        await new Promise((r) => setTimeout(r, 1500));
        const [suite] = monitor.stop();
        expect(suite?.name).toBe('svc');
        expect(suite?.kind).toBe('service');
        const byName = new Map(suite?.metrics.map((m) => [m.name, m]));
        const rss = byName.get('rss');
        const cpu = byName.get('cpu');
        const growth = byName.get('rss_slope');
        expect(rss?.unit).toBe('MB');
        expect((rss?.stats.max ?? 0) - (rss?.stats.min ?? 0)).toBeGreaterThan(10);
        expect(growth?.unit).toBe('MB/s');
        expect(growth?.stats.median ?? 0).toBeGreaterThan(5);
        expect(cpu?.unit).toBe('%');
        expect(cpu?.stats.mean ?? 0).toBeGreaterThan(5);
        expect(rss?.samples?.length ?? 0).toBeGreaterThan(5);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }
    },
  );

  it.runIf(process.platform === 'linux')(
    'follows a restarted service to its new process, and never takes CPU across the restart',
    async () => {
      // Two idle processes: the service "restarts" from the first (small) to the second, which holds 64 MB.
      const small = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      const big = spawn(process.execPath, ['-e', 'const b = Buffer.alloc(64e6, 1); setInterval(() => b[0]++, 1000)'], {
        stdio: 'ignore',
      });
      const exits = [small, big].map((c) => new Promise((r) => c.once('exit', r)));
      try {
        await new Promise((r) => setTimeout(r, 500));
        const service = { name: 'svc', pid: small.pid ?? -1 };
        const monitor = startResourceMonitor([service], 50);
        await new Promise((r) => setTimeout(r, 400));
        service.pid = big.pid ?? -1;
        await new Promise((r) => setTimeout(r, 400));
        const [suite] = monitor.stop();
        const byName = new Map(suite?.metrics.map((m) => [m.name, m]));
        const rss = byName.get('rss')?.samples ?? [];
        // Sampled on both sides of the restart: the last samples are the new process's 64 MB and more.
        expect(rss.length).toBeGreaterThan(4);
        expect(rss.at(-1)).toBeGreaterThan((rss[0] ?? 0) + 50);
        // One interval spans the restart and is left out of cpu: one fewer cpu window than rss intervals.
        expect(byName.get('cpu')?.samples?.length).toBe(rss.length - 2);
      } finally {
        small.kill('SIGKILL');
        big.kill('SIGKILL');
        await Promise.all(exits);
      }
    },
  );

  it('reports nothing for services without a process', () => {
    expect(startResourceMonitor([]).stop()).toEqual([]);
    expect(startResourceMonitor([{ name: 'x', pid: -1 }]).stop()).toEqual([]);
  });
});
