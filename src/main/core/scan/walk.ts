import { readdirSync, realpathSync, statSync } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { join } from 'node:path';
import { isAudioPath } from './audio-extensions.ts';

export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface WalkIssue {
  path: string;
  error: string;
}

export interface WalkResult {
  files: FoundFile[];
  issues: WalkIssue[];
}

export interface WalkOptions {
  signal?: AbortSignal;
  /** Called now and then with the number of audio files found so far. */
  onFound?: (count: number) => void;
}

/**
 * Lists the audio files below a folder, recursively, with their size and mtime. Follows symbolic links to folders
 * (music libraries are often assembled with them) but never visits a folder twice, so link loops end. Folders that
 * cannot be read, broken links and entries named like audio that are no regular file (named pipes, devices,
 * sockets) are reported as issues; hidden entries (".name") are skipped.
 * Synchronous on purpose: it runs in a worker thread, where blocking calls are the fastest way to stat 100k files.
 */
export function walkAudioFiles(root: string, options: WalkOptions = {}): WalkResult {
  const files: FoundFile[] = [];
  const issues: WalkIssue[] = [];
  const visited = new Set<string>();
  const stack: string[] = [root];
  let lastReport = 0;

  while (stack.length > 0) {
    if (options.signal?.aborted) break;
    const dir = stack.pop()!;
    let key: string;
    try {
      const st = statSync(dir);
      key = `${st.dev}:${st.ino}`;
    } catch (error) {
      issues.push({ path: dir, error: describeFsError(error, 'folder', dir) });
      continue;
    }
    if (visited.has(key)) continue;
    visited.add(key);

    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      issues.push({ path: dir, error: describeFsError(error, 'folder') });
      continue;
    }
    const subdirs: string[] = [];
    for (const entry of entries) {
      const name = entry.name;
      if (name.startsWith('.')) continue;
      const path = join(dir, name);
      if (entry.isDirectory()) {
        subdirs.push(path);
        continue;
      }
      if (entry.isSymbolicLink()) {
        let st: Stats;
        try {
          st = statSync(path);
        } catch (error) {
          if (isAudioPath(name)) issues.push({ path, error: describeFsError(error, 'link', path) });
          continue;
        }
        if (st.isDirectory()) subdirs.push(path);
        else if (isAudioPath(name)) {
          if (st.isFile()) files.push({ path, size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
          else issues.push({ path, error: notARegularFile(st) });
        }
        continue;
      }
      if (!isAudioPath(name)) continue;
      if (!entry.isFile()) {
        // a named pipe, device or socket named like audio: reading it could block forever or never end
        issues.push({ path, error: notARegularFile(entry) });
        continue;
      }
      try {
        const st = statSync(path);
        files.push({ path, size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
      } catch (error) {
        issues.push({ path, error: describeFsError(error, 'file', path) });
      }
    }
    // Depth-first in name order, so files come out grouped by folder.
    subdirs.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    stack.push(...subdirs);
    if (options.onFound && files.length - lastReport >= 500) {
      lastReport = files.length;
      options.onFound(files.length);
    }
  }
  options.onFound?.(files.length);
  return { files, issues };
}

/** Why an entry named like audio is not read: it is no regular file. */
export function notARegularFile(kind: Pick<Stats, 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'>): string {
  const what = kind.isFIFO()
    ? 'a named pipe (FIFO)'
    : kind.isCharacterDevice() || kind.isBlockDevice()
      ? 'a device file'
      : kind.isSocket()
        ? 'a socket'
        : 'not a regular file';
  return `Not a regular file: ${what}, so it is not read`;
}

/**
 * On Linux a file name is any bytes; one written in another encoding (Latin-1 or CP1252 from an old Windows disk,
 * Shift JIS, ...) comes out of readdir with U+FFFD in place of each invalid byte, and that string names no file.
 */
const UNDECODABLE_NAME =
  'Its name is not valid UTF-8 (it was written in another character encoding), so it cannot be opened by name: ' +
  'rename it (for example with convmv) and scan again';

export function describeFsError(error: unknown, what: 'folder' | 'file' | 'link', path?: string): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' && path !== undefined && path.includes('\uFFFD')) return UNDECODABLE_NAME;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `Permission denied: the ${what} cannot be read`;
    case 'ENOENT':
      return what === 'link' ? 'Broken link: its target does not exist' : `The ${what} no longer exists`;
    case 'ELOOP':
      return 'Too many levels of symbolic links';
    case 'ENOTDIR':
      return 'Not a folder';
    case 'EIO':
      return `Input/output error while reading the ${what}`;
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** The real path of a root, for comparing roots with each other; the path itself when it cannot be resolved. */
export function realPathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
