import { readdirSync, readFileSync } from 'node:fs';

export interface ChildProcessInfo {
  pid: number;
  /** The state letter of /proc/PID/stat: R, S, D, Z (zombie: ended, never waited for), … */
  state: string;
  command: string;
}

/** The processes whose parent is `parent` (this process by default), from /proc (Linux). */
export function childProcesses(parent = process.pid): ChildProcessInfo[] {
  const out: ChildProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== parent) continue;
      const command = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() || stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      out.push({ pid: Number(name), state: fields[0], command });
    } catch {
      // ended meanwhile
    }
  }
  return out;
}
