import type { Database } from './database.ts';

/** The scanner's reads and writes of `tracks`: what it knows of a library folder, and the rows it writes. */

/** A track as the scanner compares it with the file on disk. */
export interface KnownTrack {
  id: number;
  size: number;
  mtime_ms: number;
  status: 'ok' | 'error' | 'missing';
  fingerprint: string | null;
}

/** The tracks of a library folder, by path. */
export function knownTracksOfRoot(db: Database, rootId: number): Map<string, KnownTrack> {
  const known = new Map<string, KnownTrack>();
  for (const row of db
    .prepare('SELECT id, path, size, mtime_ms, status, fingerprint FROM tracks WHERE root_id = ?')
    .iterate(rootId) as IterableIterator<KnownTrack & { path: string }>) {
    known.set(row.path, row);
  }
  return known;
}

/** A track row as a scan writes it: the file, what its tags say (null when unreadable), and the time. */
export interface ScannedTrackRow {
  root_id: number;
  path: string;
  dir: string;
  filename: string;
  size: number;
  mtime_ms: number;
  fingerprint: string | null;
  status: 'ok' | 'error';
  error: string | null;
  format: string | null;
  codec: string | null;
  duration_s: number | null;
  sample_rate: number | null;
  channels: number | null;
  bitrate: number | null;
  title: string | null;
  artist: string | null;
  album: string | null;
  album_artist: string | null;
  genre: string | null;
  genres_json: string;
  year: number | null;
  track_no: number | null;
  now: number;
}

/**
 * The scanner's writes, prepared once per library folder; use inside a transaction. An updated row's
 * content_version goes up when its content fingerprint or size changed (the audio may have changed).
 */
export class ScannedTrackWriter {
  private readonly insertStatement;
  private readonly updateStatement;
  private readonly missingStatement;
  private readonly idStatement;

  constructor(db: Database) {
    const cols = `status = @status, error = @error, size = @size, mtime_ms = @mtime_ms, fingerprint = @fingerprint,
      format = @format, codec = @codec, duration_s = @duration_s, sample_rate = @sample_rate, channels = @channels,
      bitrate = @bitrate, title = @title, artist = @artist, album = @album, album_artist = @album_artist,
      genre = @genre, genres_json = @genres_json, year = @year, track_no = @track_no,
      updated_at = @now, scanned_at = @now, missing_since = NULL`;
    this.insertStatement = db.prepare(`INSERT INTO tracks (root_id, path, dir, filename, size, mtime_ms, fingerprint, status, error,
      format, codec, duration_s, sample_rate, channels, bitrate, title, artist, album, album_artist, genre, genres_json,
      year, track_no, added_at, updated_at, scanned_at)
      VALUES (@root_id, @path, @dir, @filename, @size, @mtime_ms, @fingerprint, @status, @error, @format, @codec,
      @duration_s, @sample_rate, @channels, @bitrate, @title, @artist, @album, @album_artist, @genre, @genres_json,
      @year, @track_no, @now, @now, @now)
      ON CONFLICT (path) DO NOTHING`);
    this.idStatement = db.prepare('SELECT id FROM tracks WHERE path = ?').pluck();
    this.updateStatement = db.prepare(`UPDATE tracks SET ${cols},
      content_version = content_version + (CASE WHEN fingerprint IS @fingerprint AND size = @size THEN 0 ELSE 1 END)
      WHERE id = @id`);
    this.missingStatement = db.prepare(
      `UPDATE tracks SET status = 'missing', missing_since = @now, updated_at = @now WHERE id = @id`,
    );
  }

  /**
   * Adds a track; returns its id, or null when the path has a row already: another process's scan
   * (the app's and a command's at once) added the file since this scan read the folder's tracks.
   */
  insert(row: ScannedTrackRow): number | null {
    const inserted = this.insertStatement.run(row);
    return inserted.changes === 1 ? Number(inserted.lastInsertRowid) : null;
  }

  idOf(path: string): number {
    return this.idStatement.get(path) as number;
  }

  update(id: number, row: ScannedTrackRow): void {
    this.updateStatement.run({ ...row, id });
  }

  markMissing(id: number, now: number): void {
    this.missingStatement.run({ id, now });
  }
}
