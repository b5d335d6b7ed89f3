import type { Migration } from '../migration.ts';

/**
 * Learning from the person's own labels.
 *
 * - `track_labels.source` gains `tag`: genres imported from the file's own genre tag (a person's correction or
 *   accepted prediction always wins over it; re-importing only touches `tag` rows).
 * - `track_embeddings`: per track, the embedding computed when it was listened to (one float32 row whose column
 *   names live once in `embedding_layouts`), so personal models train and re-predict without decoding again.
 * - `personal_models`: every trained personal version (its model as JSON, its cross-validated report and the
 *   labels it learned from); at most one is active. Rollback activates an earlier one.
 * - `personal_predictions`: the active personal model's prediction per track; `tracks.predicted_*` mirrors it
 *   while a personal model is active, else the base models' preferred prediction.
 * - `settings`: library settings (the unsure threshold).
 */
export const m005Personal: Migration = {
  version: 5,
  name: 'personal',
  up(db) {
    db.exec(`
      CREATE TABLE track_labels_new (
        track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        genres_json TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('accepted', 'corrected', 'tag')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      INSERT INTO track_labels_new SELECT track_id, genres_json, source, created_at, updated_at FROM track_labels;
      DROP TABLE track_labels;
      ALTER TABLE track_labels_new RENAME TO track_labels;
      CREATE INDEX ix_track_labels_source ON track_labels(source);

      CREATE TABLE embedding_layouts (
        id TEXT PRIMARY KEY,
        columns_json TEXT NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE track_embeddings (
        track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        content_version INTEGER NOT NULL,
        layout_id TEXT NOT NULL REFERENCES embedding_layouts(id),
        vector BLOB NOT NULL
      );

      CREATE TABLE personal_models (
        version TEXT PRIMARY KEY,
        created_at INTEGER NOT NULL,
        activated_at INTEGER,
        active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
        genres_json TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        report_json TEXT NOT NULL,
        labels_json TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE UNIQUE INDEX ix_personal_models_active ON personal_models(active) WHERE active = 1;

      CREATE TABLE personal_predictions (
        track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        model_version TEXT NOT NULL,
        content_version INTEGER NOT NULL,
        labels_json TEXT NOT NULL,
        probabilities BLOB NOT NULL,
        top_genre TEXT NOT NULL,
        confidence REAL NOT NULL,
        predicted_at INTEGER NOT NULL
      );

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
