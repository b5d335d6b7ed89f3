import { appendFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { oggEndsWhole } from '../../../src/main/core/audio/ogg-stream-end.ts';
import { makeAudioFile } from '../../helpers/audio-fixtures.ts';
import type { FixtureFormat } from '../../helpers/audio-fixtures.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const ends = (path: string): boolean | null => oggEndsWhole(path, statSync(path).size);

/** Ogg files as ffmpeg's encoders write them (libvorbis, libopus, FLAC in Ogg), cut the ways downloads stop. */
describe('the end of an Ogg stream (real files from ffmpeg)', () => {
  const tmp = makeTempDir();
  afterAll(() => tmp.cleanup());
  const kinds: { name: string; format: FixtureFormat }[] = [
    { name: 'vorbis.ogg', format: 'ogg' },
    { name: 'opus.opus', format: 'opus' },
  ];

  for (const k of kinds) {
    it(`${k.name}: whole ends with its end-of-stream page; cut mid-page, or cut at a page boundary before the last, does not`, () => {
      const whole = makeAudioFile(join(tmp.dir, k.name), { format: k.format, seconds: 12, source: 'anoisesrc=color=pink:amplitude=0.3' });
      expect(ends(whole)).toBe(true);
      const bytes = readFileSync(whole);
      const cutMid = join(tmp.dir, `mid-${k.name}`);
      writeFileSync(cutMid, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
      expect(ends(cutMid)).toBe(false);
      // the whole file up to (not including) its last page: complete pages, the last of which is not the stream's end
      const atPage = join(tmp.dir, `page-${k.name}`);
      writeFileSync(atPage, bytes.subarray(0, bytes.lastIndexOf('OggS')));
      expect(ends(atPage)).toBe(false);
      // cut inside the last page's 27-byte header
      const inHeader = join(tmp.dir, `header-${k.name}`);
      writeFileSync(inHeader, bytes.subarray(0, bytes.lastIndexOf('OggS') + 10));
      expect(ends(inHeader)).toBe(false);
      // bytes after the last page are no page: nothing is claimed
      const trailing = join(tmp.dir, `trailing-${k.name}`);
      writeFileSync(trailing, bytes);
      appendFileSync(trailing, Buffer.from('TAG'.padEnd(128, ' ')));
      expect(ends(trailing)).toBeNull();
    });
  }

  it('claims nothing for files that are not Ogg', () => {
    expect(ends(makeAudioFile(join(tmp.dir, 'a.flac'), { format: 'flac', seconds: 1 }))).toBeNull();
    expect(ends(makeAudioFile(join(tmp.dir, 'a.mp3'), { format: 'mp3', seconds: 1 }))).toBeNull();
    const tiny = join(tmp.dir, 'tiny.ogg');
    writeFileSync(tiny, 'OggS');
    expect(ends(tiny)).toBeNull();
    expect(oggEndsWhole(join(tmp.dir, 'missing.ogg'), 1000)).toBeNull();
  });
});
