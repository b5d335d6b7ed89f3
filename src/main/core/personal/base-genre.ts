import { defaultTaxonomy, genreKey, normalizeGenres } from '../tags/taxonomy.ts';

function canonicalKey(genre: string): string {
  return genreKey(normalizeGenres([genre], defaultTaxonomy)[0] ?? genre);
}

/**
 * The base models' label that names the same genre as a person's genre ("Hip-Hop", "hip hop" -> hiphop), after the
 * built-in alias map; null for a genre the base models do not know ("Soundtrack", "Romantic Classical").
 */
export function baseLabelFor(genre: string, baseLabels: readonly string[]): string | null {
  const key = canonicalKey(genre);
  return baseLabels.find((l) => canonicalKey(l) === key) ?? null;
}
