import type { Migration } from '../migration.ts';

/**
 * Classifications in different processes share one library without listening to a track twice.
 *
 * `classify_claims`: the tracks a running classification (the app's, `serve`'s or a `genre-tagger classify`
 * command's) is listening to now. A job claims a track just before it decodes it, renews its claims while it works
 * and drops them once the result is stored. A claim whose `expires_at` has passed, or whose process (`host`, `pid`) is
 * gone, belongs to a job that ended without dropping it (killed, or its thread terminated) and may be taken over.
 * See classify-claims.ts.
 */
export const m006ClassifyClaims: Migration = {
  version: 6,
  name: 'classify-claims',
  up(db) {
    db.exec(`
      CREATE TABLE classify_claims (
        track_id INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
        owner TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX classify_claims_owner ON classify_claims (owner);
    `);
  },
};
