import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describeWriteFsError, TagWriteError } from './tag-write-error.ts';

/**
 * Replacing a file so that, whatever happens (crash, kill, power cut, full disk), the path holds either the old
 * file or the complete new one:
 * 1. the new content goes to a temporary file in the same folder (same file system, so the rename is atomic),
 *    named `.<name>.genre-tagger-<pid>-<random>.tmp` (hidden, not an audio extension: scans never list it);
 * 2. it gets the original's permission bits and owner, and is fsynced;
 * 3. it is renamed over the original, and the folder is fsynced so the rename itself is durable.
 * A temporary file left by a killed process is removed by `removeStaleTempFiles` on the next run.
 *
 * The new file gets the time of the write as its modification time, on purpose: the content did change, and
 * backup and sync tools that compare size and mtime (rsync's default) would otherwise skip a tag edit that kept
 * the size. The library row is updated with the new size and mtime, so a rescan does not see a changed file.
 */

const tempPattern = /^\..+\.genre-tagger-(\d+)-[0-9a-f]+\.tmp$/;

export function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.genre-tagger-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

export function isGenreTaggerTemp(name: string): boolean {
  return tempPattern.test(name);
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary files of writers that no longer run from a folder; returns how many were removed. */
export function removeStaleTempFiles(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = tempPattern.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    // A live writer's file is in use; this process's own writes remove theirs themselves.
    if (pid === process.pid || isProcessAlive(pid)) continue;
    try {
      unlinkSync(join(dir, name));
      removed++;
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/**
 * Refuses files the person protected or that the rename would hand to a different owner: a file without any write
 * permission bit is read-only on purpose (root could replace it anyway, so the bits are checked, not the syscall);
 * a file owned by another user or group would change owner when replaced by a non-root process.
 */
export function checkReplaceable(st: Stats): void {
  if ((st.mode & 0o222) === 0) throw new TagWriteError('read_only', 'The file is read-only (no write permission is set)');
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || uid === 0) return;
  if (st.uid !== uid) throw new TagWriteError('permission', 'The file belongs to another user; replacing it would change its owner');
  if (gid !== undefined && st.gid !== gid && !(process.getgroups?.() ?? []).includes(st.gid)) {
    throw new TagWriteError('permission', "The file's group is not one of yours; replacing it would change its group");
  }
}

/**
 * Creates `path` (it must not exist yet) holding `bytes`, fsynced; `prepare` runs on the open file before the fsync
 * (to set its owner and mode). If anything fails the new file is removed again and the error is thrown as it came.
 */
export function writeNewFileSync(path: string, bytes: Uint8Array, mode: number, prepare?: (fd: number) => void): void {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'wx', mode);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    prepare?.(fd);
    fsyncSync(fd);
    closeSync(fd);
    fd = null;
  } catch (error) {
    if (fd !== null) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    removeQuietly(path);
    throw error;
  }
}

/** Writes `bytes` to a new temporary file beside `target` with the original's mode and owner, fsynced. */
export function writeTempFile(target: string, bytes: Uint8Array, original: Stats): string {
  const temp = tempPathFor(target);
  try {
    writeNewFileSync(temp, bytes, 0o600, (fd) => {
      const uid = process.getuid?.();
      if (uid !== undefined && (original.uid !== uid || original.gid !== process.getgid?.())) {
        fchownSync(fd, original.uid, original.gid);
      }
      fchmodSync(fd, original.mode & 0o7777);
    });
  } catch (error) {
    throw describeWriteFsError(error, 'new copy of the file');
  }
  return temp;
}

/** Atomically puts `temp` in place of `target` and makes the rename durable. */
export function replaceWithTemp(temp: string, target: string): void {
  try {
    renameSync(temp, target);
  } catch (error) {
    removeQuietly(temp);
    throw describeWriteFsError(error, 'file');
  }
  fsyncFolder(dirname(target));
}

export function fsyncFolder(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot open or fsync a folder; the rename is still atomic there.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // nothing to remove
  }
}
