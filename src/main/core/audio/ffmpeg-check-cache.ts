import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The last ffmpeg that answered `ffmpeg -version`, kept in the data folder between runs, so that a command does not
 * start ffmpeg only to learn that it works: that check cost a fresh `genre-tagger classify` 0.1-0.25 s of CPU and
 * 3,900 page faults on the 2-core benchmark machine (a fork of the command's process, ffmpeg's dynamic loader
 * mapping its 200 libraries), and the command waited for its answer before starting its workers.
 * The answer holds while the executable is the same file (size, times and inode unchanged: an upgrade or a
 * re-pointed symlink checks again) and for a day at most, so that a system whose ffmpeg broke without the file
 * changing (a shared library removed) is found out within a day.
 */
export const FFMPEG_CHECK_MAX_AGE_MS = 24 * 60 * 60 * 1000;

interface FileIdentity {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

interface CheckedFfmpeg extends FileIdentity {
  path: string;
  version: string;
  checkedAt: number;
}

let cacheFile: string | null = null;

/** Where the answer is kept (the data folder's `ffmpeg-check.json`); null keeps none and checks every run. */
export function setFfmpegCheckFile(path: string | null): void {
  cacheFile = path;
}

function identity(path: string): FileIdentity | null {
  try {
    const s = statSync(path);
    return { size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino };
  } catch {
    return null;
  }
}

/** The version the executable at `path` answered when it was last checked, while that answer still holds; else null. */
export function checkedFfmpegVersion(path: string, now = Date.now()): string | null {
  if (!cacheFile) return null;
  let entry: Partial<CheckedFfmpeg>;
  try {
    entry = JSON.parse(readFileSync(cacheFile, 'utf8')) as Partial<CheckedFfmpeg>;
  } catch {
    return null; // none yet, or unreadable: check
  }
  const id = identity(path);
  if (!id || entry.path !== path || typeof entry.version !== 'string' || typeof entry.checkedAt !== 'number') return null;
  if (entry.size !== id.size || entry.mtimeMs !== id.mtimeMs || entry.ctimeMs !== id.ctimeMs || entry.ino !== id.ino) return null;
  const age = now - entry.checkedAt;
  return age >= 0 && age < FFMPEG_CHECK_MAX_AGE_MS ? entry.version : null;
}

/** Keeps the answer of a check that just ran; a data folder that cannot be written only means checking next time. */
export function rememberFfmpegCheck(path: string, version: string): void {
  if (!cacheFile) return;
  const id = identity(path);
  if (!id) return;
  const entry: CheckedFfmpeg = { path, version, ...id, checkedAt: Date.now() };
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(temporary, `${JSON.stringify(entry)}\n`);
    renameSync(temporary, cacheFile);
  } catch {
    // read-only or missing data folder
  }
}
