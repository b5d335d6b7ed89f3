import type { PlaylistEntry, PlaylistSort } from '../../../shared/api/playlists.ts';
import { sortKey } from '../db/sort-key.ts';
import { SeededRandom } from '../random/seeded-random.ts';
import { entryTitle } from './entry-title.ts';

type Key = (string | number)[];

/** Unknown text sorts last, as in the library table. */
const text = (s: string | null): string => (s && s.trim() ? `0${sortKey(s)}` : '1');
const num = (n: number | null): number => (n === null ? Number.MAX_SAFE_INTEGER : n);

function keyOf(e: PlaylistEntry, sort: PlaylistSort): Key {
  const title = text(entryTitle(e));
  switch (sort) {
    case 'artist':
      return [text(e.artist), text(e.album), num(e.trackNo), title, e.trackId];
    case 'album':
      return [text(e.album), num(e.trackNo), text(e.artist), title, e.trackId];
    case 'title':
      return [title, text(e.artist), e.trackId];
    case 'path':
      return [e.path, e.trackId];
    case 'confidence':
      // Labels are certain; then the most confident prediction first.
      return [e.reason === 'label' ? -2 : -(e.confidence ?? -1), text(e.artist), text(e.album), num(e.trackNo), e.trackId];
    case 'random':
      return [e.trackId];
  }
}

function compare(a: Key, b: Key): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

/**
 * A playlist's entries in the asked order (a new array). artist: artist, album, track number, title; album: album,
 * track number (the library has no disc number yet); random: a shuffle that is the same for the same seed and tracks.
 */
export function sortPlaylistEntries(entries: readonly PlaylistEntry[], sort: PlaylistSort, seed: number | null): PlaylistEntry[] {
  const decorated = entries.map((e) => ({ e, k: keyOf(e, sort) }));
  decorated.sort((a, b) => compare(a.k, b.k));
  const out = decorated.map((d) => d.e);
  if (sort === 'random') {
    const rng = new SeededRandom(seed ?? 0);
    for (let i = out.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
  }
  return out;
}
