import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The state letter of /proc/PID/stat: R, S, D, Z (zombie: ended, never waited for), … */
  state: string;
  /** The executable's name (comm), e.g. 'ffmpeg', 'node'. */
  name: string;
  /** CPU milliseconds of the process itself (utime + stime). */
  cpuMs: number;
  /** CPU milliseconds of its children that have ended and been waited for (cutime + cstime). */
  childrenCpuMs: number;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux we run on). */
const TICK_MS = 10;

function readProcess(pid: number): ProcessInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return {
      pid,
      ppid: Number(fields[1]),
      state: fields[0],
      name: stat.slice(stat.indexOf('(') + 1, close),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
      childrenCpuMs: (Number(fields[13]) + Number(fields[14])) * TICK_MS,
    };
  } catch {
    return null; // ended meanwhile
  }
}

/** Every process of the machine, from /proc (Linux). */
export function processes(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProcess(Number(name));
    if (p) out.push(p);
  }
  return out;
}

/** Whether `pid` is a process that still runs (a zombie has ended). */
export function isRunning(pid: number): boolean {
  const p = readProcess(pid);
  return p !== null && p.state !== 'Z';
}

/** The processes whose parent is `parent` (this process by default), with their command lines. */
export function childProcesses(parent = process.pid): (ProcessInfo & { command: string })[] {
  return processes()
    .filter((p) => p.ppid === parent)
    .map((p) => {
      let command = p.name;
      try {
        command = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() || p.name;
      } catch {
        // ended meanwhile
      }
      return { ...p, command };
    });
}
