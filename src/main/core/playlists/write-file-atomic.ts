import { renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { fsyncFolder, removeQuietly, tempPathFor, writeNewFileSync } from '../tags/atomic-replace.ts';

/**
 * Writes `text` (UTF-8, no byte-order mark) to `target` so that the path holds either what it held before or the
 * whole new file: a hidden temporary file in the same folder, fsynced, renamed into place, the folder fsynced.
 * A temporary file left by a killed process is named like the tag writer's and cleaned up the same way.
 */
export function writeFileAtomic(target: string, text: string): void {
  const temp = tempPathFor(target);
  writeNewFileSync(temp, Buffer.from(text, 'utf8'), 0o666);
  try {
    renameSync(temp, target);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
  fsyncFolder(dirname(target));
}
