import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from '../db/database.ts';
import {
  finishBatch,
  getBatchRecord,
  markFailed,
  markNotWritten,
  markWritten,
  runningBatchRecords,
  touchedPaths,
  writingRows,
} from '../db/tag-journal.ts';
import type { BatchRecord } from '../db/tag-journal.ts';
import { fingerprintFileOrNull } from '../scan/fingerprint.ts';
import { isProcessAlive, removeStaleTempFiles } from './atomic-replace.ts';
import { readGenreTag } from './genre-tag.ts';
import { sameGenres } from './merge-genres.ts';
import { batchRequest, tagOptionsOf } from './run-tag-batch.ts';

/** A running batch whose heartbeat is older than this is dead even if a process with its pid exists (pid reuse). */
const staleMs = 10 * 60_000;

/** Whether a batch marked running is really being run, by this process (`isActive`) or by another live one. */
function isRunning(b: BatchRecord, isActive: (id: number) => boolean, now: number): boolean {
  if (b.status !== 'running') return false;
  if (isActive(b.id)) return true;
  if (b.pid === null || b.pid === process.pid) return false;
  return isProcessAlive(b.pid) && now - (b.heartbeat_at ?? 0) < staleMs;
}

/**
 * Settles what a killed or crashed writer left behind. A row in 'writing' had its old values stored and its file
 * was about to be replaced: reading the file tells which side of the atomic rename the writer died on. If the file
 * holds the new genres the row becomes 'written' (and the library row follows the file), so undo covers it; if it
 * holds the old ones the row goes back to 'pending' (never written). Running batches whose writer is gone become
 * 'interrupted'. Batches run by this process (`isActive`) or by another live process are left alone.
 * Returns the ids of the batches it touched.
 */
export async function recoverTagBatches(db: Database, isActive: (batchId: number) => boolean, now = Date.now()): Promise<number[]> {
  const touched = new Set<number>();
  const batches = new Map<number, BatchRecord>();
  const batchOf = (id: number): BatchRecord => {
    let b = batches.get(id);
    if (!b) {
      b = getBatchRecord(db, id)!;
      batches.set(id, b);
    }
    return b;
  };
  for (const r of writingRows(db)) {
    const b = batchOf(r.batch_id);
    if (isRunning(b, isActive, now)) continue;
    touched.add(b.id);
    const oldGenres = JSON.parse(r.old_genres_json ?? '[]') as string[];
    const newGenres = JSON.parse(r.new_genres_json ?? '[]') as string[];
    try {
      const realPath = realpathSync(r.path);
      const bytes = readFileSync(realPath);
      const st = statSync(realPath);
      const tag = await readGenreTag(bytes, tagOptionsOf(batchRequest(db, b)));
      if (sameGenres(tag.genres, newGenres)) {
        markWritten(
          db,
          { id: r.id, batchId: b.id, trackId: r.track_id, restoreOf: r.restore_of },
          { newGenres, size: st.size, mtimeMs: Math.floor(st.mtimeMs), fingerprint: fingerprintFileOrNull(realPath, st.size) },
          now,
        );
      } else if (sameGenres(tag.genres, oldGenres)) {
        markNotWritten(db, r.id, now);
      } else {
        const held = tag.genres.length > 0 ? `"${tag.genres.join('; ')}"` : 'no genre';
        markFailed(db, r.id, 'interrupted', `Interrupted while this file was written; it now holds ${held}, neither the old nor the new genres`, now);
      }
    } catch (error) {
      markFailed(db, r.id, 'interrupted', `Interrupted while this file was written, and it cannot be read now: ${error instanceof Error ? error.message : String(error)}`, now);
    }
  }
  for (const b of runningBatchRecords(db)) {
    if (isRunning(b, isActive, now)) continue;
    finishBatch(db, b.id, 'interrupted', 'The writer stopped before the end of the batch (the app was closed or the process was killed)', now);
    touched.add(b.id);
    // The killed writer may have left a temporary file beside the file it was writing.
    const dirs = new Set<string>();
    for (const path of touchedPaths(db, b.id)) {
      dirs.add(dirname(path));
      try {
        dirs.add(dirname(realpathSync(path)));
      } catch {
        // gone
      }
    }
    for (const dir of dirs) removeStaleTempFiles(dir);
  }
  return [...touched];
}
