import { gtzanGenres } from '../../models/genres.ts';

/** The label order for a dataset: the GTZAN order when every label is a GTZAN genre, else sorted. */
export function labelSetOf(labels: Iterable<string>): string[] {
  const unique = [...new Set(labels)];
  if (unique.every((l) => (gtzanGenres as readonly string[]).includes(l))) return [...gtzanGenres];
  return unique.sort();
}

export function labelIndices(labels: readonly string[], labelSet: readonly string[]): number[] {
  return labels.map((l) => {
    const i = labelSet.indexOf(l);
    if (i < 0) throw new Error(`Unknown label ${l} (the model knows ${labelSet.join(', ')})`);
    return i;
  });
}
