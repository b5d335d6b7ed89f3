import type { AudioFile } from 'taglib-wasm';
import { splitGenres } from '../scan/read-track-metadata.ts';
import { encodeTconV23, id3v2MajorVersion, parseId3v23, replaceTconV23, tconBodies, withoutId3v2Tag } from './id3v23.ts';
import { loadTagLib } from './taglib.ts';
import { TagWriteError } from './tag-write-error.ts';

/** Formats whose genre this module writes. */
export type TagFormat = 'mp3' | 'flac' | 'ogg' | 'opus' | 'm4a' | 'wav' | 'aiff';

/** Library format names (from the scanner) that can be written. */
export const writableFormats: ReadonlySet<string> = new Set(['mp3', 'flac', 'ogg', 'opus', 'm4a', 'alac', 'wav', 'aiff']);

/**
 * Exactly what a file's genre field held, to put it back on undo:
 * - id3v2: the bodies of its TCON frames (base64), in order; none = no genre frame;
 * - values: the GENRE values as TagLib reads them (Vorbis comments, MP4 ©gen, RIFF INFO + ID3 chunk); none = no genre.
 */
export type GenreSnapshot = { kind: 'id3v2'; version: number; frames: string[] } | { kind: 'values'; values: string[] };

export interface GenreTag {
  format: TagFormat;
  /** For MP3: the ID3v2 major version at the start of the file, null when it has none (a v2.4 tag is created). */
  id3Version: number | null;
  /** The tag frame a write changes, for the person ("ID3v2.3 TCON", "Vorbis comment GENRE" …). */
  frame: string;
  /** The genres as the library shows them: values split on ";" (and the v2.3 separator), in order. */
  genres: string[];
  snapshot: GenreSnapshot;
}

export type GenreTarget = { genres: string[] } | { snapshot: GenreSnapshot };

export interface GenreTagOptions {
  /** Joins several genres in an ID3v2.3 TCON frame. */
  id3v23Separator: string;
}

/** taglib-wasm's name for the GENRE property. */
const genreProperty = 'genre';

const taglibFormats: Record<string, TagFormat> = {
  MP3: 'mp3',
  FLAC: 'flac',
  OGG: 'ogg',
  OPUS: 'opus',
  MP4: 'm4a',
  WAV: 'wav',
  AIFF: 'aiff',
};

/** The frame a write changes, by format (and ID3 version for MP3). */
export function genreFrameName(format: string, id3Version: number | null = null): string | null {
  switch (format) {
    case 'mp3':
      return id3Version === 3 ? 'ID3v2.3 TCON' : 'ID3v2.4 TCON';
    case 'flac':
    case 'ogg':
    case 'opus':
      return 'Vorbis comment GENRE';
    case 'm4a':
    case 'alac':
      return 'MP4 ©gen';
    case 'wav':
      return 'RIFF INFO IGNR + ID3v2.4 TCON';
    case 'aiff':
      return 'ID3v2.4 TCON (AIFF ID3 chunk)';
    default:
      return null;
  }
}

export function displayGenres(values: readonly string[], options: GenreTagOptions): string[] {
  const sep = options.id3v23Separator;
  return splitGenres(sep.trim() === ';' ? values : values.flatMap((v) => v.split(sep)));
}

