import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux we run on). */
const TICK_MS = 10;

interface ProcStat {
  ppid: number;
  /** utime + stime: the process's own CPU. */
  own: number;
  /** cutime + cstime: CPU of its children that have ended (and been waited for). */
  children: number;
}

function procStat(pid: number | 'self'): ProcStat | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), own: (Number(f[11]) + Number(f[12])) * TICK_MS, children: (Number(f[13]) + Number(f[14])) * TICK_MS };
  } catch {
    return null; // not Linux, or the process ended meanwhile
  }
}

/**
 * CPU milliseconds used so far by this process and everything it started: its own threads, its children that
 * have ended, and every descendant still running (with the ended children of those). ffmpeg is started by a
 * launcher process that lives as long as the thread that started it, so its ffmpeg processes count only
 * through this walk. Unlike wall time it does not depend on what else the machine runs. NaN off Linux.
 */
export function treeCpuMs(): number {
  const self = procStat('self');
  if (!self) return Number.NaN;
  const u = process.cpuUsage();
  const byParent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (!s) continue;
    const list = byParent.get(s.ppid) ?? [];
    list.push(Number(name));
    byParent.set(s.ppid, list);
  }
  let total = (u.user + u.system) / 1000 + self.children;
  const walk = (pid: number): void => {
    for (const child of byParent.get(pid) ?? []) {
      const s = procStat(child);
      if (!s) continue;
      total += s.own + s.children;
      walk(child);
    }
  };
  walk(process.pid);
  return total;
}
