import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { Database } from '../db/database.ts';
import { browserContentType } from './browser-audio-format.ts';

/** Why a track's audio is not served, with the HTTP status that says it. */
export class TrackAudioRefused extends Error {
  readonly status: 403 | 404 | 409;
  /** The track's title (or file name), when the track exists. */
  readonly title: string | null;
  constructor(status: 403 | 404 | 409, message: string, title: string | null = null) {
    super(message);
    this.name = 'TrackAudioRefused';
    this.status = status;
    this.title = title;
  }
}

/** A library track's file, checked and ready to stream. */
export interface TrackAudioFile {
  trackId: number;
  /** The file's real path (links resolved), inside a library folder. */
  path: string;
  size: number;
  title: string;
  artist: string | null;
  durationS: number | null;
  format: string | null;
  /** The Content-Type to stream the file as it is, or null: the browser cannot play it, transcode. */
  contentType: string | null;
}

interface TrackRecord {
  path: string;
  filename: string;
  status: string;
  error: string | null;
  format: string | null;
  codec: string | null;
  title: string | null;
  artist: string | null;
  duration_s: number | null;
}

/**
 * Finds a track's file by its id, never by a path the caller gives: the track must be in the library, present
 * and readable at the last scan, and its file's real path (every link resolved) must lie inside the real path of
 * a library folder, so a file replaced by a link to somewhere else (or a folder replaced by one) is refused.
 */
export function resolveTrackAudio(db: Database, trackId: number): TrackAudioFile {
  const t = db
    .prepare('SELECT path, filename, status, error, format, codec, title, artist, duration_s FROM tracks WHERE id = ?')
    .get(trackId) as TrackRecord | undefined;
  if (!t) throw new TrackAudioRefused(404, `No track with id ${trackId}`);
  const title = t.title ?? t.filename;
  const refuse = (status: 403 | 404 | 409, message: string): TrackAudioRefused => new TrackAudioRefused(status, message, title);
  if (t.status === 'missing') throw refuse(404, 'The file is missing from disk (since the last scan).');
  if (t.status !== 'ok') throw refuse(409, `The file could not be read at the last scan: ${t.error ?? 'unknown reason'}`);
  let real: string;
  try {
    real = realpathSync(t.path);
  } catch {
    throw refuse(404, 'The file is no longer on disk; rescan the folder.');
  }
  const roots = (db.prepare('SELECT path FROM roots').all() as { path: string }[]).flatMap((r) => {
    try {
      return [realpathSync(r.path)];
    } catch {
      return [];
    }
  });
  if (!roots.some((root) => isInside(real, root))) {
    throw refuse(
      403,
      'The file leads outside the library folders (through a link), so it is not played. Add the folder it is in to the library to play it.',
    );
  }
  const st = statSync(real);
  if (!st.isFile()) throw refuse(403, 'Not a regular file, so it is not read.');
  let magic: Uint8Array;
  try {
    magic = readMagic(real);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(403, code === 'EACCES' || code === 'EPERM' ? 'Permission denied: the file cannot be read.' : `The file cannot be read: ${(error as Error).message}`);
  }
  return {
    trackId,
    path: real,
    size: st.size,
    title,
    artist: t.artist,
    durationS: t.duration_s,
    format: t.format,
    contentType: browserContentType(t.format, t.codec, magic),
  };
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function readMagic(path: string): Uint8Array {
  const buf = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    const n = readSync(fd, buf, 0, 4, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
