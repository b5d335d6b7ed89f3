import type { PlaylistEntry } from '../../../shared/api/playlists.ts';
import { entryDisplayTitle } from './entry-title.ts';
import type { TrackLocation } from './playlist-locations.ts';

export interface RenderedPlaylist {
  text: string;
  /** Entries the format cannot hold (an M3U8 line cannot contain a line break), left out. */
  skipped: number;
}

/**
 * Extended M3U in UTF-8 (no byte-order mark): `#EXTM3U`, then per track `#EXTINF:<seconds>,<Artist> - <Title>` and
 * its path on the next line, unencoded (M3U has no escaping: players read the line as a file name). A relative path
 * that starts with "#" would read as a comment, so it is written as "./#…".
 */
export function renderM3u8(name: string, entries: readonly PlaylistEntry[], locate: (e: PlaylistEntry) => TrackLocation): RenderedPlaylist {
  const lines = ['#EXTM3U', `#PLAYLIST:${oneLine(name)}`];
  let skipped = 0;
  for (const e of entries) {
    let path = locate(e).path;
    if (/[\r\n]/.test(path)) {
      skipped++;
      continue;
    }
    if (path.startsWith('#')) path = `./${path}`;
    const seconds = e.durationS !== null && Number.isFinite(e.durationS) ? Math.round(e.durationS) : -1;
    lines.push(`#EXTINF:${seconds},${oneLine(entryDisplayTitle(e))}`, path);
  }
  return { text: `${lines.join('\n')}\n`, skipped };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
