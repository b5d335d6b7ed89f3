import { describe, expect, it } from 'vitest';
import { labelGenresFromTag } from '../../../src/main/core/personal/tag-label-genres.ts';
import { expandId3v1Genre, id3v1Genres } from '../../../src/main/core/tags/id3v1-genres.ts';
import { defaultTaxonomy } from '../../../src/main/core/tags/taxonomy.ts';

describe('labels from genre tags', () => {
  it('maps ID3v1 genre numbers, bare or in parentheses, to their names', () => {
    expect(id3v1Genres).toHaveLength(192);
    expect(expandId3v1Genre('17')).toEqual(['Rock']);
    expect(expandId3v1Genre('(17)')).toEqual(['Rock']);
    expect(expandId3v1Genre('(0)')).toEqual(['Blues']);
    expect(expandId3v1Genre('(17)(78)')).toEqual(['Rock', 'Rock & Roll']);
    expect(expandId3v1Genre('(79)Hard Rock')).toEqual(['Hard Rock']);
    expect(expandId3v1Genre('(RX)(17)')).toEqual(['Rock']);
    expect(expandId3v1Genre('1999')).toEqual(['1999']);
    expect(expandId3v1Genre('Drum & Bass')).toEqual(['Drum & Bass']);
  });

  it('keeps several genres, applies the alias map, drops junk values and lists them', () => {
    const r = labelGenresFromTag(['Hip-Hop; Electronica', 'Other', '(13)', 'unknown', '', 'GENRE', 'hip hop'], defaultTaxonomy);
    expect(r.genres).toEqual(['Hip Hop', 'Electronic', 'Pop']);
    expect(r.junk).toEqual(['Other', 'unknown', 'GENRE']);
    expect(labelGenresFromTag(['(12)'], defaultTaxonomy)).toEqual({ genres: [], junk: ['(12)'] }); // 12 is "Other"
    expect(labelGenresFromTag(['Romantic Classical'], defaultTaxonomy).genres).toEqual(['Romantic Classical']);
  });
});
