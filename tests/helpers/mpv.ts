import { spawn } from 'node:child_process';

export interface MpvRun {
  code: number | null;
  /** The paths of the entries mpv opened and started playing, in order. */
  played: string[];
  output: string;
}

/**
 * Plays a playlist file with the real mpv (Debian's package), every entry for 0.2 s without audio or video output.
 * Exit code 0 means every entry opened and played.
 */
export function playWithMpv(playlist: string, cwd?: string): Promise<MpvRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('mpv', ['--no-config', '--ao=null', '--vo=null', '--length=0.2', '--term-playing-msg=PLAYED ${path}', `--playlist=${playlist}`], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`mpv could not be started (apt-get install mpv): ${e.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const played = [...output.matchAll(/^PLAYED (.*)$/gm)].map((m) => m[1]);
      resolve({ code, played, output });
    });
  });
}
