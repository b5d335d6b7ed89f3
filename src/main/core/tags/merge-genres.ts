import type { TagMode } from '../../../shared/api/tags.ts';
import { genreKey } from './taxonomy.ts';

/**
 * The genres a file should hold after a write. `current` are the file's genres as they are (kept verbatim:
 * hand-made spellings are never rewritten), `wanted` the normalised genres to write.
 * - replace: exactly `wanted`;
 * - add: `current` followed by the wanted genres it does not already have (compared by `genreKey`, so an existing
 *   "hip-hop" is not joined by "Hip Hop");
 * - fill: `wanted` where the file has no genre, else `current` unchanged.
 */
export function mergeGenres(current: readonly string[], wanted: readonly string[], mode: TagMode): string[] {
  switch (mode) {
    case 'replace':
      return [...wanted];
    case 'fill':
      return current.length === 0 ? [...wanted] : [...current];
    case 'add': {
      const have = new Set(current.map(genreKey));
      const out = [...current];
      for (const g of wanted) {
        const k = genreKey(g);
        if (have.has(k)) continue;
        have.add(k);
        out.push(g);
      }
      return out;
    }
  }
}

export function sameGenres(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((g, i) => g === b[i]);
}
