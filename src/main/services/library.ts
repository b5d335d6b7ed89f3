import { statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { listedTrackCount } from '../../shared/api/library.ts';
import type { FolderNode, LibraryRemoval, LibraryRoot, RemoveRootResult, ScanIssue, TrackDetail } from '../../shared/api/library.ts';
import { ApiError } from '../../shared/errors.ts';
import { locateFfmpeg } from '../core/audio/locate-ffmpeg.ts';
import {
  deleteLibraryRoot, deleteMissingTracks, insertLibraryRoot, libraryRootContents, listLibraryRoots, missingTrackContents, readLibraryRoot,
} from '../core/db/library-roots.ts';
import { readScanIssues } from '../core/db/scan-issues.ts';
import { trackCountsByDir } from '../core/db/track-folders.ts';
import { readTrackDetail } from '../core/db/track-rows.ts';
import { realPathOrSelf } from '../core/scan/walk.ts';
import type { ScanPayload } from '../workers/scan.job.ts';
import type { AppContext } from './app-context.ts';
import type { HandlerSet } from './handler-set.ts';
import { startClassification } from './predictions.ts';

export function listRoots(ctx: AppContext): LibraryRoot[] {
  return listLibraryRoots(ctx.db);
}

function getRoot(ctx: AppContext, id: number): LibraryRoot {
  const root = readLibraryRoot(ctx.db, id);
  if (!root) throw new ApiError('not_found', `No library folder with id ${id}`);
  return root;
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
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new ApiError('invalid_input', `Folder not found: ${path}`);
  }
  if (!isDir) throw new ApiError('invalid_input', `Not a folder: ${path}`);
  const roots = listRoots(ctx);
  const container = roots.find((r) => isInside(path, r.path));
  if (container) return container;
  const absorbed = roots.filter((r) => isInside(r.path, path)).map((r) => r.id);
  const id = insertLibraryRoot(ctx.db, path, absorbed);
  ctx.events.emit('library.changed', { reason: 'roots' });
  return getRoot(ctx, id);
}

/**
 * Takes a folder out of the library: its tracks go, with their predictions, embeddings and labels (the files stay
 * on disk; the tag history keeps its entries). A dry run says what would go, for the person to confirm.
 */
export function removeRoot(ctx: AppContext, id: number, options: { dryRun?: boolean } = {}): RemoveRootResult {
  const root = getRoot(ctx, id);
  const contents = libraryRootContents(ctx.db, id);
  if (options.dryRun) return { removed: false, path: root.path, ...contents };
  if (ctx.jobs.running('scan').length > 0) {
    throw new ApiError('conflict', 'A scan is running; cancel it or wait before removing a library folder.');
  }
  const removed = deleteLibraryRoot(ctx.db, id);
  if (removed) ctx.events.emit('library.changed', { reason: 'roots' });
  return { removed, path: root.path, ...contents };
}

/**
 * Forgets the tracks whose files the scans found missing, with their predictions and labels: files deleted for good.
 * Until then a missing track keeps everything, and a file that comes back (moved: found again by its content) takes
 * it up again. A dry run says what would go.
 */
export function forgetMissing(ctx: AppContext, options: { dryRun?: boolean } = {}): LibraryRemoval {
  if (options.dryRun) return missingTrackContents(ctx.db);
  if (ctx.jobs.running('scan').length > 0) {
    throw new ApiError('conflict', 'A scan is running; wait for it before forgetting the missing files (it may find some of them again).');
  }
  const gone = ctx.db.transaction(() => {
    const contents = missingTrackContents(ctx.db);
    deleteMissingTracks(ctx.db);
    return contents;
  }).immediate();
  if (gone.tracks > 0) ctx.events.emit('library.changed', { reason: 'scan' });
  return gone;
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
  const detail = readTrackDetail(ctx.db, id);
  if (!detail) throw new ApiError('not_found', `No track with id ${id}`);
  return detail;
}

/** Library roots (no parent) or the folders directly below `parent`, with the number of tracks inside each. */
export function folders(ctx: AppContext, parent?: string): FolderNode[] {
  // every track a folder lists, whatever its status, as trackCountsByDir counts the folders below
  if (!parent) return listRoots(ctx).map((r) => ({ path: r.path, trackCount: listedTrackCount(r) }));
  const base = parent.replace(/[\\/]+$/, '');
  const children = new Map<string, number>();
  for (const { dir, n } of trackCountsByDir(ctx.db, base)) {
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
  return readScanIssues(ctx.db, limit, rootIds);
}

export function libraryHandlers(ctx: AppContext): HandlerSet<'library.'> {
  return {
    'library.roots': () => listRoots(ctx),
    'library.addRoot': ({ path }) => addRoot(ctx, path),
    'library.removeRoot': ({ id, dryRun }) => removeRoot(ctx, id, { dryRun }),
    'library.forgetMissing': ({ dryRun }) => forgetMissing(ctx, { dryRun }),
    'library.scan': ({ rootIds, classify }) => startScan(ctx, rootIds, { classify }),
    'library.query': (q) => ctx.trackQueries.page(q),
    'library.track': ({ id }) => trackDetail(ctx, id),
    'library.folders': ({ parent }) => folders(ctx, parent),
    'library.scanIssues': ({ limit }) => scanIssues(ctx, limit),
  };
}
