import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncFolder, removeQuietly, tempPathFor } from '../tags/atomic-replace.ts';

/**
 * Writes `text` (UTF-8, no byte-order mark) to `target` so that the path holds either what it held before or the
 * whole new file: a hidden temporary file in the same folder, fsynced, renamed into place, the folder fsynced.
 * A temporary file left by a killed process is named like the tag writer's and cleaned up the same way.
 */
export function writeFileAtomic(target: string, text: string): void {
  const temp = tempPathFor(target);
  const bytes = Buffer.from(text, 'utf8');
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'wx', 0o666);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
    renameSync(temp, target);
  } catch (error) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    removeQuietly(temp);
    throw error;
  }
  fsyncFolder(dirname(target));
}
