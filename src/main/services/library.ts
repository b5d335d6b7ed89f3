import { statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { FolderNode, LibraryRoot, ScanIssue, TrackDetail } from '../../shared/api/library.ts';
import { ApiError } from '../../shared/errors.ts';
import { locateFfmpeg } from '../core/audio/locate-ffmpeg.ts';
import { toTrackDetail, trackDetailColumns } from '../core/db/track-rows.ts';
import type { TrackDetailRecord } from '../core/db/track-rows.ts';
import { realPathOrSelf } from '../core/scan/walk.ts';
import type { ScanPayload } from '../workers/scan.worker.ts';
import type { AppContext } from './app-context.ts';
import type { HandlerSet } from './handler-set.ts';
import { startClassification } from './predictions.ts';

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

export function listRoots(ctx: AppContext): LibraryRoot[] {
  return (ctx.db.prepare(`${rootSelect} ORDER BY r.path`).all() as RootRecord[]).map(toRoot);
}

function getRoot(ctx: AppContext, id: number): LibraryRoot {
  const r = ctx.db.prepare(`${rootSelect} WHERE r.id = ?`).get(id) as RootRecord | undefined;
  if (!r) throw new ApiError('not_found', `No library folder with id ${id}`);
  return toRoot(r);
}

function isInside(child: string, parent: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/**
 * Adds a folder to the library. Adding a folder that is already inside a library folder returns that one; adding
 * a parent of existing library folders absorbs them (their tracks keep their rows and history).
 */
export function addRoot(ctx: AppContext, rawPath: string): LibraryRoot {
  const path = realPathOrSelf(resolve(rawPath.trim()));
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new ApiError('invalid_input', `Folder not found: ${path}`);
  }
  if (!isDir) throw new ApiError('invalid_input', `Not a folder: ${path}`);
  const roots = listRoots(ctx);
  const container = roots.find((r) => isInside(path, r.path));
  if (container) return container;
  const id = ctx.db.transaction(() => {
    const newId = Number(ctx.db.prepare('INSERT INTO roots (path, added_at) VALUES (?, ?)').run(path, Date.now()).lastInsertRowid);
    for (const child of roots.filter((r) => isInside(r.path, path))) {
      ctx.db.prepare('UPDATE tracks SET root_id = ? WHERE root_id = ?').run(newId, child.id);
      ctx.db.prepare('DELETE FROM scan_issues WHERE root_id = ?').run(child.id);
      ctx.db.prepare('DELETE FROM roots WHERE id = ?').run(child.id);
    }
    return newId;
  })();
  ctx.events.emit('library.changed', { reason: 'roots' });
  return getRoot(ctx, id);
}

export function removeRoot(ctx: AppContext, id: number): { removed: boolean } {
  if (ctx.jobs.running('scan').length > 0) {
    throw new ApiError('conflict', 'A scan is running; cancel it or wait before removing a library folder.');
  }
  const removed = ctx.db.prepare('DELETE FROM roots WHERE id = ?').run(id).changes > 0;
  if (removed) ctx.events.emit('library.changed', { reason: 'roots' });
  return { removed };
}

/**
 * Starts a scan of the given roots (all when omitted); a scan already running is returned instead of a second.
 * Unless `classify` is false, a scan that finishes starts the classification of what it found (new and changed
 * tracks; the job's `followUp`), when a model and ffmpeg are there to do it.
 */
export function startScan(ctx: AppContext, rootIds?: number[], options: { classify?: boolean } = {}): { jobId: string } {
  const running = ctx.jobs.running('scan');
  if (running.length > 0) return { jobId: running[0].id };
  const ids = rootIds ?? listRoots(ctx).map((r) => r.id);
  for (const id of ids) getRoot(ctx, id);
  const payload: ScanPayload = { rootIds: ids };
  const job = ctx.jobs.start({
    kind: 'scan',
    worker: 'scan',
    payload,
    then: (result) => {
      if (options.classify === false || result.cancelled || !locateFfmpeg()) return null;
      return startClassification(ctx, { rootIds: ids });
    },
  });
  return { jobId: job.id };
}

export function trackDetail(ctx: AppContext, id: number): TrackDetail {
  const r = ctx.db.prepare(`SELECT ${trackDetailColumns} FROM tracks WHERE id = ?`).get(id) as
    | TrackDetailRecord
    | undefined;
  if (!r) throw new ApiError('not_found', `No track with id ${id}`);
  return toTrackDetail(r);
}

/** Library roots (no parent) or the folders directly below `parent`, with the number of tracks inside each. */
export function folders(ctx: AppContext, parent?: string): FolderNode[] {
  if (!parent) return listRoots(ctx).map((r) => ({ path: r.path, trackCount: r.trackCount + r.errorCount }));
  const base = parent.replace(/[\\/]+$/, '');
  const rows = ctx.db
    .prepare(`SELECT dir, count(*) AS n FROM tracks WHERE path >= ? AND path < ? GROUP BY dir`)
    .all(`${base}/`, `${base}0`) as { dir: string; n: number }[];
  const children = new Map<string, number>();
  for (const { dir, n } of rows) {
    if (dir === base || !dir.startsWith(`${base}/`)) continue;
    const child = `${base}/${dir.slice(base.length + 1).split('/')[0]}`;
    children.set(child, (children.get(child) ?? 0) + n);
  }
  return [...children].map(([path, trackCount]) => ({ path, trackCount })).sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * The files and folders the last scans skipped (of some library folders, or all), by path: the first `limit` (null:
 * every one), and how many there are.
 */
export function scanIssues(ctx: AppContext, limit: number | null = 500, rootIds?: number[]): { total: number; issues: ScanIssue[] } {
  const where = rootIds ? 'WHERE root_id IN (SELECT value FROM json_each(?))' : '';
  const args = rootIds ? [JSON.stringify(rootIds)] : [];
  const total = (ctx.db.prepare(`SELECT count(*) AS n FROM scan_issues ${where}`).get(...args) as { n: number }).n;
  const issues = ctx.db
    .prepare(`SELECT path, error, seen_at AS seenAt FROM scan_issues ${where} ORDER BY path LIMIT ?`)
    .all(...args, limit ?? -1) as ScanIssue[];
  return { total, issues };
}

export function libraryHandlers(ctx: AppContext): HandlerSet<'library.'> {
  return {
    'library.roots': () => listRoots(ctx),
    'library.addRoot': ({ path }) => addRoot(ctx, path),
    'library.removeRoot': ({ id }) => removeRoot(ctx, id),
    'library.scan': ({ rootIds, classify }) => startScan(ctx, rootIds, { classify }),
    'library.query': (q) => ctx.trackQueries.page(q),
    'library.track': ({ id }) => trackDetail(ctx, id),
    'library.folders': ({ parent }) => folders(ctx, parent),
    'library.scanIssues': ({ limit }) => scanIssues(ctx, limit),
  };
}
