import type { LibraryRoot } from '../../../shared/api/library.ts';
import type { Database } from './database.ts';

/** The library folders (table `roots`) with the number of their tracks in each state. */

interface RootRecord {
  id: number;
  path: string;
  added_at: number;
  last_scan_at: number | null;
  track_count: number;
  error_count: number;
  missing_count: number;
}

const rootSelect = `SELECT r.id, r.path, r.added_at, r.last_scan_at,
    (SELECT count(*) FROM tracks t WHERE t.root_id = r.id AND t.status = 'ok') AS track_count,
    (SELECT count(*) FROM tracks t WHERE t.root_id = r.id AND t.status = 'error') AS error_count,
    (SELECT count(*) FROM tracks t WHERE t.root_id = r.id AND t.status = 'missing') AS missing_count
  FROM roots r`;

function toRoot(r: RootRecord): LibraryRoot {
  return {
    id: r.id,
    path: r.path,
    addedAt: r.added_at,
    lastScanAt: r.last_scan_at,
    trackCount: r.track_count,
    errorCount: r.error_count,
    missingCount: r.missing_count,
  };
}

/** Every library folder, by path. */
export function listLibraryRoots(db: Database): LibraryRoot[] {
  return (db.prepare(`${rootSelect} ORDER BY r.path`).all() as RootRecord[]).map(toRoot);
}

export function readLibraryRoot(db: Database, id: number): LibraryRoot | null {
  const r = db.prepare(`${rootSelect} WHERE r.id = ?`).get(id) as RootRecord | undefined;
  return r ? toRoot(r) : null;
}

/** The library folders' paths only, by path. */
export function libraryRootPaths(db: Database): string[] {
  return db.prepare('SELECT path FROM roots ORDER BY path').pluck().all() as string[];
}

/**
 * Adds a library folder that takes over the folders in `absorbedIds` (folders inside it): their tracks move to the
 * new folder with their rows and history, their scan issues and rows go. One transaction; returns the new id (the
 * folder's id when another process added it meanwhile).
 */
export function insertLibraryRoot(db: Database, path: string, absorbedIds: readonly number[], now = Date.now()): number {
  return db.transaction(() => {
    const inserted = db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?) ON CONFLICT (path) DO NOTHING').run(path, now);
    // another process added the same folder since this one looked (a command and the app scanning it at once)
    const newId = inserted.changes === 1 ? Number(inserted.lastInsertRowid) : (db.prepare('SELECT id FROM roots WHERE path = ?').pluck().get(path) as number);
    for (const id of absorbedIds) {
      db.prepare('UPDATE tracks SET root_id = ? WHERE root_id = ?').run(newId, id);
      db.prepare('DELETE FROM scan_issues WHERE root_id = ?').run(id);
      db.prepare('DELETE FROM roots WHERE id = ?').run(id);
    }
    return newId;
  }).immediate();
}

/** What the tracks a condition selects take with them out of the library: their labels, and of those the person's own. */
function removalCounts(db: Database, where: string, ...params: unknown[]): { tracks: number; labels: number; yourLabels: number } {
  const tracks = db.prepare(`SELECT count(*) FROM tracks t WHERE ${where}`).pluck().get(...params) as number;
  const labels = db
    .prepare(`SELECT count(*) AS labels, count(*) FILTER (WHERE l.source <> 'tag') AS yours FROM track_labels l JOIN tracks t ON t.id = l.track_id WHERE ${where}`)
    .get(...params) as { labels: number; yours: number };
  return { tracks, labels: labels.labels, yourLabels: labels.yours };
}

/** What a library folder holds that goes with it: its tracks, their labels, and of those the person's own. */
export function libraryRootContents(db: Database, id: number): { tracks: number; labels: number; yourLabels: number } {
  return removalCounts(db, 't.root_id = ?', id);
}

/** The tracks whose files the scans found missing, with their labels. */
export function missingTrackContents(db: Database): { tracks: number; labels: number; yourLabels: number } {
  return removalCounts(db, "t.status = 'missing'");
}

/** Forgets the tracks whose files are missing: by cascade their predictions, embeddings and labels go too. */
export function deleteMissingTracks(db: Database): number {
  return db.prepare("DELETE FROM tracks WHERE status = 'missing'").run().changes;
}

/** Removes a library folder and, by cascade, its tracks with their predictions and labels; returns whether there was one. */
export function deleteLibraryRoot(db: Database, id: number): boolean {
  return db.prepare('DELETE FROM roots WHERE id = ?').run(id).changes > 0;
}
