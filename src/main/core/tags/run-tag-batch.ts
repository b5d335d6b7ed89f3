import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { tagRequestSchema } from '../../../shared/api/tags.ts';
import type { ParsedTagRequest, TagBatchInfo, TagMode } from '../../../shared/api/tags.ts';
import type { Database } from '../db/database.ts';
import {
  batchInfo,
  finishBatch,
  getBatchRecord,
  heartbeat,
  insertPlannedRows,
  insertUndoRows,
  markFailed,
  markUnchanged,
  markWriting,
  markWritten,
  pendingRows,
  rowCount,
} from '../db/tag-journal.ts';
import type { BatchRecord, PendingRow } from '../db/tag-journal.ts';
import { fingerprintFileOrNull } from '../scan/fingerprint.ts';
import { removeStaleTempFiles } from './atomic-replace.ts';
import { isInsideRoots, libraryRoots } from './library-write-target.ts';
import type { LibraryRoot } from './library-write-target.ts';
import type { GenreSnapshot, GenreTag, GenreTagOptions } from './genre-tag.ts';
import { mergeGenres, sameGenres } from './merge-genres.ts';
import { describeRequest, planTagBatch } from './plan-tag-batch.ts';
import { TagWriteError } from './tag-write-error.ts';
import { writeFileGenres } from './write-file-genres.ts';
import type { GenreDecision } from './write-file-genres.ts';

export interface RunTagBatchOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, current: string | null, message: string) => void;
}

const heartbeatMs = 30_000;

/** The request a batch was started with; an undo batch uses the one of the batch it reverses (for the v2.3 separator). */
export function batchRequest(db: Database, batch: BatchRecord): ParsedTagRequest | null {
  let b: BatchRecord | undefined = batch;
  for (let hops = 0; b && b.kind === 'undo' && hops < 1000; hops++) b = b.undo_of === null ? undefined : getBatchRecord(db, b.undo_of);
  if (!b) return null;
  const parsed = tagRequestSchema.safeParse(JSON.parse(b.request_json));
  return parsed.success ? parsed.data : null;
}

export function tagOptionsOf(request: ParsedTagRequest | null): GenreTagOptions {
  return { id3v23Separator: request?.id3v23Separator ?? '; ' };
}

function parseList(json: string | null): string[] {
  return json === null ? [] : (JSON.parse(json) as string[]);
}

function decideWrite(wanted: string[], mode: TagMode): (tag: GenreTag) => GenreDecision | null {
  return (tag) => {
    const next = mergeGenres(tag.genres, wanted, mode);
    return sameGenres(next, tag.genres) ? null : { target: { genres: next }, expect: next };
  };
}

/** Undo puts back the exact old genre field, but only where the file still holds what the batch wrote. */
function decideUndo(row: PendingRow): (tag: GenreTag) => GenreDecision | null {
  const old = parseList(row.restore_genres_json);
  const written = parseList(row.written_genres_json);
  const snapshot = row.restore_snapshot_json === null ? null : (JSON.parse(row.restore_snapshot_json) as GenreSnapshot);
  return (tag) => {
    if (!snapshot) throw new TagWriteError('conflict', 'There is no record of what this file held before; it cannot be undone');
    if (sameGenres(tag.genres, old)) return null;
    if (!sameGenres(tag.genres, written)) {
      const now = tag.genres.length > 0 ? `"${tag.genres.join('; ')}"` : 'no genre';
      throw new TagWriteError('conflict', `The genre was changed after the write (it is now ${now}); left as it is`);
    }
    return { target: { snapshot }, expect: null };
  };
}

function isDatabaseError(error: unknown): boolean {
  return error instanceof Error && error.name === 'SqliteError';
}

