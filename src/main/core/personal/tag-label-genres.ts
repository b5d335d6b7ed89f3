import type { Taxonomy } from '../../../shared/api/tags.ts';
import { expandId3v1Genre } from '../tags/id3v1-genres.ts';
import { genreKey, normalizeGenres } from '../tags/taxonomy.ts';
import { splitGenres } from '../scan/read-track-metadata.ts';

/**
 * Genre tag values that say nothing about the music: placeholders left by rippers and taggers. Compared by
 * genreKey (case, spaces and hyphens ignored).
 */
const junkKeys = new Set(
  ['other', 'others', 'unknown', 'unknown genre', 'misc', 'miscellaneous', 'genre', 'genres', 'none', 'no genre', 'n/a', 'na',
    'unclassifiable', 'unclassified', 'default', 'undefined', 'null', 'various', 'general', '-', '?', '??', '.', '<unknown>', '(unknown)']
    .map(genreKey),
);

export function isJunkGenre(value: string): boolean {
  const key = genreKey(value.trim());
  return key === '' || junkKeys.has(key) || /^[\p{P}\p{S}\s]*$/u.test(value);
}

/**
 * The label genres a file's genre tag gives: values split on ";" (and NUL, ID3v2.4's separator), ID3v1 numbers
 * ("17", "(17)") replaced by their names, the taxonomy's aliases applied, duplicates dropped, junk values
 * ("Other", "Unknown", "genre", empty) left out and returned apart so they can be listed.
 */
export function labelGenresFromTag(tagGenres: readonly string[], taxonomy: Taxonomy | null): { genres: string[]; junk: string[] } {
  const junk: string[] = [];
  const kept: string[] = [];
  for (const raw of splitGenres(tagGenres)) {
    for (const g of expandId3v1Genre(raw)) {
      if (isJunkGenre(g)) junk.push(raw);
      else kept.push(g);
    }
  }
  return { genres: normalizeGenres(kept, taxonomy), junk };
}
