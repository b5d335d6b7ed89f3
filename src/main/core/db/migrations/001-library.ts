import type { Migration } from '../migration.ts';

/**
 * Library roots and tracks. Sort indexes match the library view's ORDER BY expressions exactly (unknown values
 * last when ascending, id as the final tie-breaker) so a sorted page is an index walk, not a sort of 100k rows.
 * Text search uses two FTS5 indexes kept in sync by triggers: a trigram index (any substring of three or more
 * characters) and a word index with 1- and 2-character prefixes (short words match the start of a word), both
 * case- and accent-insensitive.
 */
export const m001Library: Migration = {
  version: 1,
  name: 'library',
  up(db) {
    db.exec(`
      CREATE TABLE roots (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        added_at INTEGER NOT NULL,
        last_scan_at INTEGER
      );

      CREATE TABLE tracks (
        id INTEGER PRIMARY KEY,
        root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
        path TEXT NOT NULL UNIQUE,
        dir TEXT NOT NULL,
        filename TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        fingerprint TEXT,
        status TEXT NOT NULL CHECK (status IN ('ok', 'error', 'missing')),
        error TEXT,
        format TEXT,
        codec TEXT,
        duration_s REAL,
        sample_rate INTEGER,
        channels INTEGER,
        bitrate INTEGER,
        title TEXT,
        artist TEXT,
        album TEXT,
        album_artist TEXT,
        genre TEXT,
        genres_json TEXT NOT NULL DEFAULT '[]',
        year INTEGER,
        track_no INTEGER,
        predicted_genre TEXT,
        predicted_confidence REAL,
        content_version INTEGER NOT NULL DEFAULT 1,
        added_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        scanned_at INTEGER,
        missing_since INTEGER
      );

      CREATE INDEX ix_tracks_root ON tracks(root_id);
      -- Move detection looks up missing tracks by content; duplicates that are present never enter this index.
      CREATE INDEX ix_tracks_missing_content ON tracks(size, fingerprint) WHERE status = 'missing';
      CREATE INDEX ix_tracks_status ON tracks(status);
      CREATE INDEX ix_tracks_dir ON tracks(dir);
      CREATE INDEX ix_sort_title ON tracks(title IS NULL, sort_key(title), id);
      CREATE INDEX ix_sort_artist ON tracks(artist IS NULL, sort_key(artist), sort_key(album), track_no, id);
      CREATE INDEX ix_sort_album ON tracks(album IS NULL, sort_key(album), track_no, id);
      CREATE INDEX ix_sort_genre ON tracks(genre IS NULL, sort_key(genre), id);
      CREATE INDEX ix_sort_duration ON tracks(duration_s IS NULL, duration_s, id);
      CREATE INDEX ix_sort_format ON tracks(format IS NULL, format, id);
      CREATE INDEX ix_sort_predicted ON tracks(predicted_genre IS NULL, sort_key(predicted_genre), id);
      CREATE INDEX ix_sort_confidence ON tracks(predicted_confidence IS NULL, predicted_confidence, id);

      CREATE VIRTUAL TABLE tracks_fts USING fts5(
        title, artist, album, genre, path,
        content = 'tracks', content_rowid = 'id',
        tokenize = 'trigram remove_diacritics 1'
      );
      CREATE VIRTUAL TABLE tracks_words USING fts5(
        title, artist, album, genre, path,
        content = 'tracks', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2'
      );
      CREATE TRIGGER tracks_fts_insert AFTER INSERT ON tracks BEGIN
        INSERT INTO tracks_fts(rowid, title, artist, album, genre, path)
        VALUES (new.id, new.title, new.artist, new.album, new.genre, new.path);
        INSERT INTO tracks_words(rowid, title, artist, album, genre, path)
        VALUES (new.id, new.title, new.artist, new.album, new.genre, new.path);
      END;
      CREATE TRIGGER tracks_fts_delete AFTER DELETE ON tracks BEGIN
        INSERT INTO tracks_fts(tracks_fts, rowid, title, artist, album, genre, path)
        VALUES ('delete', old.id, old.title, old.artist, old.album, old.genre, old.path);
        INSERT INTO tracks_words(tracks_words, rowid, title, artist, album, genre, path)
        VALUES ('delete', old.id, old.title, old.artist, old.album, old.genre, old.path);
      END;
      CREATE TRIGGER tracks_fts_update AFTER UPDATE OF title, artist, album, genre, path ON tracks BEGIN
        INSERT INTO tracks_fts(tracks_fts, rowid, title, artist, album, genre, path)
        VALUES ('delete', old.id, old.title, old.artist, old.album, old.genre, old.path);
        INSERT INTO tracks_fts(rowid, title, artist, album, genre, path)
        VALUES (new.id, new.title, new.artist, new.album, new.genre, new.path);
        INSERT INTO tracks_words(tracks_words, rowid, title, artist, album, genre, path)
        VALUES ('delete', old.id, old.title, old.artist, old.album, old.genre, old.path);
        INSERT INTO tracks_words(rowid, title, artist, album, genre, path)
        VALUES (new.id, new.title, new.artist, new.album, new.genre, new.path);
      END;

      CREATE TABLE scan_issues (
        id INTEGER PRIMARY KEY,
        root_id INTEGER NOT NULL REFERENCES roots(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        error TEXT NOT NULL,
        seen_at INTEGER NOT NULL,
        UNIQUE (root_id, path)
      );
    `);
  },
};
