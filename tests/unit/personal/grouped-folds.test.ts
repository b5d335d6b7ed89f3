import { describe, expect, it } from 'vitest';
import { albumGroupKey, groupedFolds } from '../../../src/main/core/personal/grouped-folds.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

describe('album-grouped folds', () => {
  it('never puts two tracks of one album in different folds, and balances genres across folds', () => {
    const random = new SeededRandom(3);
    const groups: string[] = [];
    const genres: string[] = [];
    for (let album = 0; album < 60; album++) {
      const genre = ['rock', 'jazz', 'folk'][album % 3];
      const size = 1 + random.int(14);
      for (let t = 0; t < size; t++) {
        groups.push(`album-${album}`);
        genres.push(genre);
      }
    }
    const { fold, folds } = groupedFolds(groups, genres, 5);
    expect(folds).toBe(5);
    const foldOf = new Map<string, number>();
    groups.forEach((g, i) => {
      if (foldOf.has(g)) expect(fold[i]).toBe(foldOf.get(g));
      else foldOf.set(g, fold[i]);
    });
    for (const genre of ['rock', 'jazz', 'folk']) {
      const counts = [0, 0, 0, 0, 0];
      genres.forEach((g, i) => g === genre && counts[fold[i]]++);
      expect(Math.min(...counts)).toBeGreaterThan(0);
    }
    // Deterministic.
    expect(Array.from(groupedFolds(groups, genres, 5).fold)).toEqual(Array.from(fold));
  });

  it('uses fewer folds than asked when there are fewer albums', () => {
    expect(groupedFolds(['a', 'a', 'b'], ['x', 'x', 'y'], 5).folds).toBe(2);
  });

  it('groups by album (with its artist), else artist, else folder', () => {
    const base = { albumArtist: null, artist: 'Band', album: 'Live', dir: '/m/Band/Live' };
    expect(albumGroupKey(base)).toBe(albumGroupKey({ ...base, dir: '/elsewhere' }));
    expect(albumGroupKey(base)).not.toBe(albumGroupKey({ ...base, artist: 'Other Band' }));
    expect(albumGroupKey({ ...base, album: null })).toBe('artist:band');
    expect(albumGroupKey({ ...base, album: null, artist: null })).toBe('folder:/m/Band/Live');
  });
});
