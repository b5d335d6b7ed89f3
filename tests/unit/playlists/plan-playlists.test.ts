import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/main/core/db/database.ts';
import { openDatabase } from '../../../src/main/core/db/database.ts';
import { setLabels } from '../../../src/main/core/db/track-labels.ts';
import { TrackQueryCache } from '../../../src/main/core/db/track-query.ts';
import { planPlaylists } from '../../../src/main/core/playlists/plan-playlists.ts';
import type { PlaylistPlan } from '../../../src/main/core/playlists/plan-playlists.ts';
import { trackQuerySchema } from '../../../src/shared/api/library.ts';
import { playlistRequestSchema } from '../../../src/shared/api/playlists.ts';
import type { PlaylistRequest } from '../../../src/shared/api/playlists.ts';
import { insertSyntheticTracks } from '../../helpers/synthetic-library.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

describe('which tracks go into which playlist', () => {
  const tmp = makeTempDir();
  let db: Database;
  const id: Record<string, number> = {};

  beforeAll(() => {
    db = openDatabase(join(tmp.dir, 'p.sqlite'));
    insertSyntheticTracks(db, '/m', [
      { path: '/m/1.mp3', title: 'Sure rock', artist: 'B', album: 'X', trackNo: 2, predicted: 'rock', confidence: 0.9 },
      { path: '/m/2.mp3', title: 'Unsure rock', artist: 'B', album: 'X', trackNo: 1, predicted: 'rock', confidence: 0.3 },
      { path: '/m/3.mp3', title: 'Labelled', artist: 'A', album: 'Y', predicted: 'jazz', confidence: 0.95 },
      { path: '/m/4.mp3', title: 'Hip', artist: 'C', predicted: 'hiphop', confidence: 0.6 },
      { path: '/m/5.mp3', title: 'Gone', artist: 'A', status: 'missing', predicted: 'rock', confidence: 0.99 },
      { path: '/m/6.mp3', title: 'Nothing', artist: 'D' },
      { path: '/m/7.mp3', title: 'Unsure labelled', artist: 'E', predicted: 'metal', confidence: 0.1 },
    ]);
    for (const r of db.prepare('SELECT id, title FROM tracks').all() as { id: number; title: string }[]) id[r.title] = r.id;
    // A person's label: several genres, one spelled as the model spells it.
    setLabels(db, [id.Labelled], ['Rock', 'hip-hop'], 'corrected');
    setLabels(db, [id['Unsure labelled']], ['Jazz'], 'accepted');
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  const plan = (request: PlaylistRequest, viewIds?: Int32Array): PlaylistPlan => planPlaylists(db, playlistRequestSchema.parse(request), { viewIds });
  const titles = (p: PlaylistPlan): Record<string, string[]> =>
    Object.fromEntries(p.playlists.map((pl) => [pl.name, pl.entries.map((e) => e.title!)]));

  it('takes the label where there is one (it wins), else the prediction; several genres put a track in each', () => {
    const p = plan({ allGenres: true });
    expect(titles(p)).toEqual({
      'Hip Hop': ['Labelled', 'Hip'],
      Jazz: ['Unsure labelled'],
      Rock: ['Labelled', 'Sure rock'],
    });
    // The unsure rock prediction is left out, the missing file too, and the track with no genre is counted.
    expect(p.leftOut).toEqual({ unsure: 1, belowConfidence: 0, unplayable: 1, noGenre: 1, overLimit: 0 });
  });

  it('keeps unsure predictions on request, never counts labels as unsure, and applies a confidence floor to predictions only', () => {
    expect(titles(plan({ genres: ['rock'], includeUnsure: true }))).toEqual({ Rock: ['Labelled', 'Unsure rock', 'Sure rock'] });
    const floor = plan({ genres: ['Rock', 'Hip Hop'], minConfidence: 0.8 });
    expect(titles(floor)).toEqual({ Rock: ['Labelled', 'Sure rock'], 'Hip Hop': ['Labelled'] });
    expect(floor.leftOut).toMatchObject({ unsure: 1, belowConfidence: 1 });
  });

  it('reads one source alone when asked', () => {
    expect(titles(plan({ allGenres: true, source: 'label' }))).toEqual({ 'Hip Hop': ['Labelled'], Jazz: ['Unsure labelled'], Rock: ['Labelled'] });
    expect(titles(plan({ allGenres: true, source: 'prediction' }))).toEqual({ 'Hip Hop': ['Hip'], Jazz: ['Labelled'], Rock: ['Sure rock'] });
  });

  it('matches genres ignoring case, spaces and hyphens, excludes genres, and names the empty ones', () => {
    const p = plan({ genres: ['HIP-HOP', 'blues'] });
    expect(titles(p)).toEqual({ 'Hip Hop': ['Labelled', 'Hip'] });
    expect(p.emptyGenres).toEqual(['Blues']);
    expect(Object.keys(titles(plan({ allGenres: true, excludeGenres: ['rock', 'jazz'] })))).toEqual(['Hip Hop']);
  });

  it('sorts by album and track number, by confidence, or randomly with a seed, and cuts to the limit', () => {
    expect(titles(plan({ genres: ['rock'], includeUnsure: true, sort: 'album' })).Rock).toEqual(['Unsure rock', 'Sure rock', 'Labelled']);
    expect(titles(plan({ genres: ['rock'], includeUnsure: true, sort: 'confidence' })).Rock).toEqual(['Labelled', 'Sure rock', 'Unsure rock']);
    const r1 = plan({ allGenres: true, includeUnsure: true, sort: 'random', seed: 7 });
    const r2 = plan({ allGenres: true, includeUnsure: true, sort: 'random', seed: 7 });
    expect(titles(r1)).toEqual(titles(r2));
    expect(r1.seed).toBe(7);
    expect(new Set(titles(r1).Rock)).toEqual(new Set(['Labelled', 'Unsure rock', 'Sure rock']));
    const limited = plan({ genres: ['rock'], includeUnsure: true, sort: 'album', limit: 2 });
    expect(titles(limited).Rock).toEqual(['Unsure rock', 'Sure rock']);
    expect(limited.leftOut.overLimit).toBe(1);
  });

  it('exports exactly the tracks of a library view, in its order, leaving out unplayable files', () => {
    const view = { search: 'rock', sort: 'title' as const, dir: 'desc' as const };
    const ids = new TrackQueryCache(db).resultIds(trackQuerySchema.parse(view));
    const p = plan({ view }, ids);
    expect(p.playlists.map((pl) => [pl.name, pl.genre])).toEqual([['rock', null]]);
    expect(titles(p).rock).toEqual(['Unsure rock', 'Sure rock']);
    const predicted = { predicted: 'rock' };
    const q = plan({ view: predicted }, new TrackQueryCache(db).resultIds(trackQuerySchema.parse(predicted)));
    expect(titles(q)).toEqual({ Rock: ['Unsure rock', 'Sure rock'] }); // the view's order: artist, album, track number
    expect(q.leftOut.unplayable).toBe(1);
    // With genres, a view narrows the tracks the genres are taken from.
    expect(titles(plan({ view: { search: 'labelled' }, allGenres: true }, new TrackQueryCache(db).resultIds(trackQuerySchema.parse({ search: 'labelled' }))))).toEqual({
      'Hip Hop': ['Labelled'],
      Jazz: ['Unsure labelled'],
      Rock: ['Labelled'],
    });
  });

  it('refuses a request without genres or a view, and both --genre and --all-genres', () => {
    expect(playlistRequestSchema.safeParse({}).success).toBe(false);
    expect(playlistRequestSchema.safeParse({ genres: ['x'], allGenres: true }).success).toBe(false);
  });
});
