import { lstatSync, readFileSync, realpathSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import { fingerprintBytes } from '../scan/fingerprint.ts';
import { checkReplaceable, removeQuietly, replaceWithTemp, writeTempFile } from './atomic-replace.ts';
import { readGenreTag, renderGenreTag } from './genre-tag.ts';
import type { GenreSnapshot, GenreTag, GenreTagOptions, GenreTarget } from './genre-tag.ts';
import { isInsideRoots, outsideLibraryError, resolveWriteTarget } from './library-write-target.ts';
import type { LibraryRoot } from './library-write-target.ts';
import { describeWriteFsError, TagWriteError } from './tag-write-error.ts';
import { verifyGenreWrite } from './verify-genre-write.ts';

export interface GenreDecision {
  target: GenreTarget;
  /** The genres the file must read back with afterwards (checked with music-metadata); null: check the snapshot only. */
  expect: string[] | null;
}

export interface FileWriteRequest {
  path: string;
  /**
   * Size, (whole-millisecond) mtime and content fingerprint (scan/fingerprint.ts; null: none recorded) the library
   * recorded at the last scan; the file must still have them.
   */
  expected: { size: number; mtimeMs: number; fingerprint: string | null } | null;
  /** The library folders: the file written (links resolved) must lie inside one of them. */
  roots: readonly LibraryRoot[];
  options: GenreTagOptions;
  /** Decides from what the file holds now; null leaves the file as it is (status 'unchanged'). */
  decide(tag: GenreTag): GenreDecision | null;
  /**
   * Called after the new file is on disk and verified, right before it replaces the original: the journal stores
   * what the file held here. If it throws, the original is left untouched.
   */
  beforeReplace?(info: { tag: GenreTag; newGenres: string[] }): void;
}

export interface FileWriteOutcome {
  status: 'written' | 'unchanged';
  /** The real path written (a symbolic link inside the library folders is followed: the link stays a link). */
  realPath: string;
  frame: string;
  oldGenres: string[];
  oldSnapshot: GenreSnapshot;
  /** Genres as music-metadata (the scanner's reader) reads them from the new file. */
  newGenres: string[];
  oldSize: number;
  oldMtimeMs: number;
  size: number;
  mtimeMs: number;
}

/** lstat: the real path has no link left, and one appearing there is not followed. */
function stat(path: string): Stats {
  try {
    return lstatSync(path);
  } catch (error) {
    throw describeWriteFsError(error, 'file');
  }
}

function sameFile(a: Stats, b: Stats): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.dev === b.dev;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/**
 * Right before the rename: the library path still leads to the same real path and no link appeared on the way to
 * its folder (the rename replaces an entry of that folder, so it must be the real one, inside the library).
 */
function checkStillInside(path: string, realPath: string, roots: readonly LibraryRoot[]): void {
  let now: string;
  let folder: string;
  try {
    now = realpathSync.native(path);
    folder = realpathSync.native(dirname(realPath));
  } catch (error) {
    throw describeWriteFsError(error, 'file');
  }
  if (!isInsideRoots(now, roots)) throw outsideLibraryError(now);
  if (now !== realPath || folder !== dirname(realPath)) {
    throw new TagWriteError('changed', 'The file was replaced by a link, or moved, while it was being tagged');
  }
}

/**
 * Writes the genre field of one file, safely:
 * 1. the file must exist, lie inside the library folders once every link is resolved, be unchanged since the scan
 *    (size, mtime and content fingerprint), be writable and not read-only;
 * 2. it is read whole, its genre field read with TagLib, the new genres decided, the new file rendered in memory;
 * 3. the rendering is verified against the original with a second reader (only the genre changed, audio
 *    properties equal, the genres read back as expected) and with TagLib (the snapshot to restore, exactly);
 * 4. it is written to a temporary file in the same folder, fsynced, read back and compared byte for byte;
 * 5. the original is checked once more to be unchanged and still reached by the same path with no link leading
 *    elsewhere, `beforeReplace` runs (the journal commits the old values), and the temporary file is renamed over
 *    the original.
 * Any failure throws a TagWriteError with a sentence for the person and leaves the original untouched and no
 * temporary file behind.
 */
export async function writeFileGenres(req: FileWriteRequest): Promise<FileWriteOutcome> {
  const realPath = resolveWriteTarget(req.path, req.roots);
  const st = stat(realPath);
  if (!st.isFile()) throw new TagWriteError('unsupported', 'Not a regular file');
  if (req.expected && (st.size !== req.expected.size || Math.floor(st.mtimeMs) !== req.expected.mtimeMs)) {
    const what = st.size !== req.expected.size ? `its size went from ${req.expected.size} to ${st.size} bytes` : 'its modification time changed';
    throw new TagWriteError('changed', `The file changed on disk since the last scan (${what}); rescan it, then try again`);
  }
  checkReplaceable(st);

  let bytes: Uint8Array;
  try {
    bytes = readFileSync(realPath);
  } catch (error) {
    const e = describeWriteFsError(error, 'file');
    throw e.code === 'permission' ? new TagWriteError('permission', 'Permission denied: the file cannot be read') : e;
  }
  if (bytes.length !== st.size) throw new TagWriteError('changed', 'The file changed while it was being read');
  if (req.expected?.fingerprint && fingerprintBytes(bytes) !== req.expected.fingerprint) {
    throw new TagWriteError(
      'changed',
      'The content of the file changed since the last scan (its size and modification time did not); rescan it, then try again',
    );
  }

  const tag = await readGenreTag(bytes, req.options);
  const base = {
    realPath,
    frame: tag.frame,
    oldGenres: tag.genres,
    oldSnapshot: tag.snapshot,
    oldSize: st.size,
    oldMtimeMs: Math.floor(st.mtimeMs),
  };
  const decision = req.decide(tag);
  if (!decision) return { ...base, status: 'unchanged', newGenres: tag.genres, size: st.size, mtimeMs: Math.floor(st.mtimeMs) };

  const rendered = await renderGenreTag(bytes, tag, decision.target, req.options);
  const check = await verifyGenreWrite(bytes, rendered, decision.expect, req.options);
  const reread = await readGenreTag(rendered, req.options);
  if ('snapshot' in decision.target) {
    if (JSON.stringify(reread.snapshot) !== JSON.stringify(decision.target.snapshot)) {
      throw new TagWriteError('verify_failed', 'TagLib reads back a different genre field than the one to restore; the file was not changed');
    }
  } else if (reread.genres.join('\u0000') !== decision.target.genres.join('\u0000')) {
    throw new TagWriteError('verify_failed', `TagLib reads back "${reread.genres.join('; ')}"; the file was not changed`);
  }

  const temp = writeTempFile(realPath, rendered, st);
  try {
    let back: Uint8Array;
    try {
      back = readFileSync(temp);
    } catch (error) {
      throw describeWriteFsError(error, 'new copy of the file');
    }
    if (!equalBytes(back, rendered)) throw new TagWriteError('verify_failed', 'The new copy reads back differently from what was written (disk error?)');
    if (!sameFile(stat(realPath), st)) throw new TagWriteError('changed', 'The file changed on disk while it was being tagged');
    checkStillInside(req.path, realPath, req.roots);
    req.beforeReplace?.({ tag, newGenres: check.genres });
  } catch (error) {
    removeQuietly(temp);
    throw error;
  }
  replaceWithTemp(temp, realPath);
  const after = stat(realPath);
  return { ...base, status: 'written', newGenres: check.genres, size: after.size, mtimeMs: Math.floor(after.mtimeMs) };
}
