import type { Migration } from '../migration.ts';

/**
 * What listening to a track produced: its analysis and each model's prediction.
 *
 * - `track_analyses`: one row per track, for the content_version that was analysed: ok (duration, segment count,
 *   the 57 clip features as little-endian float32 for later retraining) or error with a readable reason (a file
 *   the tag scan read but ffmpeg cannot decode). Which engine computed it and when.
 * - `model_versions`: each model version that produced a prediction, with its label order (predictions store
 *   probability vectors in that order).
 * - `predictions`: the latest prediction per track and model kind, with the model version: the track-level
 *   probability vector (float32), the per-segment (or per-window) probabilities quantised to uint8 (each row
 *   sums to exactly 255) with the segment start times (float32 seconds), the top genre and its probability.
 *
 * `tracks.predicted_genre` / `predicted_confidence` stay the denormalised top prediction the library table sorts
 * and filters by (the ensemble's when there is one, else the best available model's); an index on them serves
 * the predicted-genre filter and its counts.
 */
export const m002Analysis: Migration = {
  version: 2,
  name: 'analysis',
  up(db) {
    db.exec(`
      CREATE TABLE track_analyses (
        track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        content_version INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'error')),
        error TEXT,
        error_code TEXT,
        duration_s REAL,
        segment_count INTEGER,
        clip_start_s REAL,
        clip_seconds REAL,
        clip_features BLOB,
        engine_version TEXT NOT NULL,
        elapsed_ms INTEGER,
        analyzed_at INTEGER NOT NULL,
        CHECK (status = 'error' OR (clip_features IS NOT NULL AND length(clip_features) = 57 * 4)),
        CHECK (status = 'ok' OR error IS NOT NULL)
      );
      CREATE INDEX ix_analyses_status ON track_analyses(status);

      CREATE TABLE model_versions (
        kind TEXT NOT NULL CHECK (kind IN ('svm', 'cnn', 'mlfi', 'ensemble')),
        version TEXT NOT NULL,
        architecture TEXT NOT NULL,
        labels_json TEXT NOT NULL,
        first_used_at INTEGER NOT NULL,
        PRIMARY KEY (kind, version)
      ) WITHOUT ROWID;

      CREATE TABLE predictions (
        track_id INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
        model_kind TEXT NOT NULL,
        model_version TEXT NOT NULL,
        content_version INTEGER NOT NULL,
        probabilities BLOB NOT NULL,
        segment_count INTEGER NOT NULL,
        segment_seconds REAL NOT NULL,
        segment_starts BLOB NOT NULL,
        segment_probabilities BLOB NOT NULL,
        top_genre TEXT NOT NULL,
        confidence REAL NOT NULL,
        predicted_at INTEGER NOT NULL,
        PRIMARY KEY (track_id, model_kind),
        FOREIGN KEY (model_kind, model_version) REFERENCES model_versions(kind, version),
        CHECK (length(segment_starts) = 4 * segment_count)
      );
      CREATE INDEX ix_predictions_model ON predictions(model_kind, model_version);

      CREATE INDEX ix_tracks_predicted_genre ON tracks(predicted_genre, predicted_confidence)
        WHERE predicted_genre IS NOT NULL;
    `);
  },
};
