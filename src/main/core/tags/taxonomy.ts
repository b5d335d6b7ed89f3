import type { Taxonomy } from '../../../shared/api/tags.ts';
import { splitGenres } from '../scan/read-track-metadata.ts';

/**
 * Readable names for the labels the shipped models predict (GTZAN's ten, lower case and run together) and the
 * most common spellings of a few genres. Keys are compared by `genreKey`, so "Hip-Hop", "hip hop" and "HIPHOP"
 * all become "Hip Hop".
 */
export const defaultTaxonomy: Taxonomy = {
  aliases: {
    blues: 'Blues',
    classical: 'Classical',
    country: 'Country',
    disco: 'Disco',
    hiphop: 'Hip Hop',
    jazz: 'Jazz',
    metal: 'Metal',
    pop: 'Pop',
    reggae: 'Reggae',
    rock: 'Rock',
    'r&b': 'R&B',
    rnb: 'R&B',
    'rhythm and blues': 'R&B',
    'drum and bass': 'Drum & Bass',
    'drum & bass': 'Drum & Bass',
    dnb: 'Drum & Bass',
    electronica: 'Electronic',
  },
  caseStyle: 'keep',
};

/** The comparison key of a genre: Unicode-normalised, lower case, without spaces, hyphens and underscores. */
export function genreKey(genre: string): string {
  return genre.normalize('NFKC').toLowerCase().replace(/[\s\-_]+/g, '');
}

function titleCase(genre: string): string {
  return genre.replace(/(^|[\s\-/&(])(\p{L})/gu, (_m, sep: string, letter: string) => sep + letter.toUpperCase());
}

/**
 * Applies a taxonomy to genres about to be written: splits "A; B" into two, maps aliases (and the canonical
 * names themselves, so "hip hop" becomes "Hip Hop"), applies the case style to unknown genres, drops duplicates
 * (by key) keeping the first. Without a taxonomy only splitting and exact-duplicate removal happen.
 */
export function normalizeGenres(genres: readonly string[], taxonomy: Taxonomy | null): string[] {
  const parts = splitGenres(genres);
  if (!taxonomy) return parts;
  const canonical = new Map<string, string>();
  for (const name of Object.values(taxonomy.aliases)) canonical.set(genreKey(name), name);
  for (const [alias, name] of Object.entries(taxonomy.aliases)) canonical.set(genreKey(alias), name);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const g of parts) {
    const mapped = canonical.get(genreKey(g)) ?? (taxonomy.caseStyle === 'title' ? titleCase(g) : g);
    const key = genreKey(mapped);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(mapped);
  }
  return out;
}
