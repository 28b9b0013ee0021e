// Reading Linux /proc, for the command suite (one run's process tree, its peak RSS, the CPU of reaped children)
// and the services' resource monitor (every process's CPU and RSS). Everything here is a plain synchronous
// read: the files live in memory and each read takes microseconds.

import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Linux reports CPU times in USER_HZ ticks, 100 per second on every mainstream architecture. */
export const TICK_MS = 10;

export interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
  /** Zombies have exited and only wait to be reaped: they count as gone. */
  state: string;
  /** Clock ticks since boot at which it started: with pid, identifies one process across pid reuse. */
  start: number;
  /** utime + stime, in ticks. */
  ownTicks: number;
  /** cutime + cstime: CPU of the children it has reaped (recursively), in ticks. */
  reapedTicks: number;
  /** Resident pages. */
  rssPages: number;
}

export function procAvailable(): boolean {
  return process.platform === 'linux' && existsSync('/proc/self/stat');
}

/** Parse /proc/<pid>/stat. The command name may hold spaces and parentheses, so split after its last ')'. */
export function parseStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number.parseInt(text, 10);
  // Fields from the 3rd (state) on; see proc(5).
  const f = text.slice(close + 2).split(' ');
  const n = (i: number) => Number(f[i] ?? Number.NaN);
  const stat: ProcStat = {
    pid,
    state: f[0] ?? '?',
    ppid: n(1),
    pgrp: n(2),
    ownTicks: n(11) + n(12),
    reapedTicks: n(13) + n(14),
    start: n(19),
    rssPages: n(21),
  };
  const numbers = [stat.pid, stat.ppid, stat.ownTicks, stat.reapedTicks, stat.start, stat.rssPages];
  return numbers.every(Number.isFinite) ? stat : undefined;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return undefined; // gone between listing and reading: that is normal
  }
}

export function readStat(pid: number): ProcStat | undefined {
  const text = readText(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseStat(text);
}

/** VmHWM: the highest RSS this one process has had, in bytes (the kernel tracks it between our samples). */
export function readPeakRss(pid: number): number | undefined {
  const text = readText(`/proc/${pid}/status`);
  const m = text === undefined ? null : /^VmHWM:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** VmRSS: the resident memory of one process now, in bytes; undefined once it is gone. */
export function readRss(pid: number): number | undefined {
  const text = readText(`/proc/${pid}/status`);
  const m = text === undefined ? null : /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

let childrenFiles: boolean | undefined;

/** Children of `pid`, from each thread's `children` file (any thread may fork), or a /proc scan without it. */
export function listChildren(pid: number): number[] {
  childrenFiles ??= existsSync(`/proc/self/task/${process.pid}/children`);
  if (!childrenFiles) return scanChildren(pid);
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tids) {
    const text = readText(`/proc/${pid}/task/${tid}/children`);
    if (!text) continue;
    for (const s of text.split(' ')) if (s.trim()) out.push(Number(s));
  }
  return out;
}

/** Fallback for kernels built without CONFIG_PROC_CHILDREN: read every process's parent. */
function scanChildren(pid: number): number[] {
  return scanAll((st) => st.ppid === pid);
}

/** Members of a process group, by reading every process (a few ms: only for the end of a run). */
export function listGroup(pgid: number): number[] {
  return scanAll((st) => st.pgrp === pgid);
}

function scanAll(match: (st: ProcStat) => boolean): number[] {
  return readAllStats()
    .filter(match)
    .map((st) => st.pid);
}

/** The stat of every process on the machine (those that exit while it reads are left out). */
export function readAllStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (st) out.push(st);
  }
  return out;
}

/** CPU of this process's reaped children so far, in ticks: grows when a child we spawned is waited for. */
export function selfReapedTicks(): number {
  return readStat(process.pid)?.reapedTicks ?? 0;
}

let pageSize: number | undefined;

/**
 * Bytes per page. Node computes its own RSS from the same stat field times the page size, so the ratio of
 * the two (read back to back, rounded to a power of two) is the page size: 4 KiB, 16 KiB or 64 KiB.
 */
export function pageBytes(): number {
  if (pageSize !== undefined) return pageSize;
  const pages = readStat(process.pid)?.rssPages ?? 0;
  const bytes = process.memoryUsage.rss();
  pageSize = pages > 0 ? 2 ** Math.round(Math.log2(bytes / pages)) : 4096;
  return pageSize;
}
