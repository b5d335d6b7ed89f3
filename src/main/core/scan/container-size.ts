import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The total file size a RIFF (WAV) or IFF (AIFF) header declares, or null when the header has none or uses a
 * "streaming, size unknown" placeholder. A file shorter than this was cut short.
 */
export function declaredContainerSize(path: string): number | null {
  const head = Buffer.alloc(12);
  const fd = openSync(path, 'r');
  let read: number;
  try {
    read = readSync(fd, head, 0, 12, 0);
  } finally {
    closeSync(fd);
  }
  if (read < 12) return null;
  const id = head.toString('latin1', 0, 4);
  let size: number;
  if (id === 'RIFF') size = head.readUInt32LE(4);
  else if (id === 'FORM') size = head.readUInt32BE(4);
  else return null;
  if (size === 0 || size >= 0xfffffff0) return null;
  return size + 8;
}
