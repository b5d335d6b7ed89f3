import type { PlaylistEntry } from '../../../shared/api/playlists.ts';
import { entryTitle } from './entry-title.ts';
import { locationUri } from './playlist-locations.ts';
import type { TrackLocation } from './playlist-locations.ts';
import type { RenderedPlaylist } from './write-m3u8.ts';

export const xspfNamespace = 'http://xspf.org/ns/0/';

/** Characters XML 1.0 cannot hold at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are dropped. */
function xmlText(text: string): string {
  return text
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/**
 * XSPF version 1 (https://xspf.org/spec): one `<track>` per entry with its `location` (a percent-encoded URI: a
 * relative reference resolved against the playlist's own location, or a `file:` URI), `title`, `creator`, `album`,
 * `trackNum` and `duration` in milliseconds, in the order the schema gives.
 */
export function renderXspf(name: string, entries: readonly PlaylistEntry[], locate: (e: PlaylistEntry) => TrackLocation): RenderedPlaylist {
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<playlist version="1" xmlns="${xspfNamespace}">`,
    `  <title>${xmlText(name)}</title>`,
    '  <creator>Genre Tagger</creator>',
    '  <trackList>',
  ];
  for (const e of entries) {
    out.push('    <track>', `      <location>${xmlText(locationUri(locate(e)))}</location>`);
    out.push(`      <title>${xmlText(entryTitle(e))}</title>`);
    if (e.artist) out.push(`      <creator>${xmlText(e.artist)}</creator>`);
    if (e.album) out.push(`      <album>${xmlText(e.album)}</album>`);
    if (e.trackNo !== null && e.trackNo > 0) out.push(`      <trackNum>${Math.round(e.trackNo)}</trackNum>`);
    if (e.durationS !== null && Number.isFinite(e.durationS) && e.durationS >= 0) {
      out.push(`      <duration>${Math.round(e.durationS * 1000)}</duration>`);
    }
    out.push('    </track>');
  }
  out.push('  </trackList>', '</playlist>');
  return { text: `${out.join('\n')}\n`, skipped: 0 };
}
