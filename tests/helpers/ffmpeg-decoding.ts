import { readFileSync } from 'node:fs';
import { processes } from './child-processes.ts';

/** The pids of running ffmpeg processes below this process (children, or the ffmpeg launcher's) reading `fileName`. */
export function ffmpegsReading(fileName: string): number[] {
  const all = processes();
  const below = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (below.has(p.ppid) && !below.has(p.pid)) {
        below.add(p.pid);
        grew = true;
      }
    }
  }
  return all
    .filter((p) => p.pid !== process.pid && below.has(p.pid) && p.name === 'ffmpeg' && p.state !== 'Z')
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(fileName);
      } catch {
        return false; // ended meanwhile
      }
    })
    .map((p) => p.pid);
}

/** Waits until ffmpeg decodes `fileName` for this process (the analysis of that file is under way). */
export async function untilFfmpegReads(fileName: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (ffmpegsReading(fileName).length === 0) {
    if (Date.now() > deadline) throw new Error(`ffmpeg never started reading ${fileName}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
