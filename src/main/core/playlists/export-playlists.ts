import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { PlaylistFormat, PlaylistSort, WrittenPlaylist } from '../../../shared/api/playlists.ts';
import { realPathOrSelf } from '../scan/walk.ts';
import type { PlannedPlaylist } from './plan-playlists.ts';
import { trackLocation } from './playlist-locations.ts';
import type { PathStyle } from './playlist-locations.ts';
import { uniqueFileNames } from './playlist-file-name.ts';
import { writeFileAtomic } from './write-file-atomic.ts';
import { renderM3u8 } from './write-m3u8.ts';
import { nspSortSupported, renderNsp } from './write-nsp.ts';
import { renderXspf } from './write-xspf.ts';

/** A mistake in what was asked (where to write, which format): its message is for the person. */
export class PlaylistExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlaylistExportError';
  }
}

const playlistExtensions = new Set(['.m3u8', '.m3u', '.xspf', '.nsp']);
const formatExtensions: Record<PlaylistFormat, string[]> = { m3u8: ['.m3u8', '.m3u'], xspf: ['.xspf'], nsp: ['.nsp'] };

export interface ExportTargets {
  /** The absolute file path of each playlist, in plan order. */
  paths: string[];
  /** The folder to create first, when it does not exist yet. */
  createDir: string | null;
}

/**
 * Where each playlist goes. `out` (absolute) is either a folder (existing, or new when it has no playlist
 * extension): one file per playlist named after it; or a file path with the format's extension: one playlist only.
 */
export function exportTargets(out: string, format: PlaylistFormat, names: readonly string[]): ExportTargets {
  const ext = extname(out).toLowerCase();
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(out);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory() || (!st && !playlistExtensions.has(ext))) {
    const files = uniqueFileNames(names, format);
    return { paths: files.map((f) => join(out, f)), createDir: st ? null : out };
  }
  if (!playlistExtensions.has(ext)) {
    throw new PlaylistExportError(`${out} is a file, not a folder or a playlist; give a folder, or a file ending in .${format}.`);
  }
  if (!formatExtensions[format].includes(ext)) {
    throw new PlaylistExportError(`${out} ends in ${ext}, but the format is ${format}; name the file .${format} or choose the format that fits.`);
  }
  if (names.length > 1) {
    throw new PlaylistExportError(`${names.length} playlists were asked for (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}) but ${out} is one file; give a folder instead.`);
  }
  if (st && !st.isFile()) throw new PlaylistExportError(`${out} exists and is not a regular file.`);
  return { paths: [out], createDir: existsSync(dirname(out)) ? null : dirname(out) };
}

export interface WriteOptions {
  format: PlaylistFormat;
  out: string;
  paths: PathStyle;
  sort: PlaylistSort;
  limit: number | undefined;
}

export interface WriteOutcome {
  files: WrittenPlaylist[];
  absoluteFallbacks: number;
  /** Entries the format could not hold (left out). */
  skipped: number;
}

/**
 * Writes each planned playlist to its file, each atomically (a temporary file renamed into place); no other file
 * in the folder is touched. A playlist already there under the same name is replaced.
 */
export function writePlaylists(playlists: readonly PlannedPlaylist[], options: WriteOptions): WriteOutcome {
  if (options.format === 'nsp') {
    if (playlists.some((p) => p.genre === null)) {
      throw new PlaylistExportError('A Navidrome smart playlist selects tracks by genre tag; choose genres, or export the view as M3U8 or XSPF.');
    }
    if (!nspSortSupported(options.sort)) {
      throw new PlaylistExportError(`A Navidrome smart playlist cannot sort by ${options.sort}; use artist, album, title or random.`);
    }
  }
  const targets = exportTargets(options.out, options.format, playlists.map((p) => p.name));
  if (targets.createDir) mkdirSync(targets.createDir, { recursive: true });
  const files: WrittenPlaylist[] = [];
  let absoluteFallbacks = 0;
  let skipped = 0;
  playlists.forEach((p, k) => {
    const target = targets.paths[k];
    const st = existsSync(target) ? statSync(target) : null;
    if (st && !st.isFile()) throw new PlaylistExportError(`${target} exists and is not a regular file; nothing was written there.`);
    // Relative paths are taken from the folder's real path: the library stores real paths, and ".." is resolved
    // on the real folder when a player opens the file through a link.
    const base = realPathOrSelf(dirname(target));
    const locate = (e: (typeof p.entries)[number]) => {
      const loc = trackLocation(e.path, base, options.paths);
      if (options.paths === 'relative' && !loc.relative) absoluteFallbacks++;
      return loc;
    };
    let text: string;
    if (options.format === 'nsp') text = renderNsp(p.name, p.genre!, options.sort, options.limit);
    else {
      const rendered = options.format === 'm3u8' ? renderM3u8(p.name, p.entries, locate) : renderXspf(p.name, p.entries, locate);
      text = rendered.text;
      skipped += rendered.skipped;
    }
    writeFileAtomic(target, text);
    files.push({ name: p.name, genre: p.genre, path: target, count: p.entries.length, replaced: st !== null });
  });
  return { files, absoluteFallbacks, skipped };
}
