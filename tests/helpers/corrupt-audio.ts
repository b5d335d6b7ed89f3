import { readFileSync, writeFileSync } from 'node:fs';
import { makeAudioFile } from './audio-fixtures.ts';

/**
 * A FLAC file whose header is intact (the tag scan reads its format and duration) but whose audio frames after
 * the first `keepBytes` bytes are replaced by noise of the same length: only decoding finds out.
 */
export function makeCorruptFlac(path: string, seconds = 4, keepBytes = 4096): string {
  makeAudioFile(path, { format: 'flac', seconds });
  const bytes = readFileSync(path);
  let state = 12345;
  for (let i = keepBytes; i < bytes.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  writeFileSync(path, bytes);
  return path;
}
