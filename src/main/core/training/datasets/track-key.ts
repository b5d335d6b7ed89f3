import { basename } from 'node:path';

/**
 * The identity of a track inside a dataset, used to keep every piece of one track on the same side of a split:
 * the file name without folders and extension, with a GTZAN segment index dropped
 * (`blues/blues.00029.wav`, `blues.00029.wav`, `blues.00029.3.wav` -> `blues.00029`).
 */
export function trackKeyOf(name: string): string {
  const base = basename(name.trim().replace(/\\/g, '/'));
  const stem = base.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  const segment = /^(.+\.\d{5})\.\d+$/.exec(stem);
  return segment ? segment[1] : stem;
}