async function processRow(
  db: Database,
  batch: BatchRecord,
  row: PendingRow,
  context: { options: GenreTagOptions; mode: TagMode | null; roots: readonly LibraryRoot[] },
): Promise<void> {
  const { options, mode, roots } = context;
  let outcome;
  try {
    if (row.track_id === null || row.track_status === null) throw new TagWriteError('missing', 'The track is no longer in the library');
    if (row.track_status === 'missing') throw new TagWriteError('missing', 'The file was missing at the last scan');
    if (row.track_status === 'error') throw new TagWriteError('unreadable', 'The file could not be read at the last scan');
    const decide = batch.kind === 'write' ? decideWrite(parseList(row.wanted_json), mode ?? 'replace') : decideUndo(row);
    outcome = await writeFileGenres({
      path: row.path,
      expected: { size: row.track_size!, mtimeMs: row.track_mtime_ms!, fingerprint: row.track_fingerprint },
      roots,
      options,
      decide,
      beforeReplace: ({ tag, newGenres }) =>
        markWriting(db, row.id, batch.id, {
          frame: tag.frame,
          oldGenres: tag.genres,
          oldSnapshot: tag.snapshot,
          newGenres,
          oldSize: row.track_size!,
          oldMtimeMs: row.track_mtime_ms!,
        }),
    });
  } catch (error) {
    if (isDatabaseError(error)) throw error;
    const e = error instanceof TagWriteError ? error : new TagWriteError('io', error instanceof Error ? error.message : String(error));
    markFailed(db, row.id, e.code, e.message);
    return;
  }
  // Outside the catch: once the file is replaced, a failure to record it must not mark it failed. The row stays
  // 'writing' and recovery settles it from the file.
  if (outcome.status === 'unchanged') {
    markUnchanged(db, { id: row.id, batchId: batch.id, restoreOf: row.restore_of }, { frame: outcome.frame, oldGenres: outcome.oldGenres });
  } else {
    markWritten(
      db,
      { id: row.id, batchId: batch.id, trackId: row.track_id, restoreOf: row.restore_of },
      { newGenres: outcome.newGenres, size: outcome.size, mtimeMs: outcome.mtimeMs, fingerprint: fingerprintFileOrNull(outcome.realPath, outcome.size) },
    );
  }
}

/** The folders whose temporary files the batch may clean up: its files' folders, inside the library only. */
function foldersOf(rows: readonly PendingRow[], roots: readonly LibraryRoot[]): Set<string> {
  const dirs = new Set<string>();
  const add = (dir: string): void => {
    try {
      const real = realpathSync.native(dir);
      if (isInsideRoots(real, roots)) dirs.add(real);
    } catch {
      // a folder that is gone has nothing to clean up
    }
  };
  for (const r of rows) {
    add(dirname(r.path));
    try {
      add(dirname(realpathSync.native(r.path)));
    } catch {
      // missing files are reported when their turn comes
    }
  }
  return dirs;
}

/**
 * Runs a tag batch created by the tagging service: plans it (a write batch from its request, an undo batch from
 * the written rows of the batch it reverses), removes temporary files left by killed writers in the folders it
 * touches, then writes file after file. One file's failure is recorded on its row and the batch goes on; a cancel
 * stops between two files. Run it on a connection with synchronous=FULL, so each journal entry is durable before
 * its file is replaced.
 */
export async function runTagBatch(db: Database, batchId: number, options: RunTagBatchOptions = {}): Promise<TagBatchInfo> {
  const batch = getBatchRecord(db, batchId);
  if (!batch) throw new Error(`No tag batch ${batchId}`);
  const request = batchRequest(db, batch);
  if (batch.kind === 'write' && !request) throw new Error(`Tag batch ${batchId} has no valid request`);
  if (rowCount(db, batchId) === 0) {
    if (batch.kind === 'write') {
      const plan = planTagBatch(db, request!).tracks;
      insertPlannedRows(db, batchId, plan, describeRequest(request!, plan.filter((p) => p.action === 'write').length));
    } else if (batch.undo_of !== null) {
      insertUndoRows(db, batchId, batch.undo_of);
    }
  }
  const rows = pendingRows(db, batchId);
  const roots = libraryRoots(db);
  for (const dir of foldersOf(rows, roots)) removeStaleTempFiles(dir);

  const report = options.onProgress ?? (() => {});
  const message = batch.kind === 'write' ? 'Writing genres' : `Undoing batch ${batch.undo_of}`;
  const tagOptions = tagOptionsOf(request);
  const beat = setInterval(() => heartbeat(db, batchId), heartbeatMs);
  beat.unref();
  let done = 0;
  try {
    for (const row of rows) {
      // Let the event loop run between files: a cancel arrives as a message, which pure-CPU awaits never let in.
      await new Promise((resolve) => setImmediate(resolve));
      if (options.signal?.aborted) break;
      report(done, rows.length, row.path, message);
      await processRow(db, batch, row, { options: tagOptions, mode: batch.mode, roots });
      done++;
    }
    report(done, rows.length, null, message);
    finishBatch(db, batchId, options.signal?.aborted ? 'cancelled' : 'done');
  } catch (error) {
    try {
      finishBatch(db, batchId, 'failed', error instanceof Error ? error.message : String(error));
    } catch {
      // the database itself failed; recovery marks the batch on the next run
    }
    throw error;
  } finally {
    clearInterval(beat);
  }
  return batchInfo(db, batchId)!;
}
