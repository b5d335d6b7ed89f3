import { closeSync, openSync, readSync } from 'node:fs';
import type {
  ParsedTagRequest,
  TagBatchInfo,
  TagBatchPage,
  TagFileStatus,
  TagPreview,
  TagPreviewAction,
  TagPreviewRow,
} from '../../shared/api/tags.ts';
import { ApiError } from '../../shared/errors.ts';
import { changeStamp } from '../core/db/change-stamp.ts';
import { batchInfo, batchRows, createBatch, getBatchRecord, listBatches, settledRowsAfter, toBatchInfo } from '../core/db/tag-journal.ts';
import { genreFrameName } from '../core/tags/genre-tag.ts';
import { id3v2MajorVersion } from '../core/tags/id3v23.ts';
import { describeRequest, planTagBatch } from '../core/tags/plan-tag-batch.ts';
import type { PlannedTrack, TagPlan } from '../core/tags/plan-tag-batch.ts';
import { recoverTagBatches } from '../core/tags/recover-tag-batches.ts';
import type { TagWritePayload } from '../workers/tag-write.worker.ts';
import type { AppContext } from './app-context.ts';
import type { HandlerSet } from './handler-set.ts';

const lastPlan = new WeakMap<AppContext, { key: string; plan: TagPlan }>();

/** Batches whose job runs in this process (any context): recovery must not take them for dead. */
const activeBatchIds = new Set<number>();

/** Settles batches left by a killed or crashed writer (see recoverTagBatches). Cheap when there are none. */
export async function recoverInterruptedBatches(ctx: AppContext): Promise<number[]> {
  return recoverTagBatches(ctx.db, (id) => activeBatchIds.has(id));
}

/** The ID3v2 version of an MP3, from its first 10 bytes; null when it has none or cannot be read. */
function peekId3Version(path: string): number | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(10);
    readSync(fd, head, 0, 10, 0);
    return id3v2MajorVersion(head);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

function toPreviewRow(p: PlannedTrack): TagPreviewRow {
  const frame = p.action === 'skip' ? null : genreFrameName(p.format ?? '', p.format === 'mp3' ? peekId3Version(p.path) : null);
  return {
    trackId: p.trackId,
    path: p.path,
    format: p.format,
    frame,
    oldGenres: p.oldGenres,
    newGenres: p.newGenres,
    action: p.action,
    reason: p.reason,
    source: p.source,
    confidence: p.confidence,
    linkTarget: p.linkTarget,
  };
}

/**
 * What a write would do, from the library's view of each file; nothing is touched. Counts cover the whole
 * selection, rows one page (the tag frame is looked up for the page only: MP3s are peeked for their ID3 version).
 */
export function previewTags(ctx: AppContext, request: ParsedTagRequest, offset: number, limit: number): TagPreview {
  // Paging through a preview plans once: the plan is kept until the request or the database changes.
  const key = `${changeStamp(ctx.db)}|${JSON.stringify(request)}`;
  let cached = lastPlan.get(ctx);
  if (!cached || cached.key !== key) {
    cached = { key, plan: planTagBatch(ctx.db, request) };
    lastPlan.set(ctx, cached);
  }
  const plan = cached.plan.tracks;
  const counts: Record<TagPreviewAction, number> = { write: 0, unchanged: 0, skip: 0 };
  for (const p of plan) counts[p.action]++;
  return { total: plan.length, counts, belowConfidence: cached.plan.belowConfidence, unpredicted: cached.plan.unpredicted, offset, rows: plan.slice(offset, offset + limit).map(toPreviewRow) };
}

function ensureNoTagJob(ctx: AppContext): void {
  const running = [...ctx.jobs.running('tag-write'), ...ctx.jobs.running('tag-undo')];
  if (running.length > 0) throw new ApiError('conflict', 'Genres are being written already; wait for that job or cancel it first.');
  // A scan reading a file while it is replaced could record the old size and take the file for changed.
  if (ctx.jobs.running('scan').length > 0) throw new ApiError('conflict', 'A scan is running; wait for it to finish before writing genres.');
}

/**
 * Runs a batch's job and relays its files' outcomes as `tags.results` events, in file order, as they settle.
 * When the job ends (done, cancelled, failed or its worker killed), whatever it left half-way is settled.
 */
