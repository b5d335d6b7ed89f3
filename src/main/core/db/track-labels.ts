import type { LabelSource, TrackLabel } from '../../../shared/api/labels.ts';
import type { Database } from './database.ts';

interface LabelRecord {
  track_id: number;
  genres_json: string;
  source: LabelSource;
  created_at: number;
  updated_at: number;
}

function toLabel(r: LabelRecord): TrackLabel {
  return { trackId: r.track_id, genres: JSON.parse(r.genres_json) as string[], source: r.source, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** Track ids among `ids` that have no row in `tracks`. */
export function unknownTrackIds(db: Database, ids: readonly number[]): number[] {
  const known = new Set(
    db.prepare('SELECT id FROM tracks WHERE id IN (SELECT value FROM json_each(?))').pluck().all(JSON.stringify(ids)) as number[],
  );
  return ids.filter((id) => !known.has(id));
}

/** Sets the label of each track (replacing an earlier one, keeping its creation time), in one transaction. */
export function setLabels(db: Database, ids: readonly number[], genres: readonly string[], source: LabelSource, now = Date.now()): number {
  const upsert = db.prepare(`INSERT INTO track_labels (track_id, genres_json, source, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (track_id) DO UPDATE SET genres_json = excluded.genres_json, source = excluded.source, updated_at = excluded.updated_at`);
  const json = JSON.stringify(genres);
  return db.transaction(() => {
    let n = 0;
    for (const id of new Set(ids)) n += upsert.run(id, json, source, now, now).changes;
    return n;
  })();
}

export function clearLabels(db: Database, ids: readonly number[]): number {
  return db.prepare('DELETE FROM track_labels WHERE track_id IN (SELECT value FROM json_each(?))').run(JSON.stringify(ids)).changes;
}

export function getLabels(db: Database, ids: readonly number[]): TrackLabel[] {
  return (
    db
      .prepare(`SELECT track_id, genres_json, source, created_at, updated_at FROM track_labels
        WHERE track_id IN (SELECT value FROM json_each(?)) ORDER BY track_id`)
      .all(JSON.stringify(ids)) as LabelRecord[]
  ).map(toLabel);
}