async function openTagged(bytes: Uint8Array): Promise<AudioFile> {
  const taglib = await loadTagLib();
  try {
    const file = await taglib.open(bytes, { partial: false });
    if (!file.isValid()) {
      file.dispose();
      throw new Error('TagLib reports the file as invalid');
    }
    return file;
  } catch (error) {
    if (error instanceof TagWriteError) throw error;
    throw new TagWriteError('unreadable', `The tags cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function formatOf(file: AudioFile): TagFormat {
  const name = file.getFormat();
  const format = taglibFormats[name];
  if (!format) throw new TagWriteError('unsupported', `Writing genres into ${name} files is not supported`);
  return format;
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const unb64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

/** Reads the genre field of a whole file held in memory. Throws TagWriteError ('unreadable', 'unsupported'). */
export async function readGenreTag(bytes: Uint8Array, options: GenreTagOptions): Promise<GenreTag> {
  const file = await openTagged(bytes);
  try {
    const format = formatOf(file);
    const values = (file.properties()[genreProperty] as string[] | undefined) ?? [];
    const genres = displayGenres(values, options);
    if (format !== 'mp3') {
      return { format, id3Version: null, frame: genreFrameName(format)!, genres, snapshot: { kind: 'values', values: [...values] } };
    }
    const version = id3v2MajorVersion(bytes);
    if (version === 2) throw new TagWriteError('unsupported', 'ID3v2.2 tags are not written (saving would convert the whole tag to ID3v2.4)');
    if (version !== null && version !== 3 && version !== 4) throw new TagWriteError('unsupported', `Unknown ID3v2 version 2.${version}`);
    const frames =
      version === 3 ? tconBodies(parseId3v23(bytes)) : file.getId3v2Frames('TCON').map((f) => new Uint8Array(f.data));
    return {
      format,
      id3Version: version,
      frame: genreFrameName(format, version)!,
      genres,
      snapshot: { kind: 'id3v2', version: version ?? 4, frames: frames.map(b64) },
    };
  } finally {
    file.dispose();
  }
}

function tconV24(genres: readonly string[]): Uint8Array[] {
  if (genres.length === 0) return [];
  const text = new TextEncoder().encode(genres.join('\u0000'));
  const body = new Uint8Array(1 + text.length);
  body[0] = 3; // UTF-8
  body.set(text, 1);
  return [body];
}

function hasId3v1(bytes: Uint8Array): boolean {
  const at = bytes.length - 128;
  return at >= 0 && bytes[at] === 0x54 && bytes[at + 1] === 0x41 && bytes[at + 2] === 0x47;
}

/**
 * The whole file with its genre field set to `target` (genres to write, or a snapshot to restore); nothing else is
 * meant to change, which `verifyGenreWrite` checks afterwards. `tag` is what `readGenreTag` returned for `bytes`.
 */
export async function renderGenreTag(
  bytes: Uint8Array,
  tag: GenreTag,
  target: GenreTarget,
  options: GenreTagOptions,
): Promise<Uint8Array> {
  if ('snapshot' in target && target.snapshot.kind !== tag.snapshot.kind) {
    throw new TagWriteError('conflict', 'The file is no longer in the format it had when it was written');
  }
  if (tag.format === 'mp3' && tag.id3Version === 3) {
    let bodies: Uint8Array[];
    if ('snapshot' in target) {
      const s = target.snapshot as Extract<GenreSnapshot, { kind: 'id3v2' }>;
      if (s.version !== 3) throw new TagWriteError('conflict', `The file's tag is now ID3v2.3, it was ID3v2.${s.version} when written`);
      bodies = s.frames.map(unb64);
    } else {
      const sep = options.id3v23Separator;
      const clash = target.genres.find((g) => g.includes(sep.trim() || sep));
      if (clash) throw new TagWriteError('unsupported', `The genre "${clash}" contains the ID3v2.3 separator "${sep}"`);
      bodies = target.genres.length === 0 ? [] : [encodeTconV23(target.genres.join(sep))];
    }
    return replaceTconV23(bytes, parseId3v23(bytes), bodies);
  }

  const file = await openTagged(bytes);
  try {
    if (tag.format === 'mp3') {
      let bodies: Uint8Array[];
      if ('snapshot' in target) {
        const s = target.snapshot as Extract<GenreSnapshot, { kind: 'id3v2' }>;
        if (s.version !== 4) throw new TagWriteError('conflict', `The file's tag is now ID3v2.4, it was ID3v2.${s.version} when written`);
        bodies = s.frames.map(unb64);
      } else {
        bodies = tconV24(target.genres);
      }
      if (bodies.length === 0 && file.getId3v2Frames().every((f) => f.id === 'TCON')) {
        // The genre was the tag's only frame (the tag was created to hold it): remove the whole tag. Saving an
        // empty tag instead makes TagLib fill it with copies of the ID3v1 fields.
        return withoutId3v2Tag(bytes);
      }
      if (bodies.length === 0) file.removeId3v2Frames('TCON');
      else file.setId3v2Frames('TCON', bodies);
    } else {
      const values = 'snapshot' in target ? (target.snapshot as Extract<GenreSnapshot, { kind: 'values' }>).values : target.genres;
      const props = file.properties();
      if (values.length === 0) delete props[genreProperty];
      else props[genreProperty] = [...values];
      file.setProperties(props);
    }
    if (!file.save()) throw new TagWriteError('io', 'TagLib could not render the new tags');
    let out = file.getFileBuffer().slice();
    // TagLib adds an ID3v1 tag to some MP3s it saves; a file that had none keeps having none.
    if (tag.format === 'mp3' && !hasId3v1(bytes) && hasId3v1(out)) out = out.slice(0, out.length - 128);
    return out;
  } catch (error) {
    if (error instanceof TagWriteError) throw error;
    throw new TagWriteError('io', `TagLib could not write the genre: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    file.dispose();
  }
}