function startBatchJob(ctx: AppContext, batchId: number, kind: 'tag-write' | 'tag-undo'): { jobId: string; batchId: number } {
  activeBatchIds.add(batchId);
  let jobId: string;
  try {
    const payload: TagWritePayload = { batchId };
    jobId = ctx.jobs.start({ kind, worker: 'tag-write', payload }).id;
  } catch (error) {
    activeBatchIds.delete(batchId);
    throw error;
  }
  let cursor = 0;
  const relay = (all: boolean): void => {
    if (!ctx.db.open) return;
    for (;;) {
      // Rows are numbered 1..n, so "after seq k" is offset k.
      const results = all
        ? batchRows(ctx.db, batchId, cursor, 500).rows
        : settledRowsAfter(ctx.db, batchId, cursor, 500);
      if (results.length === 0) return;
      cursor = results[results.length - 1].seq;
      ctx.events.emit('tags.results', { jobId, batchId, results });
      if (results.length < 500) return;
    }
  };
  const off = ctx.events.on('job.progress', (info) => {
    if (info.id === jobId) relay(false);
  });
  void ctx.jobs.wait(jobId).then(async () => {
    off();
    activeBatchIds.delete(batchId);
    try {
      if (!ctx.db.open) return;
      await recoverInterruptedBatches(ctx);
      relay(true);
      ctx.events.emit('library.changed', { reason: 'tags' });
    } catch (error) {
      if (ctx.db.open) console.error('[genre-tagger] settling tag batch', batchId, 'failed:', error);
    }
  });
  return { jobId, batchId };
}

/** Starts writing genres into the selected files; returns at once with the job and the batch to follow. */
export async function applyTags(ctx: AppContext, request: ParsedTagRequest): Promise<{ jobId: string; batchId: number }> {
  await recoverInterruptedBatches(ctx);
  ensureNoTagJob(ctx);
  const batchId = createBatch(ctx.db, {
    kind: 'write',
    mode: request.mode,
    source: request.source,
    request,
    description: describeRequest(request, null),
  });
  return startBatchJob(ctx, batchId, 'tag-write');
}

/** Starts undoing a batch: every file it wrote that still holds what it wrote gets its old genre field back. */
export async function undoTagBatch(ctx: AppContext, batchId: number): Promise<{ jobId: string; batchId: number }> {
  await recoverInterruptedBatches(ctx);
  const b = getBatchRecord(ctx.db, batchId);
  if (!b) throw new ApiError('not_found', `No tag batch ${batchId}`);
  const info = toBatchInfo(ctx.db, b);
  if (b.status === 'running') throw new ApiError('conflict', `Batch ${batchId} is still running; cancel it or wait before undoing it.`);
  if (!info.canUndo) {
    throw new ApiError(
      'conflict',
      info.counts.written === 0 ? `Batch ${batchId} changed no file; there is nothing to undo.` : `Batch ${batchId} is undone already.`,
    );
  }
  ensureNoTagJob(ctx);
  const undoId = createBatch(ctx.db, {
    kind: 'undo',
    undoOf: batchId,
    request: { undo: batchId },
    description: `Undo batch ${batchId}: ${b.description}`,
  });
  return startBatchJob(ctx, undoId, 'tag-undo');
}

export async function tagHistory(ctx: AppContext, offset: number, limit: number): Promise<{ total: number; batches: TagBatchInfo[] }> {
  await recoverInterruptedBatches(ctx);
  return listBatches(ctx.db, offset, limit);
}

export async function tagBatchPage(
  ctx: AppContext,
  id: number,
  offset: number,
  limit: number,
  status?: TagFileStatus[],
): Promise<TagBatchPage> {
  await recoverInterruptedBatches(ctx);
  const batch = batchInfo(ctx.db, id);
  if (!batch) throw new ApiError('not_found', `No tag batch ${id}`);
  const page = batchRows(ctx.db, id, offset, limit, status);
  return { batch, total: page.total, offset, rows: page.rows };
}

export function taggingHandlers(ctx: AppContext): HandlerSet<'tags.'> {
  return {
    'tags.preview': ({ request, offset, limit }) => previewTags(ctx, request, offset, limit),
    'tags.apply': ({ request }) => applyTags(ctx, request),
    'tags.history': ({ offset, limit }) => tagHistory(ctx, offset, limit),
    'tags.batch': ({ id, offset, limit, status }) => tagBatchPage(ctx, id, offset, limit, status),
    'tags.undo': ({ batchId }) => undoTagBatch(ctx, batchId),
  };
}
