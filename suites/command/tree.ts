// The process tree of one run, followed by sampling /proc: which processes belong to it, the peak of their summed
// RSS, and the CPU the tree has used. Processes are keyed by pid and start time, so a reused pid is never mixed up.

import {
  listChildren,
  listGroup,
  type ProcStat,
  pageBytes,
  readPeakRss,
  readStat,
} from '../../src/runner/proc-stat.ts';

interface Member {
  pid: number;
  start: number;
  /** Own plus reaped-children CPU at the last sample, in ticks. */
  ticks: number;
  alive: boolean;
  /** Its parent left the tree (it was re-parented): its CPU will never reach our own reaped-children count. */
  orphan: boolean;
}

export class ProcessTree {
  private readonly members = new Map<number, Member>();
  private peak = 0;

  constructor(readonly rootPid: number) {}

  /**
   * Walk the tree from the root and from every process seen before, then update the peak and CPU. `wholeGroup`
   * also adopts every member of the root's process group: children whose parent died before a sample saw them.
   */
  sample(wholeGroup = false): void {
    const live = new Map<number, ProcStat>();
    const visit = (pid: number, start?: number) => {
      if (live.has(pid)) return;
      const st = readStat(pid);
      // Zombies have exited; a different start time means the pid was reused by an unrelated process.
      if (!st || st.state === 'Z' || st.state === 'X' || (start !== undefined && st.start !== start)) return;
      live.set(pid, st);
      for (const child of listChildren(pid)) visit(child);
    };
    const known = [...this.members.values()].filter((m) => m.alive);
    if (!this.members.has(this.rootPid)) visit(this.rootPid);
    for (const m of known) visit(m.pid, m.start);
    if (wholeGroup) for (const pid of listGroup(this.rootPid)) visit(pid);

    for (const m of this.members.values()) m.alive = false;
    let rss = 0;
    for (const st of live.values()) {
      const prev = this.members.get(st.pid);
      const same = prev && prev.start === st.start;
      const orphan = (same && prev.orphan) || (st.pid !== this.rootPid && !live.has(st.ppid));
      this.members.set(st.pid, {
        pid: st.pid,
        start: st.start,
        ticks: st.ownTicks + st.reapedTicks,
        alive: true,
        orphan,
      });
      rss += st.rssPages * pageBytes();
      // The kernel's own high-water mark catches a single process's peak that fell between two samples.
      this.peak = Math.max(this.peak, readPeakRss(st.pid) ?? 0);
    }
    this.peak = Math.max(this.peak, rss);
  }

  /** Peak of the summed RSS (or of one process's own high-water mark, when larger), in bytes. */
  get peakBytes(): number {
    return this.peak;
  }

  /**
   * CPU of the tree that our own reaped-children count does not hold: everything still running (its own time plus
   * what it reaped), and orphans that died under another reaper (their last sampled value). Processes reaped by
   * a tree member are inside that member's count; the root, once we reap it, is in ours.
   */
  unreapedTicks(): number {
    let sum = 0;
    for (const m of this.members.values()) if (m.alive || m.orphan) sum += m.ticks;
    return sum;
  }

  alivePids(): number[] {
    return [...this.members.values()].filter((m) => m.alive).map((m) => m.pid);
  }
}
