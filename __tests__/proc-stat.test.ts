// The one /proc reader the command suite and the services' monitor share: parsing a stat line whatever the
// command name holds, and reading this very process, whose figures are known from Node's own view.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  listChildren,
  pageBytes,
  parseStat,
  procAvailable,
  readAllStats,
  readPeakRss,
  readRss,
  readStat,
} from '../src/runner/proc-stat.ts';

/** A stat line with the fields proc(5) numbers 1 to 24 and the given command name. */
function statLine(comm: string, f: { pid: number; ppid: number; pgrp: number; ticks: number[]; start: number }) {
  const [ut, st, cut, cst] = f.ticks;
  return `${f.pid} (${comm}) S ${f.ppid} ${f.pgrp} ${f.pgrp} 0 -1 4194560 100 0 0 0 ${ut} ${st} ${cut} ${cst} 20 0 1 0 ${f.start} 1000 200 18446744073709551615\n`;
}

describe('parseStat', () => {
  it('splits after the last parenthesis, so spaces and parentheses in the name do not shift the fields', () => {
    for (const comm of ['node', 'my (odd) app', ') S 1 2 3', 'a b c d e f', '((']) {
      const st = parseStat(statLine(comm, { pid: 4242, ppid: 17, pgrp: 4200, ticks: [250, 30, 7, 3], start: 5 }));
      expect(st).toEqual({
        pid: 4242,
        ppid: 17,
        pgrp: 4200,
        state: 'S',
        ownTicks: 280,
        reapedTicks: 10,
        start: 5,
        rssPages: 200,
      });
    }
  });

  it('refuses a line without the fields it needs', () => {
    expect(parseStat('garbage')).toBeUndefined();
    expect(parseStat('12 (x) S 1 2')).toBeUndefined();
  });
});

describe.runIf(procAvailable())('reading /proc', () => {
  it("reads this process: its parent, and an RSS that agrees with Node's", () => {
    const st = readStat(process.pid);
    expect(st?.pid).toBe(process.pid);
    expect(st?.ppid).toBe(process.ppid);
    const rss = readRss(process.pid) ?? 0;
    const node = process.memoryUsage.rss();
    // Both read the same counter moments apart; the heap may move a little between the two reads.
    expect(Math.abs(rss - node) / node).toBeLessThan(0.2);
    expect(readPeakRss(process.pid) ?? 0).toBeGreaterThanOrEqual(rss * 0.8);
    expect(Math.log2(pageBytes()) % 1).toBe(0);
  });

  it('lists every process, this one included, and finds a child by its parent', async () => {
    const child = spawn('sleep', ['5'], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      expect(readAllStats().some((s) => s.pid === process.pid)).toBe(true);
      expect(listChildren(process.pid)).toContain(child.pid);
    } finally {
      child.kill();
    }
  });

  it('returns nothing for a process that does not exist', () => {
    // Above the kernel's pid limit (4194304), so it can never name a live process.
    expect(readStat(99_999_999)).toBeUndefined();
    expect(readRss(99_999_999)).toBeUndefined();
    expect(readPeakRss(99_999_999)).toBeUndefined();
  });
});
