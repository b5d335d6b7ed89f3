import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import { processes } from '../../helpers/child-processes.ts';
import type { ProcessInfo } from '../../helpers/child-processes.ts';
import { cliPath } from '../../helpers/run-cli.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every process below `root` (children, grandchildren, …), from /proc. */
function descendants(root: number): ProcessInfo[] {
  const all = processes();
  const out: ProcessInfo[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        out.push(p);
        grew = true;
      }
    }
  }
  return out;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The processes of `pids` that still exist, running or zombie (ended but never waited for). */
function stillThere(pids: readonly number[]): ProcessInfo[] {
  const wanted = new Set(pids);
  return processes().filter((p) => wanted.has(p.pid));
}

describe('kill -9 of `genre-tagger classify` leaves no ffmpeg and no launcher behind', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());

  for (const mode of ['launcher', 'off'] as const) {
    it(`reaps its ffmpeg children (${mode === 'off' ? 'ffmpeg started directly' : 'through the launcher'})`, async () => {
      const music = join(tmp.dir, `music-${mode}`);
      // Long enough that ffmpeg still runs when the CLI is killed (back-pressure holds it while the analysis works).
      makeAudioFile(join(music, 'long.flac'), { format: 'flac', seconds: 600, channels: 1, sampleRate: 22050, source: 'anoisesrc=color=pink:amplitude=0.3' });
      const env = { ...process.env, GENRE_TAGGER_HOME: join(tmp.dir, `home-${mode}`), GENRE_TAGGER_FFMPEG_LAUNCHER: mode === 'off' ? 'off' : undefined };
      const cli = spawn(process.execPath, [cliPath, 'classify', music, '--db', join(tmp.dir, `lib-${mode}.sqlite`), '--workers', '1', '--quiet'], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      cli.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<void>((r) => cli.once('exit', () => r()));
      let below: ProcessInfo[] = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        below = descendants(cli.pid!);
        // the decode of the track (not a probe such as `ffmpeg -version`)
        if (below.some((p) => p.name === 'ffmpeg' && p.state !== 'Z' && commandLine(p.pid).includes('long.flac'))) break;
        await sleep(50);
      }
      expect(below.map((p) => p.name), stderr).toContain('ffmpeg');
      if (mode === 'launcher') expect(below.filter((p) => p.name !== 'ffmpeg').length, 'the launcher process').toBeGreaterThan(0);
      await sleep(300); // in the middle of the decode
      below = descendants(cli.pid!);
      const pids = below.map((p) => p.pid);
      process.kill(cli.pid!, 'SIGKILL');
      await exited;
      const end = Date.now() + 5000;
      let left = stillThere(pids);
      while (left.length > 0 && Date.now() < end) {
        await sleep(50);
        left = stillThere(pids);
      }
      expect(left.map((p) => `${p.pid} ${p.name} state ${p.state} parent ${p.ppid}`)).toEqual([]);
    }, 120_000);
  }
});
