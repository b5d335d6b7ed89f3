import { isAbsolute, relative, sep, win32 } from 'node:path';

/**
 * How a playlist names its tracks. Relative paths are computed from the playlist's own folder, so a playlist that
 * moves (or is mounted elsewhere) together with the music keeps working; absolute paths on request. Separators are
 * always "/" (players on every platform read them; a backslash is a legal character of a name on Linux and macOS).
 */
export type PathStyle = 'relative' | 'absolute';

export interface TrackLocation {
  /** The path as the playlist writes it: "/"-separated, relative to the playlist's folder or absolute. */
  path: string;
  relative: boolean;
}

/** `trackPath` seen from `playlistDir` (both absolute, as the library stores them). */
export function trackLocation(trackPath: string, playlistDir: string, style: PathStyle): TrackLocation {
  if (style === 'relative') {
    const rel = relative(playlistDir, trackPath);
    // On Windows a track on another drive has no relative path: relative() answers with an absolute one.
    if (rel !== '' && !isAbsolute(rel) && !win32.isAbsolute(rel)) return { path: toSlashes(rel), relative: true };
  }
  return { path: toSlashes(trackPath), relative: false };
}

function toSlashes(path: string): string {
  return sep === '\\' ? path.replaceAll('\\', '/') : path;
}

const unreserved = /[A-Za-z0-9\-._~]/;
const utf8 = new TextEncoder();

/**
 * Percent-encodes one path segment per RFC 3986: every byte of its UTF-8 form that is not "unreserved" becomes %XX,
 * so "#", "%", ";", "?", ":", spaces and every non-ASCII letter are escaped and the URI means exactly this name.
 */
export function encodeUriSegment(segment: string): string {
  let out = '';
  for (const ch of segment) {
    if (unreserved.test(ch)) out += ch;
    else for (const b of utf8.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A location as a URI: a relative one becomes a relative reference (resolved against the playlist file's URI, as
 * XSPF says), an absolute one a `file:` URI: `file:///music/a%20b.flac`, `file:///C:/Music/x.mp3` on Windows,
 * `file://server/share/x.mp3` for a UNC path.
 */
export function locationUri(location: TrackLocation): string {
  const segments = (p: string): string => p.split('/').map(encodeUriSegment).join('/');
  if (location.relative) return segments(location.path);
  const p = location.path;
  const drive = /^([A-Za-z]):\//.exec(p);
  if (drive) return `file:///${drive[1]}:/${segments(p.slice(3))}`;
  if (p.startsWith('//')) {
    const [host, ...rest] = p.slice(2).split('/');
    return `file://${encodeUriSegment(host)}/${rest.map(encodeUriSegment).join('/')}`;
  }
  return `file://${segments(p)}`;
}
