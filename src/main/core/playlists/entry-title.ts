import { basename, extname } from 'node:path';
import type { PlaylistEntry } from '../../../shared/api/playlists.ts';

/** The title of a track for a playlist: its tag's title, else its file name without the extension. */
export function entryTitle(e: PlaylistEntry): string {
  if (e.title && e.title.trim()) return e.title;
  const file = basename(e.path.replaceAll('\\', '/'));
  return file.slice(0, file.length - extname(file).length) || file;
}

/** "Artist - Title", or the title alone when the artist is unknown. */
export function entryDisplayTitle(e: PlaylistEntry): string {
  return e.artist && e.artist.trim() ? `${e.artist} - ${entryTitle(e)}` : entryTitle(e);
}
