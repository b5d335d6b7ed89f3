import type { Database } from './database.ts';

export interface AddedTrack {
  id: number;
  size: number;
  fingerprint: string;
}

/** Columns a moved track takes from the row the scan created for its new path; id and history stay. */
const movedColumns = [
  'root_id', 'path', 'dir', 'filename', 'size', 'mtime_ms', 'fingerprint', 'status', 'error', 'format', 'codec',
  'duration_s', 'sample_rate', 'channels', 'bitrate', 'title', 'artist', 'album', 'album_artist', 'genre',
  'genres_json', 'year', 'track_no', 'updated_at', 'scanned_at',
];

/**
 * After a scan has marked vanished files missing, a new file with the same size and content fingerprint as a
 * missing track is that track, moved or renamed (in any library folder, also one that went missing in an
 * earlier scan): the old row takes the new path and the row just created for it is dropped, so predictions,
 * labels and tag history follow the file. Returns how many moves were found and how many of them vanished in
 * this same scan (`vanishedNow`, so the caller can correct its missing count).
 */
export function reconcileMoves(db: Database, added: AddedTrack[], vanishedNow: Set<number>): { moved: number; vanishedNow: number } {
  if (added.length === 0) return { moved: 0, vanishedNow: 0 };
  const findMissing = db.prepare(
    `SELECT id FROM tracks WHERE status = 'missing' AND size = ? AND fingerprint = ? ORDER BY missing_since DESC, id LIMIT 1`,
  );
  const readNew = db.prepare(`SELECT ${movedColumns.join(', ')} FROM tracks WHERE id = ?`);
  const drop = db.prepare('DELETE FROM tracks WHERE id = ?');
  const takeOver = db.prepare(
    `UPDATE tracks SET ${movedColumns.map((c) => `${c} = @${c}`).join(', ')}, missing_since = NULL WHERE id = @id`,
  );
  let moved = 0;
  let fromThisScan = 0;
  db.transaction(() => {
    for (const a of added) {
      const old = findMissing.get(a.size, a.fingerprint) as { id: number } | undefined;
      if (!old) continue;
      const fresh = readNew.get(a.id) as Record<string, unknown> | undefined;
      if (!fresh) continue;
      drop.run(a.id);
      takeOver.run({ ...fresh, id: old.id });
      moved++;
      if (vanishedNow.has(old.id)) fromThisScan++;
    }
  }).immediate();
  return { moved, vanishedNow: fromThisScan };
}
