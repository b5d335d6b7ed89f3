import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/main/core/db/database.ts';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { orderBy, TrackQueryCache } from '../../src/main/core/db/track-query.ts';
import { sortColumns } from '../../src/shared/api/library.ts';
import type { TrackQuery } from '../../src/shared/api/library.ts';
import { insertSyntheticTracks } from '../helpers/synthetic-library.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

describe('library page queries', () => {
  const tmp = makeTempDir();
  let db: Database;
  let q: TrackQueryCache;
  const titles = (query: TrackQuery): (string | null)[] => q.page(query).rows.map((r) => r.title);

  beforeAll(() => {
    db = openDatabase(join(tmp.dir, 'q.sqlite'));
    q = new TrackQueryCache(db);
    insertSyntheticTracks(db, '/m', [
      { path: '/m/b/2.mp3', title: 'Beta', artist: 'bob', album: 'X', trackNo: 2, duration: 30, genre: 'Rock' },
      { path: '/m/b/1.mp3', title: 'Alpha', artist: 'Bob', album: 'X', trackNo: 1, duration: 300, genre: 'Rock; Pop' },
      { path: '/m/a/z.flac', title: 'Zulu', artist: 'Ärger', album: 'Y', duration: 100, format: 'flac', genre: 'Jazz' },
      { path: '/m/a/u.ogg', title: null, artist: null, album: null, duration: null, format: 'ogg' },
      { path: '/m/ab/c.mp3', title: 'Café Noir', artist: 'Claude', album: 'Y', duration: 50, predicted: 'jazz', confidence: 0.9 },
      { path: '/m/bad.mp3', title: null, status: 'error', format: null },
      { path: '/m/gone.mp3', title: 'Gone', artist: 'Ghost', status: 'missing', predicted: 'rock', confidence: 0.4 },
    ]);
  });
  afterAll(() => {
    db.close();
    tmp.cleanup();
  });

  it('sorts case-insensitively by artist, then album and track number; unknown values last', () => {
    expect(titles({ sort: 'artist' })).toEqual(['Zulu', 'Alpha', 'Beta', 'Café Noir', 'Gone', null, null]);
  });

  it('sorts descending as the exact reverse', () => {
    const asc = q.page({ sort: 'duration' }).rows.map((r) => r.id);
    const desc = q.page({ sort: 'duration', dir: 'desc' }).rows.map((r) => r.id);
    expect(desc).toEqual([...asc].reverse());
    expect(q.page({ sort: 'duration' }).rows.map((r) => r.durationS)).toEqual([30, 50, 100, 200, 200, 300, null]);
  });

  it('pages with offset and limit and reports the total', () => {
    const page = q.page({ sort: 'path', offset: 2, limit: 3 });
    expect(page.total).toBe(7);
    expect(page.rows.map((r) => r.path)).toEqual(['/m/ab/c.mp3', '/m/b/1.mp3', '/m/b/2.mp3']);
    expect(q.page({ sort: 'path', offset: 7 }).rows).toEqual([]);
  });

  it('searches substrings across fields, ignoring case and accents, every word required', () => {
    expect(titles({ search: 'cafe', sort: 'title' })).toEqual(['Café Noir']);
    expect(titles({ search: 'ARGER', sort: 'title' })).toEqual(['Zulu']);
    expect(titles({ search: 'rock', sort: 'title' })).toEqual(['Alpha', 'Beta']); // genre tag
    expect(titles({ search: 'bob alp', sort: 'title' })).toEqual(['Alpha']);
    expect(titles({ search: 'nothing-like-this', sort: 'title' })).toEqual([]);
  });

  it('matches words shorter than three characters at the start of a word', () => {
    expect(titles({ search: 'ab', sort: 'title' })).toEqual(['Café Noir']); // the folder name "ab" in /m/ab/
    expect(titles({ search: 'x', sort: 'title' })).toEqual(['Alpha', 'Beta']); // album "X"
    expect(titles({ search: 'lu', sort: 'title' })).toEqual([]); // "Zulu" has "lu" inside, not at the start
    expect(titles({ search: 'zu', sort: 'title' })).toEqual(['Zulu']);
    expect(titles({ search: 'ca no', sort: 'title' })).toEqual(['Café Noir']);
    // Punctuation alone filters nothing out (as typing a space would not).
    expect(q.page({ search: '%' }).total).toBe(7);
  });

  it('filters by folder without matching sibling folders that share a prefix', () => {
    expect(q.page({ folder: '/m/a', sort: 'path' }).rows.map((r) => r.path)).toEqual(['/m/a/u.ogg', '/m/a/z.flac']);
    expect(q.page({ folder: '/m/a/', sort: 'path' }).total).toBe(2);
  });

  it('filters by status and predicted genre, and sorts by confidence', () => {
    expect(q.page({ status: 'error' }).rows.map((r) => r.path)).toEqual(['/m/bad.mp3']);
    expect(q.page({ status: 'missing' }).rows.map((r) => r.title)).toEqual(['Gone']);
    expect(q.page({ predicted: 'jazz' }).rows.map((r) => r.title)).toEqual(['Café Noir']);
    expect(q.page({ sort: 'confidence', dir: 'desc', limit: 2 }).rows.map((r) => r.confidence)).toEqual([null, null]);
    expect(q.page({ sort: 'confidence', limit: 2 }).rows.map((r) => r.confidence)).toEqual([0.4, 0.9]);
  });

  it('sees writes from this and other connections', () => {
    expect(q.page({ search: 'newcomer' }).total).toBe(0);
    const other = openDatabase(join(tmp.dir, 'q.sqlite'), { migrate: false });
    insertSyntheticTracks(other, '/m', [{ path: '/m/new.mp3', title: 'Newcomer' }]);
    other.close();
    expect(q.page({ search: 'newcomer' }).total).toBe(1);
    db.prepare("UPDATE tracks SET title = 'Renamed' WHERE path = '/m/new.mp3'").run();
    expect(q.page({ search: 'newcomer' }).total).toBe(0);
    expect(q.page({ search: 'renamed' }).total).toBe(1);
  });

  it('orders the whole library by walking an index, never by sorting rows', () => {
    for (const column of sortColumns) {
      for (const dir of ['asc', 'desc'] as const) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM tracks ${orderBy(column, dir)}`).all() as { detail: string }[])
          .map((r) => r.detail)
          .join(' | ');
        expect(plan, `${column} ${dir}`).toMatch(/^SCAN tracks USING COVERING INDEX/);
        expect(plan, `${column} ${dir}`).not.toMatch(/TEMP B-TREE/);
      }
    }
  });

  it('rejects invalid queries', () => {
    expect(() => q.page({ limit: 0 })).toThrow();
    expect(() => q.page({ sort: 'colour' as never })).toThrow();
  });
});
