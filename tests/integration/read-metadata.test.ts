import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTrackMetadata } from '../../src/main/core/scan/read-track-metadata.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const ffprobeSeconds = (path: string): number =>
  Number(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path], { encoding: 'utf8' }));

describe('track lengths read by the scanner agree with ffprobe', () => {
  it('for Ogg Opus and Vorbis of any size (length from the last page)', () => {
    const tmp = makeTempDir();
    try {
      const files = [
        join(requireGtzan(), 'audio/classical/classical.00001.opus'),
        makeAudioFile(join(tmp.dir, 'long.ogg'), { format: 'ogg', seconds: 95, channels: 1, source: 'anoisesrc=amplitude=0.2' }),
        makeAudioFile(join(tmp.dir, 'long.opus'), { format: 'opus', seconds: 95, channels: 1, source: 'anoisesrc=amplitude=0.2' }),
        makeAudioFile(join(tmp.dir, 'long.mp3'), { format: 'mp3', seconds: 95, channels: 1, source: 'anoisesrc=amplitude=0.2' }),
        makeAudioFile(join(tmp.dir, 'long.flac'), { format: 'flac', seconds: 95, channels: 1, source: 'anoisesrc=amplitude=0.2' }),
      ];
      return Promise.all(
        files.map(async (f) => {
          const meta = await readTrackMetadata(f, statSync(f).size);
          expect(meta.durationS, f).not.toBeNull();
          expect(Math.abs(meta.durationS! - ffprobeSeconds(f)), f).toBeLessThan(0.06);
        }),
      ).finally(tmp.cleanup);
    } catch (e) {
      tmp.cleanup();
      throw e;
    }
  });
});
