import { closeSync, openSync, readSync } from 'node:fs';

/** The largest Ogg page: a 27-byte header, 255 lacing values and 255 segments of 255 bytes. */
const MAX_PAGE = 27 + 255 + 255 * 255;
const END_OF_STREAM = 0x04;

/**
 * Whether an Ogg file (Vorbis, Opus, FLAC in Ogg) ends as a whole stream does: with a complete last page that
 * carries the end-of-stream flag. `false` for a file cut short (a download that stopped: its last page is
 * incomplete, or the last whole page is not the stream's last); `null` when the file is not Ogg, cannot be read, or
 * its end is not recognisable as a page (bytes after the last page), so nothing is claimed.
 *
 * Why: an Ogg file announces no length of its own. ffmpeg takes the duration from the granule position of the last
 * page it finds, so a cut file looks whole from ffmpeg's summary and decodes without an error; only the missing end
 * of the stream tells that the rest of the track is gone.
 */
export function oggEndsWhole(path: string, fileSize: number): boolean | null {
  if (fileSize < 27) return null;
  const length = Math.min(fileSize, MAX_PAGE + 4);
  let tail: Buffer;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(4);
    if (readSync(fd, head, 0, 4, 0) < 4 || head.toString('latin1') !== 'OggS') return null;
    tail = Buffer.alloc(length);
    if (readSync(fd, tail, 0, length, fileSize - length) < length) return null;
  } finally {
    closeSync(fd);
  }
  // The last capture pattern with stream structure version 0 starts the last page.
  for (let p = tail.lastIndexOf('OggS', length - 4, 'latin1'); p >= 0; p = p > 0 ? tail.lastIndexOf('OggS', p - 1, 'latin1') : -1) {
    if (p + 27 > length) return p + 4 >= length || tail[p + 4] === 0 ? false : null; // the header itself is cut
    if (tail[p + 4] !== 0) continue;
    const segments = tail[p + 26];
    if (p + 27 + segments > length) return false; // its lacing values are cut
    let body = 0;
    for (let i = 0; i < segments; i++) body += tail[p + 27 + i];
    const end = p + 27 + segments + body;
    if (end > length) return false; // its packet data is cut
    if (end < length) return null; // something after the last page: not ours to judge
    return (tail[p + 5] & END_OF_STREAM) !== 0;
  }
  return null;
}
