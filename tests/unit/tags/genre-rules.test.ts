import { describe, expect, it } from 'vitest';
import { tagRequestSchema } from '../../../src/shared/api/tags.ts';
import { mergeGenres } from '../../../src/main/core/tags/merge-genres.ts';
import { defaultTaxonomy, genreKey, normalizeGenres } from '../../../src/main/core/tags/taxonomy.ts';

describe('taxonomy', () => {
  it('maps aliases and the canonical names themselves, ignoring case, spaces, hyphens and underscores', () => {
    const taxonomy = { aliases: { 'Hip-Hop': 'Hip Hop', 'Drum n Bass': 'Drum & Bass' }, caseStyle: 'keep' as const };
    expect(normalizeGenres(['hip_hop', 'HIP HOP', 'HipHop', 'drum-n-bass'], taxonomy)).toEqual(['Hip Hop', 'Drum & Bass']);
    expect(normalizeGenres(['hip hop'], taxonomy)).toEqual(['Hip Hop']);
  });

  it('gives the ten GTZAN labels readable names by default', () => {
    const gtzan = ['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock'];
    expect(normalizeGenres(gtzan, defaultTaxonomy)).toEqual([
      'Blues', 'Classical', 'Country', 'Disco', 'Hip Hop', 'Jazz', 'Metal', 'Pop', 'Reggae', 'Rock',
    ]);
  });

  it('leaves unknown genres as typed, or title-cases them when asked', () => {
    expect(normalizeGenres(['post-rock', 'shoegaze'], defaultTaxonomy)).toEqual(['post-rock', 'shoegaze']);
    expect(normalizeGenres(['post-rock', 'dream pop'], { aliases: {}, caseStyle: 'title' })).toEqual(['Post-Rock', 'Dream Pop']);
  });

  it('splits "A; B" values and drops duplicates by key, keeping the first spelling', () => {
    expect(normalizeGenres(['Rock; Pop', 'rock', ' Jazz '], null)).toEqual(['Rock', 'Pop', 'rock', 'Jazz']);
    expect(normalizeGenres(['Rock; Pop', 'rock', ' Jazz '], { aliases: {}, caseStyle: 'keep' })).toEqual(['Rock', 'Pop', 'Jazz']);
    expect(genreKey('Hip-Hop')).toBe(genreKey('hip hop'));
  });
});

describe('write modes', () => {
  it('replace writes exactly the new genres', () => {
    expect(mergeGenres(['Rock', 'my own tag'], ['Jazz'], 'replace')).toEqual(['Jazz']);
    expect(mergeGenres([], ['Jazz', 'Blues'], 'replace')).toEqual(['Jazz', 'Blues']);
  });

  it('add keeps existing (hand-made) genres verbatim and appends only new ones', () => {
    expect(mergeGenres(['rock', 'My Mix'], ['Rock', 'Jazz'], 'add')).toEqual(['rock', 'My Mix', 'Jazz']);
    expect(mergeGenres(['hip-hop'], ['Hip Hop'], 'add')).toEqual(['hip-hop']);
    expect(mergeGenres([], ['Jazz'], 'add')).toEqual(['Jazz']);
  });

  it('fill writes only where there is no genre', () => {
    expect(mergeGenres([], ['Jazz'], 'fill')).toEqual(['Jazz']);
    expect(mergeGenres(['Rock'], ['Jazz'], 'fill')).toEqual(['Rock']);
  });
});

describe('tag request', () => {
  it('accepts only ID3v2.3 separators the library and players split on', () => {
    const base = { source: 'genres', genres: ['Jazz'] };
    expect(tagRequestSchema.parse(base).id3v23Separator).toBe('; ');
    expect(tagRequestSchema.safeParse({ ...base, id3v23Separator: ';' }).success).toBe(true);
    const slash = tagRequestSchema.safeParse({ ...base, id3v23Separator: ' / ' });
    expect(slash.success).toBe(false);
    expect(slash.error?.issues[0].message).toMatch(/must be ";"/);
  });

  it('needs genres for the genres source and refuses ids and a filter together', () => {
    expect(tagRequestSchema.safeParse({ source: 'genres' }).success).toBe(false);
    expect(tagRequestSchema.safeParse({ source: 'prediction' }).success).toBe(true);
    expect(tagRequestSchema.safeParse({ source: 'prediction', selection: { trackIds: [1], filter: {} } }).success).toBe(false);
  });
});
