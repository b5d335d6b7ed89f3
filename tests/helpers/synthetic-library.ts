import type { Database } from '../../src/main/core/db/database.ts';

export interface SyntheticTrack {
  path: string;
  title?: string | null;
  artist?: string | null;
  album?: string | null;
  genre?: string | null;
  duration?: number | null;
  format?: string | null;
  trackNo?: number | null;
  status?: 'ok' | 'error' | 'missing';
  predicted?: string | null;
  confidence?: number | null;
}

/** Inserts rows straight into `tracks` (for query tests and benchmarks that need no audio). */
export function insertSyntheticTracks(db: Database, rootPath: string, tracks: SyntheticTrack[]): number {
  const existing = db.prepare('SELECT id FROM roots WHERE path = ?').get(rootPath) as { id: number } | undefined;
  const rootId = existing?.id ?? Number(db.prepare('INSERT INTO roots (path, added_at) VALUES (?, 1)').run(rootPath).lastInsertRowid);
  const insert = db.prepare(`INSERT INTO tracks (root_id, path, dir, filename, size, mtime_ms, status, format, duration_s,
    title, artist, album, genre, genres_json, track_no, predicted_genre, predicted_confidence, added_at, updated_at)
    VALUES (@root, @path, @dir, @filename, 1000, 1, @status, @format, @duration, @title, @artist, @album, @genre,
    @genres, @trackNo, @predicted, @confidence, 1, 1)`);
  db.transaction(() => {
    for (const t of tracks) {
      const slash = t.path.lastIndexOf('/');
      insert.run({
        root: rootId,
        path: t.path,
        dir: t.path.slice(0, slash),
        filename: t.path.slice(slash + 1),
        status: t.status ?? 'ok',
        format: t.format ?? 'mp3',
        duration: 'duration' in t ? t.duration : 200,
        title: t.title ?? null,
        artist: t.artist ?? null,
        album: t.album ?? null,
        genre: t.genre ?? null,
        genres: JSON.stringify(t.genre ? t.genre.split('; ') : []),
        trackNo: t.trackNo ?? null,
        predicted: t.predicted ?? null,
        confidence: t.confidence ?? null,
      });
    }
  })();
  return rootId;
}
