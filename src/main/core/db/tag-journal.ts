import type {
  GenreSource,
  TagBatchInfo,
  TagBatchStatus,
  TagErrorCode,
  TagFileResult,
  TagFileStatus,
  TagMode,
  TagPreviewAction,
} from '../../../shared/api/tags.ts';
import type { Database } from './database.ts';

/**
 * The SQL side of tag write-back (tables of migration 003): batches, their per-file rows, and the library row
 * update that goes with each write. Every state change is one short transaction.
 */

export interface BatchRecord {
  id: number;
  kind: 'write' | 'undo';
  undo_of: number | null;
  status: TagBatchStatus;
  mode: TagMode | null;
  source: GenreSource | null;
  request_json: string;
  description: string;
  unchanged_count: number;
  error: string | null;
  pid: number | null;
  heartbeat_at: number | null;
  created_at: number;
  finished_at: number | null;
}

interface CountsRecord {
  total: number;
  pending: number;
  written: number;
  unchanged: number;
  skipped: number;
  failed: number;
  undone: number;
}

interface RowRecord {
  id: number;
  seq: number;
  track_id: number | null;
  path: string;
  status: TagFileStatus;
  frame: string | null;
  old_genres_json: string | null;
  new_genres_json: string | null;
  error_code: TagErrorCode | null;
  error: string | null;
  undone_by: number | null;
}

/** A pending row with what the runner needs: the track's recorded size, mtime and fingerprint, and for undo the write it reverses. */
export interface PendingRow {
  id: number;
  seq: number;
  track_id: number | null;
  path: string;
  wanted_json: string | null;
  restore_of: number | null;
  track_size: number | null;
  track_mtime_ms: number | null;
  track_status: string | null;
  track_fingerprint: string | null;
  restore_snapshot_json: string | null;
  restore_genres_json: string | null;
  written_genres_json: string | null;
}

/** A row left in 'writing' by a writer that may have been killed: what recovery needs to settle it. */
export interface WritingRow {
  id: number;
  batch_id: number;
  track_id: number | null;
  path: string;
  restore_of: number | null;
  old_genres_json: string | null;
  new_genres_json: string | null;
}

/** What the journal stores of one planned track (core/tags' PlannedTrack). */
export interface PlannedRow {
  trackId: number;
  path: string;
  action: TagPreviewAction;
  wanted: string[] | null;
  oldGenres: string[];
  newGenres: string[];
  skipCode: TagErrorCode | null;
  reason: string | null;
}

const parse = <T>(json: string | null): T | null => (json === null ? null : (JSON.parse(json) as T));

export function createBatch(
  db: Database,
  b: { kind: 'write' | 'undo'; undoOf?: number | null; mode?: TagMode | null; source?: GenreSource | null; request: unknown; description: string },
  now = Date.now(),
): number {
  return Number(
    db
      .prepare(`INSERT INTO tag_batches (kind, undo_of, status, mode, source, request_json, description, pid, heartbeat_at, created_at)
        VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)`)
      .run(b.kind, b.undoOf ?? null, b.mode ?? null, b.source ?? null, JSON.stringify(b.request), b.description, process.pid, now, now)
      .lastInsertRowid,
  );
}

export function getBatchRecord(db: Database, id: number): BatchRecord | undefined {
  return db.prepare('SELECT * FROM tag_batches WHERE id = ?').get(id) as BatchRecord | undefined;
}

export function rowCount(db: Database, batchId: number): number {
  return db.prepare('SELECT count(*) FROM tag_writes WHERE batch_id = ?').pluck().get(batchId) as number;
}

