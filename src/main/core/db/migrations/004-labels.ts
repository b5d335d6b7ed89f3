import type { Migration } from '../migration.ts';

/**
 * Genres a person gave a track: an accepted prediction or a corrected label. One row per track; the review
 * workflow and training build on it, tag write-back can write it.
 */
export const m004Labels: Migration = {
  version: 4,
  name: 'labels',
  up(db) {
    db.exec(`
      CREATE TABLE track_labels (
        track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        genres_json TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('accepted', 'corrected')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX ix_track_labels_source ON track_labels(source);
    `);
  },
};
