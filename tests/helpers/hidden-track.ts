import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { requireGtzan } from './gtzan.ts';

/**
 * A "hidden track" FLAC in `dir`: `silenceSeconds` of digital silence, then a GTZAN clip (22050 Hz mono), as a
 * CD's last track with a hidden bonus after a long gap. Returns its path.
 */
export function makeHiddenTrack(dir: string, silenceSeconds: number, clip = 'metal/metal.00001.opus'): string {
  const path = join(dir, 'hidden-track.flac');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `anullsrc=r=22050:cl=mono:d=${silenceSeconds}`, '-i', join(requireGtzan(), 'audio', clip),
    '-filter_complex', '[1]aresample=22050,aformat=channel_layouts=mono[m];[0][m]concat=n=2:v=0:a=1', '-ac', '1', '-c:a', 'flac', path]);
  return path;
}
