import { TagWriteError } from './tag-write-error.ts';

/**
 * The genre frame of an MP3 whose tag is ID3v2.3, edited in place.
 *
 * taglib-wasm can only save ID3v2.4: saving a v2.3 file converts the whole tag (frame ids, dates, encodings),
 * which players that only read v2.3 then cannot show, and which changes frames the person never asked to change.
 * So for v2.3 only the TCON frames are replaced; every other frame is copied byte for byte, and everything after
 * the tag (the audio, an ID3v1 or APE tag) is copied unchanged. v2.3 has no multi-value text frames, so several
 * genres are joined with a separator ("; " by default, which is what most players split on).
 *
 * Reading the genres themselves (numeric references such as "(17)" included) is left to TagLib; this module only
 * needs the raw frame bodies, to store and to restore them exactly.
 */

export interface Id3v23Frame {
  id: string;
  /** The whole frame: 10-byte header and body, as found (after removing the tag's unsynchronisation). */
  raw: Uint8Array;
  body: Uint8Array;
}

export interface Id3v23Tag {
  /** Bytes the tag occupies at the start of the file (header included). */
  end: number;
  /** The tag's size field: frames and padding, without the 10-byte header. */
  size: number;
  flags: number;
  frames: Id3v23Frame[];
}

const headerSize = 10;
const defaultPadding = 1024;

/** The major version of the ID3v2 tag at the start of the file (2, 3, 4), or null when there is none. */
export function id3v2MajorVersion(bytes: Uint8Array): number | null {
  if (bytes.length < headerSize || bytes[0] !== 0x49 || bytes[1] !== 0x44 || bytes[2] !== 0x33) return null;
  return bytes[3];
}

function syncsafe(bytes: Uint8Array, at: number): number {
  let v = 0;
  for (let i = 0; i < 4; i++) {
    const b = bytes[at + i];
    if (b & 0x80) throw new TagWriteError('unreadable', 'The ID3v2 tag header is corrupt (bad size field)');
    v = v * 128 + b;
  }
  return v;
}

function toSyncsafe(n: number): number[] {
  if (n >= 2 ** 28) throw new TagWriteError('unsupported', 'The ID3v2 tag would exceed 256 MiB');
  return [(n >>> 21) & 0x7f, (n >>> 14) & 0x7f, (n >>> 7) & 0x7f, n & 0x7f];
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

/** Undoes ID3 unsynchronisation: every 0xFF 0x00 pair becomes 0xFF. */
function removeUnsynchronisation(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length);
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    out[n++] = data[i];
    if (data[i] === 0xff && data[i + 1] === 0x00) i++;
  }
  return out.subarray(0, n);
}

/** Parses the ID3v2.3 tag at the start of `bytes` into its frames. Throws TagWriteError('unreadable') when corrupt. */
export function parseId3v23(bytes: Uint8Array): Id3v23Tag {
  if (id3v2MajorVersion(bytes) !== 3) throw new TagWriteError('unsupported', 'Not an ID3v2.3 tag');
  const flags = bytes[5];
  const size = syncsafe(bytes, 6);
  const end = headerSize + size;
  if (end > bytes.length) throw new TagWriteError('unreadable', 'The ID3v2.3 tag is longer than the file (corrupt or truncated)');
  let data = bytes.subarray(headerSize, end);
  if (flags & 0x80) data = removeUnsynchronisation(data);
  let pos = 0;
  if (flags & 0x40) {
    if (data.length < 4) throw new TagWriteError('unreadable', 'The ID3v2.3 extended header is corrupt');
    pos = 4 + u32(data, 0);
  }
  const frames: Id3v23Frame[] = [];
  while (pos + headerSize <= data.length) {
    if (data[pos] === 0) break; // padding
    const id = String.fromCharCode(data[pos], data[pos + 1], data[pos + 2], data[pos + 3]);
    if (!/^[A-Z0-9]{4}$/.test(id)) {
      if (data.subarray(pos).every((b) => b === 0)) break;
      throw new TagWriteError('unreadable', `The ID3v2.3 tag is corrupt (unexpected bytes where frame ${frames.length + 1} should start)`);
    }
    const frameSize = u32(data, pos + 4);
    const frameEnd = pos + headerSize + frameSize;
    if (frameEnd > data.length) throw new TagWriteError('unreadable', `The ID3v2.3 frame ${id} runs past the end of the tag (corrupt)`);
    frames.push({ id, raw: data.subarray(pos, frameEnd), body: data.subarray(pos + headerSize, frameEnd) });
    pos = frameEnd;
  }
  for (const f of frames) {
    if (f.id !== 'TCON') continue;
    const frameFlags = (f.raw[8] << 8) | f.raw[9];
    if (frameFlags & 0x00c0) throw new TagWriteError('unsupported', 'The ID3v2.3 genre frame is compressed or encrypted');
  }
  return { end, size, flags, frames };
}

