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
  }).immediate();
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

/** A track's genres from its own tag, ready to be a label (see labelGenresFromTag). */
export interface TagLabel {
  trackId: number;
  genres: string[];
}

export interface TagImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  /** Tag labels removed because the file's tag no longer holds a usable genre. */
  removed: number;
  /** Tracks whose tag has genres but whose label a person gave (kept: a person's word wins). */
  keptPersonal: number;
}

/**
 * Imports tag genres as labels of source 'tag': a track without a label gets one, a 'tag' label follows the tag
 * (updated when it changed, removed when the tag lost its genres: `emptied`), a person's label is never touched.
 * Idempotent: importing the same tags again changes nothing. `dryRun` counts without writing.
 */
export function importTagLabels(db: Database, labels: readonly TagLabel[], emptied: readonly number[], options: { dryRun?: boolean; now?: number } = {}): TagImportCounts {
  const now = options.now ?? Date.now();
  const counts: TagImportCounts = { created: 0, updated: 0, unchanged: 0, removed: 0, keptPersonal: 0 };
  const readAll = db.prepare('SELECT track_id, genres_json, source FROM track_labels');
  const insert = db.prepare("INSERT INTO track_labels (track_id, genres_json, source, created_at, updated_at) VALUES (?, ?, 'tag', ?, ?)");
  const update = db.prepare("UPDATE track_labels SET genres_json = ?, updated_at = ? WHERE track_id = ? AND source = 'tag'");
  const remove = db.prepare("DELETE FROM track_labels WHERE track_id = ? AND source = 'tag'");
  const run = (): void => {
    // every label read at once, in the transaction: a query per track took 240 ms of the 20,000-track library's
    // import (the app runs it on its main thread)
    const existingLabels = new Map<number, { genres_json: string; source: LabelSource }>();
    for (const r of readAll.iterate() as IterableIterator<{ track_id: number; genres_json: string; source: LabelSource }>) existingLabels.set(r.track_id, r);
    for (const l of labels) {
      const json = JSON.stringify(l.genres);
      const existing = existingLabels.get(l.trackId);
      if (!existing) {
        counts.created++;
        if (!options.dryRun) insert.run(l.trackId, json, now, now);
      } else if (existing.source !== 'tag') counts.keptPersonal++;
      else if (existing.genres_json === json) counts.unchanged++;
      else {
        counts.updated++;
        if (!options.dryRun) update.run(json, now, l.trackId);
      }
    }
    for (const id of emptied) {
      const existing = existingLabels.get(id);
      if (existing?.source === 'tag') {
        counts.removed++;
        if (!options.dryRun) remove.run(id);
      }
    }
  };
  if (options.dryRun) run();
  else db.transaction(run).immediate();
  return counts;
}

/** Every label with what grouping needs (album, artist, folder), for training and the label summary. */
export interface LabelledTrack {
  trackId: number;
  genres: string[];
  source: LabelSource;
  album: string | null;
  artist: string | null;
  albumArtist: string | null;
  dir: string;
}

export function allLabels(db: Database): LabelledTrack[] {
  return (
    db
      .prepare(
        `SELECT l.track_id AS trackId, l.genres_json AS genres, l.source AS source, t.album AS album, t.artist AS artist,
           t.album_artist AS albumArtist, t.dir AS dir
         FROM track_labels l JOIN tracks t ON t.id = l.track_id WHERE t.status <> 'missing' ORDER BY l.track_id`,
      )
      .all() as (Omit<LabelledTrack, 'genres'> & { genres: string })[]
  ).map((r) => ({ ...r, genres: JSON.parse(r.genres) as string[] }));
}
