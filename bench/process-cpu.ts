import { processes } from '../tests/helpers/child-processes.ts';
import type { ProcessInfo } from '../tests/helpers/child-processes.ts';

/**
 * CPU milliseconds used so far by this process and everything it started: its own threads, its children that
 * have ended, and every descendant still running (with the ended children of those). ffmpeg is started by a
 * launcher process that lives as long as the thread that started it, so its ffmpeg processes count only
 * through this walk. Unlike wall time it does not depend on what else the machine runs. NaN off Linux.
 */
export function treeCpuMs(): number {
  if (process.platform !== 'linux') return Number.NaN;
  const all = processes();
  const self = all.find((p) => p.pid === process.pid);
  if (!self) return Number.NaN;
  const u = process.cpuUsage();
  const byParent = new Map<number, ProcessInfo[]>();
  for (const p of all) {
    const siblings = byParent.get(p.ppid);
    if (siblings) siblings.push(p);
    else byParent.set(p.ppid, [p]);
  }
  let total = (u.user + u.system) / 1000 + self.childrenCpuMs;
  const walk = (pid: number): void => {
    for (const child of byParent.get(pid) ?? []) {
      total += child.cpuMs + child.childrenCpuMs;
      walk(child.pid);
    }
  };
  walk(process.pid);
  return total;
}
