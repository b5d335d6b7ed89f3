import type { PlaylistSort } from '../../../shared/api/playlists.ts';

/** Navidrome's sort field for each of our sorts that it can express. */
const navidromeSort: Partial<Record<PlaylistSort, string>> = {
  artist: 'artist',
  album: 'album',
  title: 'title',
  random: 'random',
};

export function nspSortSupported(sort: PlaylistSort): boolean {
  return navidromeSort[sort] !== undefined;
}

/**
 * A Navidrome smart playlist (`.nsp`, JSON): every track whose genre tag is `genre`. Navidrome evaluates it itself,
 * so it stays current as genres are written into the files; the library's labels and predictions do not enter it.
 */
export function renderNsp(name: string, genre: string, sort: PlaylistSort, limit: number | undefined): string {
  const field = navidromeSort[sort];
  if (!field) throw new Error(`Navidrome cannot sort a smart playlist by ${sort}`);
  const playlist = {
    name,
    comment: `Tracks whose genre tag is ${genre} (exported by Genre Tagger)`,
    all: [{ is: { genre } }],
    sort: field,
    order: 'asc',
    ...(limit !== undefined ? { limit } : {}),
  };
  return `${JSON.stringify(playlist, null, 2)}\n`;
}