/** A TCON body for ID3v2.3: ISO-8859-1 when every character fits, else UTF-16 with a byte order mark. */
export function encodeTconV23(text: string): Uint8Array {
  if (/^[\u0000-\u00ff]*$/.test(text)) {
    const out = new Uint8Array(1 + text.length);
    out[0] = 0;
    for (let i = 0; i < text.length; i++) out[1 + i] = text.charCodeAt(i);
    return out;
  }
  const out = new Uint8Array(3 + text.length * 2);
  out[0] = 1;
  out[1] = 0xff;
  out[2] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[3 + 2 * i] = c & 0xff;
    out[4 + 2 * i] = c >>> 8;
  }
  return out;
}

/**
 * The file with its TCON frames replaced by frames with these bodies (none: the genre is removed). Other frames are
 * copied byte for byte; the first TCON's position is kept. When the frames fit in the old tag (padding included)
 * the tag keeps its size and nothing after it moves; otherwise the tag grows by the shortfall plus 1 KiB padding.
 */
export function replaceTconV23(bytes: Uint8Array, tag: Id3v23Tag, bodies: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const newFrames = bodies.map((body) => {
    const header = new Uint8Array(headerSize);
    header.set([0x54, 0x43, 0x4f, 0x4e]); // "TCON"
    header[4] = (body.length >>> 24) & 0xff;
    header[5] = (body.length >>> 16) & 0xff;
    header[6] = (body.length >>> 8) & 0xff;
    header[7] = body.length & 0xff;
    const frame = new Uint8Array(headerSize + body.length);
    frame.set(header);
    frame.set(body, headerSize);
    return frame;
  });
  let placed = false;
  for (const f of tag.frames) {
    if (f.id === 'TCON') {
      if (!placed) parts.push(...newFrames);
      placed = true;
    } else {
      parts.push(f.raw);
    }
  }
  if (!placed) parts.push(...newFrames);
  const framesLength = parts.reduce((n, p) => n + p.length, 0);
  const size = framesLength <= tag.size ? tag.size : framesLength + defaultPadding;
  const rest = bytes.subarray(tag.end);
  const out = new Uint8Array(headerSize + size + rest.length);
  // Unsynchronisation and the extended header are dropped: the frames are written plainly, which every reader takes.
  out.set([0x49, 0x44, 0x33, 3, 0, tag.flags & 0x20, ...toSyncsafe(size)]);
  let pos = headerSize;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  out.set(rest, headerSize + size);
  return out;
}

/** The file without the ID3v2 tag at its start (any version; a v2.4 footer included). */
export function withoutId3v2Tag(bytes: Uint8Array): Uint8Array {
  if (id3v2MajorVersion(bytes) === null) return bytes;
  const footer = bytes[3] === 4 && bytes[5] & 0x10 ? headerSize : 0;
  const end = headerSize + syncsafe(bytes, 6) + footer;
  if (end > bytes.length) throw new TagWriteError('unreadable', 'The ID3v2 tag is longer than the file (corrupt or truncated)');
  return bytes.slice(end);
}

export function tconBodies(tag: Id3v23Tag): Uint8Array[] {
  return tag.frames.filter((f) => f.id === 'TCON').map((f) => f.body);
}
