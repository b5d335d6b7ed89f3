import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

const blockSize = 64 * 1024;

/** The block the fingerprint hashes: 64 KiB from the middle of the file (the whole file when it is smaller). */
function middleBlock(sizeBytes: number): { offset: number; length: number } {
  const length = Math.min(blockSize, sizeBytes);
  return { offset: Math.max(0, Math.floor(sizeBytes / 2 - length / 2)), length };
}

function digest(block: Uint8Array): string {
  return createHash('sha1').update(block).digest('hex').slice(0, 24);
}

/**
 * A cheap content fingerprint for recognising a moved file: a hash of a 64 KiB block from the middle of the
 * file, where the audio lives (tags sit at the start and the end, so a tag edit in place rarely moves it).
 * Matching also requires equal size.
 */
export function fingerprintFile(path: string, sizeBytes: number): string {
  const fd = openSync(path, 'r');
  try {
    const { offset, length } = middleBlock(sizeBytes);
    const buffer = Buffer.allocUnsafe(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return digest(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

/** The same fingerprint of a whole file already in memory (a tag write reads the file whole). */
export function fingerprintBytes(bytes: Uint8Array): string {
  const { offset, length } = middleBlock(bytes.length);
  return digest(bytes.subarray(offset, offset + length));
}

/** The fingerprint of a file as it is now, or null when it is empty or cannot be read. */
export function fingerprintFileOrNull(path: string, sizeBytes: number): string | null {
  try {
    return sizeBytes > 0 ? fingerprintFile(path, sizeBytes) : null;
  } catch {
    return null;
  }
}
