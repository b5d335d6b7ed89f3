import { openSync, readSync, closeSync } from 'node:fs';

/** What a WAV file's own header says about its audio data. */
export interface WavDeclaredLength {
  /** Seconds of audio the `data` chunk announces. */
  seconds: number;
  /** Seconds the file actually holds after the header (less than `seconds` when the file was cut). */
  presentSeconds: number;
}

/** Size fields a streaming writer leaves when it cannot seek back (ffmpeg writing to a pipe: 0xFFFFFFFF). */
const UNKNOWN_SIZES = new Set([0, 0xffffffff]);

/**
 * Reads the RIFF/WAVE header of `path` and returns the length its `data` chunk announces, or null when the file
 * is no WAV, the header is longer than what is read, or the size is a placeholder (a WAV streamed to a pipe and
 * saved: its samples simply run to the end of the file, which is not a fault).
 *
 * Why: ffmpeg gives a WAV the duration of its file size ("Estimating duration from bitrate"), so a cut WAV looks
 * complete from ffmpeg's summary; only the header tells how much audio there should be.
 */
export function wavDeclaredLength(path: string, fileSize: number): WavDeclaredLength | null {
  const head = Buffer.alloc(Math.min(fileSize, 1 << 16));
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  let n: number;
  try {
    n = readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') return null;
  let byteRate = 0;
  for (let o = 12; o + 8 <= n; ) {
    const id = head.toString('latin1', o, o + 4);
    const size = head.readUInt32LE(o + 4);
    if (id === 'fmt ' && o + 20 <= n) byteRate = head.readUInt32LE(o + 16);
    if (id === 'data') {
      if (byteRate <= 0 || UNKNOWN_SIZES.has(size)) return null;
      const present = Math.max(0, Math.min(size, fileSize - (o + 8)));
      return { seconds: size / byteRate, presentSeconds: present / byteRate };
    }
    if (UNKNOWN_SIZES.has(size) && size !== 0) return null;
    o += 8 + size + (size & 1);
  }
  return null;
}
