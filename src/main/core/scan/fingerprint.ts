import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

const blockSize = 64 * 1024;

/**
 * A cheap content fingerprint for recognising a moved file: a hash of a 64 KiB block from the middle of the
 * file, where the audio lives (tags sit at the start and the end, so a tag edit in place rarely moves it).
 * Matching also requires equal size.
 */
export function fingerprintFile(path: string, sizeBytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const length = Math.min(blockSize, sizeBytes);
    const offset = Math.max(0, Math.floor(sizeBytes / 2 - length / 2));
    const buffer = Buffer.allocUnsafe(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return createHash('sha1').update(buffer.subarray(0, read)).digest('hex').slice(0, 24);
  } finally {
    closeSync(fd);
  }
}