/** Stores a write batch's plan: a pending row per file to write, a skipped row (with its reason) per file left out. */
export function insertPlannedRows(db: Database, batchId: number, plan: readonly PlannedRow[], description: string, now = Date.now()): void {
  const insert = db.prepare(`INSERT INTO tag_writes (batch_id, seq, track_id, path, status, wanted_json, old_genres_json,
    new_genres_json, error_code, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    let seq = 0;
    let unchanged = 0;
    for (const p of plan) {
      if (p.action === 'unchanged') {
        unchanged++;
        continue;
      }
      const skip = p.action === 'skip';
      insert.run(
        batchId,
        ++seq,
        p.trackId,
        p.path,
        skip ? 'skipped' : 'pending',
        p.wanted ? JSON.stringify(p.wanted) : null,
        JSON.stringify(p.oldGenres),
        JSON.stringify(p.newGenres),
        skip ? p.skipCode : null,
        skip ? p.reason : null,
        now,
      );
    }
    db.prepare('UPDATE tag_batches SET unchanged_count = ?, description = ? WHERE id = ?').run(unchanged, description, batchId);
  }).immediate();
}

/** Stores an undo batch's rows: one per file of the original batch that was written and is not undone yet. */
export function insertUndoRows(db: Database, undoBatchId: number, originalBatchId: number, now = Date.now()): number {
  return db
    .prepare(`INSERT INTO tag_writes (batch_id, seq, track_id, path, status, restore_of, old_genres_json, new_genres_json, updated_at)
      SELECT ?, row_number() OVER (ORDER BY seq), track_id, path, 'pending', id, new_genres_json, old_genres_json, ?
      FROM tag_writes WHERE batch_id = ? AND status = 'written' AND undone_by IS NULL ORDER BY seq`)
    .run(undoBatchId, now, originalBatchId).changes;
}

export function pendingRows(db: Database, batchId: number): PendingRow[] {
  return db
    .prepare(`SELECT w.id, w.seq, w.track_id, w.path, w.wanted_json, w.restore_of,
        t.size AS track_size, t.mtime_ms AS track_mtime_ms, t.status AS track_status,
        t.fingerprint AS track_fingerprint,
        o.old_snapshot_json AS restore_snapshot_json, o.old_genres_json AS restore_genres_json,
        o.new_genres_json AS written_genres_json
      FROM tag_writes w LEFT JOIN tracks t ON t.id = w.track_id LEFT JOIN tag_writes o ON o.id = w.restore_of
      WHERE w.batch_id = ? AND w.status = 'pending' ORDER BY w.seq`)
    .all(batchId) as PendingRow[];
}

export interface WritingInfo {
  frame: string;
  oldGenres: string[];
  /** The genre frames as the file held them (core/tags' GenreSnapshot), stored as JSON for an exact undo. */
  oldSnapshot: unknown;
  newGenres: string[];
  oldSize: number;
  oldMtimeMs: number;
}

/**
 * Records what the file holds right before it is replaced. Committed (the writer's connection runs with
 * synchronous=FULL) before the rename, so an undo always knows the old values, even after a crash.
 */
export function markWriting(db: Database, rowId: number, batchId: number, w: WritingInfo, now = Date.now()): void {
  db.transaction(() => {
    db.prepare(`UPDATE tag_writes SET status = 'writing', frame = ?, old_genres_json = ?, old_snapshot_json = ?,
      new_genres_json = ?, old_size = ?, old_mtime_ms = ?, updated_at = ? WHERE id = ?`).run(
      w.frame,
      JSON.stringify(w.oldGenres),
      JSON.stringify(w.oldSnapshot),
      JSON.stringify(w.newGenres),
      w.oldSize,
      w.oldMtimeMs,
      now,
      rowId,
    );
    db.prepare('UPDATE tag_batches SET heartbeat_at = ? WHERE id = ?').run(now, batchId);
  }).immediate();
}

/**
 * The file now holds the new genres: the row is settled, the library row follows the file (genres, size, mtime,
 * the fingerprint the scanner uses to recognise moves, kept as it was when null; content_version stays, the audio
 * did not change), and for an undo the reversed write is marked undone. One transaction.
 */
export function markWritten(
  db: Database,
  row: { id: number; batchId: number; trackId: number | null; restoreOf: number | null },
  after: { newGenres: string[]; size: number; mtimeMs: number; fingerprint: string | null },
  now = Date.now(),
): void {
  db.transaction(() => {
    db.prepare(`UPDATE tag_writes SET status = 'written', new_genres_json = ?, new_size = ?, new_mtime_ms = ?,
      error_code = NULL, error = NULL, updated_at = ? WHERE id = ?`).run(JSON.stringify(after.newGenres), after.size, after.mtimeMs, now, row.id);
    if (row.trackId !== null) {
      db.prepare(`UPDATE tracks SET genre = ?, genres_json = ?, size = ?, mtime_ms = ?, fingerprint = coalesce(?, fingerprint),
        updated_at = ? WHERE id = ?`).run(
        after.newGenres.length > 0 ? after.newGenres.join('; ') : null,
        JSON.stringify(after.newGenres),
        after.size,
        after.mtimeMs,
        after.fingerprint,
        now,
        row.trackId,
      );
    }
    if (row.restoreOf !== null) db.prepare('UPDATE tag_writes SET undone_by = ? WHERE id = ?').run(row.batchId, row.restoreOf);
    db.prepare('UPDATE tag_batches SET heartbeat_at = ? WHERE id = ?').run(now, row.batchId);
  }).immediate();
}

/** The file already held what was asked (for an undo: it is back to its old genres already). */
export function markUnchanged(
  db: Database,
  row: { id: number; batchId: number; restoreOf: number | null },
  w: { frame: string; oldGenres: string[] },
  now = Date.now(),
): void {
  db.transaction(() => {
    db.prepare(`UPDATE tag_writes SET status = 'unchanged', frame = ?, old_genres_json = ?, new_genres_json = ?,
      updated_at = ? WHERE id = ?`).run(w.frame, JSON.stringify(w.oldGenres), JSON.stringify(w.oldGenres), now, row.id);
    if (row.restoreOf !== null) db.prepare('UPDATE tag_writes SET undone_by = ? WHERE id = ?').run(row.batchId, row.restoreOf);
  }).immediate();
}

export function markFailed(db: Database, rowId: number, code: TagErrorCode, message: string, now = Date.now()): void {
  db.prepare(`UPDATE tag_writes SET status = 'failed', error_code = ?, error = ?, updated_at = ? WHERE id = ?`).run(code, message, now, rowId);
}

/** A row left in 'writing' by a killed writer whose file turned out to hold the old genres: it was never replaced. */
export function markNotWritten(db: Database, rowId: number, now = Date.now()): void {
  db.prepare(`UPDATE tag_writes SET status = 'pending', error_code = 'interrupted',
    error = 'Interrupted before this file was replaced; it was not changed', updated_at = ? WHERE id = ?`).run(now, rowId);
}

export function heartbeat(db: Database, batchId: number, now = Date.now()): void {
  db.prepare('UPDATE tag_batches SET heartbeat_at = ? WHERE id = ?').run(now, batchId);
}

/** Rows of every batch left in 'writing', by batch and file order. */
export function writingRows(db: Database): WritingRow[] {
  return db
    .prepare(`SELECT id, batch_id, track_id, path, restore_of, old_genres_json, new_genres_json FROM tag_writes
      WHERE status = 'writing' ORDER BY batch_id, seq`)
    .all() as WritingRow[];
}

export function runningBatchRecords(db: Database): BatchRecord[] {
  return db.prepare(`SELECT * FROM tag_batches WHERE status = 'running'`).all() as BatchRecord[];
}

/** The paths of a batch's files that it wrote or may have been writing (rows pending, writing or written). */
export function touchedPaths(db: Database, batchId: number): string[] {
  return db.prepare(`SELECT path FROM tag_writes WHERE batch_id = ? AND status IN ('pending', 'writing', 'written')`).pluck().all(batchId) as string[];
}

export function finishBatch(db: Database, batchId: number, status: TagBatchStatus, error: string | null = null, now = Date.now()): void {
  db.prepare('UPDATE tag_batches SET status = ?, error = ?, finished_at = ? WHERE id = ?').run(status, error, now, batchId);
}

const countsSql = `SELECT count(*) AS total,
    coalesce(sum(status IN ('pending', 'writing')), 0) AS pending,
    coalesce(sum(status = 'written'), 0) AS written,
    coalesce(sum(status = 'unchanged'), 0) AS unchanged,
    coalesce(sum(status = 'skipped'), 0) AS skipped,
    coalesce(sum(status = 'failed'), 0) AS failed,
    coalesce(sum(status = 'written' AND undone_by IS NOT NULL), 0) AS undone
  FROM tag_writes WHERE batch_id = ?`;

export function toBatchInfo(db: Database, b: BatchRecord): TagBatchInfo {
  const c = db.prepare(countsSql).get(b.id) as CountsRecord;
  return {
    id: b.id,
    kind: b.kind,
    undoOf: b.undo_of,
    status: b.status,
    mode: b.mode,
    source: b.source,
    description: b.description,
    createdAt: b.created_at,
    finishedAt: b.finished_at,
    counts: {
      planned: c.total - c.skipped,
      pending: c.pending,
      written: c.written,
      unchanged: c.unchanged + b.unchanged_count,
      skipped: c.skipped,
      failed: c.failed,
      undone: c.undone,
    },
    error: b.error,
    canUndo: b.status !== 'running' && c.written > c.undone,
  };
}

export function batchInfo(db: Database, id: number): TagBatchInfo | null {
  const b = getBatchRecord(db, id);
  return b ? toBatchInfo(db, b) : null;
}

export function listBatches(db: Database, offset: number, limit: number): { total: number; batches: TagBatchInfo[] } {
  const total = db.prepare('SELECT count(*) FROM tag_batches').pluck().get() as number;
  const records = db.prepare('SELECT * FROM tag_batches ORDER BY id DESC LIMIT ? OFFSET ?').all(limit, offset) as BatchRecord[];
  return { total, batches: records.map((b) => toBatchInfo(db, b)) };
}

function toResult(r: RowRecord): TagFileResult {
  return {
    seq: r.seq,
    trackId: r.track_id,
    path: r.path,
    status: r.status,
    frame: r.frame,
    oldGenres: parse<string[]>(r.old_genres_json),
    newGenres: parse<string[]>(r.new_genres_json),
    errorCode: r.error_code,
    error: r.error,
    undoneBy: r.undone_by,
  };
}

const rowColumns = 'seq, track_id, path, status, frame, old_genres_json, new_genres_json, error_code, error, undone_by';

export function batchRows(
  db: Database,
  batchId: number,
  offset: number,
  limit: number,
  statuses?: readonly TagFileStatus[],
): { total: number; rows: TagFileResult[] } {
  const filter = statuses && statuses.length > 0 ? 'AND status IN (SELECT value FROM json_each(?))' : '';
  const params: unknown[] = statuses && statuses.length > 0 ? [batchId, JSON.stringify(statuses)] : [batchId];
  const total = db.prepare(`SELECT count(*) FROM tag_writes WHERE batch_id = ? ${filter}`).pluck().get(...params) as number;
  const rows = db
    .prepare(`SELECT ${rowColumns} FROM tag_writes WHERE batch_id = ? ${filter} ORDER BY seq LIMIT ? OFFSET ?`)
    .all(...params, limit, offset) as RowRecord[];
  return { total, rows: rows.map(toResult) };
}

/**
 * Rows settled after `afterSeq` and before the first row still to do, in order: what a progress listener has
 * not reported yet. Skipped rows further down wait their turn, so results arrive in file order.
 */
export function settledRowsAfter(db: Database, batchId: number, afterSeq: number, limit = 500): TagFileResult[] {
  const rows = db
    .prepare(`SELECT ${rowColumns} FROM tag_writes WHERE batch_id = ? AND seq > ?
      AND seq < coalesce((SELECT min(seq) FROM tag_writes WHERE batch_id = ? AND status IN ('pending', 'writing')), 9e15)
      ORDER BY seq LIMIT ?`)
    .all(batchId, afterSeq, batchId, limit) as RowRecord[];
  return rows.map(toResult);
}
