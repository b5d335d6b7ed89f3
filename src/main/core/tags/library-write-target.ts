import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { Database } from '../db/database.ts';
import { libraryRootPaths } from '../db/library-roots.ts';
import { describeWriteFsError, TagWriteError } from './tag-write-error.ts';

/**
 * Tag writes stay inside the library folders. The scanner follows symbolic links (to folders and to files), so a
 * track's path can lead anywhere; a write follows it only while the file it really changes (its real path, every
 * link resolved at the moment of the write) lies inside one of the library folders' real paths. A link inside
 * the library to another place inside the library is written through (the preview says so); a link, or a
 * folder link on the way, that leads outside is refused with 'outside_library', and the file it points to is
 * not opened for writing.
 */

export interface LibraryRoot {
  /** The folder as added to the library. */
  path: string;
  /** The folder with every link resolved. */
  realPath: string;
}

/** The library folders with their real paths; a folder that cannot be resolved now (gone, unmounted) is left out. */
export function libraryRoots(db: Database): LibraryRoot[] {
  const out: LibraryRoot[] = [];
  for (const path of libraryRootPaths(db)) {
    try {
      out.push({ path, realPath: realpathSync.native(path) });
    } catch {
      // nothing of it can be written now; its files get their own error
    }
  }
  return out;
}

/** Whether `path` is `dir` or lies below it (both absolute and normalised). */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

export function isInsideRoots(realPath: string, roots: readonly LibraryRoot[]): boolean {
  return roots.some((r) => isInside(realPath, r.realPath));
}

export function outsideLibraryError(realPath: string): TagWriteError {
  return new TagWriteError(
    'outside_library',
    `This path is, or goes through, a symbolic link that leads outside the library folders (to ${realPath}); ` +
      'genres are written only inside the library folders (add that folder to the library to write it)',
  );
}

/**
 * The real path of the file to write, resolved now; throws TagWriteError ('outside_library') when it lies outside
 * every library folder, and the usual file errors (missing, permission) when it cannot be resolved.
 */
export function resolveWriteTarget(path: string, roots: readonly LibraryRoot[]): string {
  let realPath: string;
  try {
    realPath = realpathSync.native(path);
  } catch (error) {
    throw describeWriteFsError(error, 'file');
  }
  if (!isInsideRoots(realPath, roots)) throw outsideLibraryError(realPath);
  return realPath;
}

export type WriteTarget =
  /** The path leads to its file with no link on the way (other than links above the library folder itself). */
  | { kind: 'direct' }
  /** Written through a link that stays inside the library: `realPath` is the file that changes. */
  | { kind: 'link'; realPath: string }
  | { kind: 'outside'; realPath: string }
  /** Cannot be resolved now (gone, no permission): the write reports it. */
  | { kind: 'unknown' };

/**
 * Where the writes of many tracks would land, for a preview: one realpath per folder (cached) and one lstat per
 * file, so a whole library is judged quickly. The write itself resolves every path again.
 */
export class WriteTargetChecker {
  private readonly roots: readonly LibraryRoot[];
  private readonly folders = new Map<string, string | null>();

  constructor(roots: readonly LibraryRoot[]) {
    this.roots = roots;
  }

  check(path: string): WriteTarget {
    const dir = dirname(path);
    let realDir = this.folders.get(dir);
    if (realDir === undefined) {
      try {
        realDir = realpathSync.native(dir);
      } catch {
        realDir = null;
      }
      this.folders.set(dir, realDir);
    }
    if (realDir === null) return { kind: 'unknown' };
    let realPath = join(realDir, basename(path));
    try {
      if (lstatSync(path).isSymbolicLink()) realPath = realpathSync.native(path);
    } catch {
      return { kind: 'unknown' };
    }
    if (!isInsideRoots(realPath, this.roots)) return { kind: 'outside', realPath };
    // Only the library folder's own link (e.g. ~/Music -> /data/music) resolved: nothing to point out.
    const root = this.roots.find((r) => isInside(path, r.path));
    if (root && realPath === join(root.realPath, relative(root.path, path))) return { kind: 'direct' };
    return { kind: 'link', realPath };
  }
}
