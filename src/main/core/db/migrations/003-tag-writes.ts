import type { Migration } from '../migration.ts';

/**
 * The journal of tag write-back. A batch is one user action (write genres into a selection, or undo a batch);
 * it has one row per file it will touch. Before a file is replaced, its row receives exactly what the genre field
 * held (`old_snapshot_json`) and is committed, so an undo can put it back even after a crash or a restart.
 *
 * Row life: pending -> writing (old values stored, the file is about to be replaced) -> written | unchanged |
 * failed; `skipped` rows were never attempted (track missing, format not supported …). A `writing` row left by a
 * killed process is settled by reading the file: it holds either the old or the new genres (the replace is atomic).
 */
export const m003TagWrites: Migration = {
  version: 3,
  name: 'tag-writes',
  up(db) {
    db.exec(`
      CREATE TABLE tag_batches (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('write', 'undo')),
        undo_of INTEGER REFERENCES tag_batches(id) ON DELETE SET NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'interrupted', 'failed')),
        mode TEXT CHECK (mode IN ('replace', 'add', 'fill')),
        source TEXT,
        request_json TEXT NOT NULL,
        description TEXT NOT NULL,
        unchanged_count INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        pid INTEGER,
        heartbeat_at INTEGER,
        created_at INTEGER NOT NULL,
        finished_at INTEGER
      );
      CREATE INDEX ix_tag_batches_undo_of ON tag_batches(undo_of);
      CREATE INDEX ix_tag_batches_status ON tag_batches(status);

      CREATE TABLE tag_writes (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES tag_batches(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        track_id INTEGER REFERENCES tracks(id) ON DELETE SET NULL,
        path TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'writing', 'written', 'unchanged', 'skipped', 'failed')),
        wanted_json TEXT,
        restore_of INTEGER REFERENCES tag_writes(id) ON DELETE SET NULL,
        frame TEXT,
        old_genres_json TEXT,
        old_snapshot_json TEXT,
        new_genres_json TEXT,
        old_size INTEGER,
        old_mtime_ms INTEGER,
        new_size INTEGER,
        new_mtime_ms INTEGER,
        error_code TEXT,
        error TEXT,
        undone_by INTEGER REFERENCES tag_batches(id) ON DELETE SET NULL,
        updated_at INTEGER NOT NULL,
        UNIQUE (batch_id, seq)
      );
      CREATE INDEX ix_tag_writes_track ON tag_writes(track_id);
      CREATE INDEX ix_tag_writes_restore_of ON tag_writes(restore_of);
      CREATE INDEX ix_tag_writes_batch_status ON tag_writes(batch_id, status);
    `);
  },
};
