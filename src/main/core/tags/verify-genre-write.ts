import { createHash } from 'node:crypto';
import { parseBuffer } from 'music-metadata';
import type { IAudioMetadata } from 'music-metadata';
import { sameGenres } from './merge-genres.ts';
import { displayGenres } from './genre-tag.ts';
import type { GenreTagOptions } from './genre-tag.ts';
import { TagWriteError } from './tag-write-error.ts';

/** Genre fields per tag type as music-metadata names them (compared upper-case); they are the ones allowed to change. */
const genreIds: Record<string, ReadonlySet<string>> = {
  'ID3v2.2': new Set(['TCO']),
  'ID3v2.3': new Set(['TCON']),
  'ID3v2.4': new Set(['TCON']),
  ID3v1: new Set(['GENRE']),
  vorbis: new Set(['GENRE']),
  iTunes: new Set(['©GEN', 'GNRE']),
  exif: new Set(['IGNR']),
  APEv2: new Set(['GENRE']),
  asf: new Set(['WM/GENRE']),
};

function isGenreField(type: string, id: string): boolean {
  return genreIds[type]?.has(id.toUpperCase()) ?? false;
}

/** A tag value as comparable text: binary data (pictures) by hash. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Uint8Array) return `sha1:${createHash('sha1').update(v).digest('hex')}`;
    if (typeof v === 'object' && v !== null && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return `sha1:${createHash('sha1').update(Buffer.from((v as { data: number[] }).data)).digest('hex')}`;
    }
    return v;
  });
}

/** The plain strings inside a value, to recognise a copied value in a tag block the write created. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    const v = value as Record<string, unknown>;
    if (typeof v.text === 'string') return [v.text];
    if (typeof v.no === 'number') return [v.of ? `${v.no}/${v.of}` : String(v.no), String(v.no)];
  }
  return [];
}

interface Entry {
  /** Field id and value, comparable as text. */
  text: string;
  /** The plain strings of the value. */
  strings: string[];
}

function entriesByType(meta: IAudioMetadata): Map<string, Entry[]> {
  const out = new Map<string, Entry[]>();
  for (const [type, tags] of Object.entries(meta.native)) {
    const list = out.get(type) ?? [];
    for (const t of tags) {
      if (isGenreField(type, t.id)) continue;
      // Vorbis field names are case-insensitive; TagLib writes them upper-case.
      const id = (type === 'vorbis' ? t.id.toUpperCase() : t.id).replace(/[\u0000-\u001f]/g, '?');
      list.push({ text: `${id}=${canonical(t.value)}`, strings: strings(t.value) });
    }
    out.set(type, list);
  }
  return out;
}

/** The first entry only one side has (multisets: a field repeated twice must stay twice). */
function firstDifference(before: Entry[], after: Entry[]): string | null {
  const rest = after.map((e) => e.text);
  for (const e of before) {
    const i = rest.indexOf(e.text);
    if (i < 0) return `${e.text.slice(0, 120)} would be lost or changed`;
    rest.splice(i, 1);
  }
  return rest.length > 0 ? `${rest[0].slice(0, 120)} would be added` : null;
}

const audioFields = ['container', 'codec', 'sampleRate', 'numberOfChannels', 'bitsPerSample', 'lossless', 'numberOfSamples'] as const;

async function parse(bytes: Uint8Array, what: string): Promise<IAudioMetadata> {
  try {
    return await parseBuffer(bytes, undefined, { duration: false, skipCovers: false });
  } catch (error) {
    throw new TagWriteError('verify_failed', `The ${what} cannot be read back: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Checks a rendered file against the original with a second, independent reader (music-metadata, which the
 * scanner uses too): the genres read back are exactly `expected` (when given); every other tag field of every tag block,
 * pictures included, is unchanged; a tag block the write created holds only genres and copies of values the file
 * already had (TagLib adds an ID3 chunk to WAV files to carry several genres); the audio stream's properties are
 * unchanged. Throws TagWriteError('verify_failed') naming the first difference; the original file is then left alone.
 */
export async function verifyGenreWrite(
  before: Uint8Array,
  after: Uint8Array,
  expected: readonly string[] | null,
  options: GenreTagOptions,
): Promise<{ genres: string[] }> {
  const [a, b] = [await parse(before, 'original file'), await parse(after, 'written file')];
  const genres = displayGenres(b.common.genre ?? [], options);
  if (expected && !sameGenres(genres, expected)) {
    throw new TagWriteError(
      'verify_failed',
      `Read back "${genres.join('; ')}" instead of "${expected.join('; ')}"; the file was not changed`,
    );
  }
  const ea = entriesByType(a);
  const eb = entriesByType(b);
  const known = new Set<string>();
  for (const list of ea.values()) for (const e of list) for (const s of e.strings) known.add(s);
  for (const [type, list] of ea) {
    const now = eb.get(type);
    if (!now) {
      if (list.length > 0) throw new TagWriteError('verify_failed', `Writing would remove the ${type} tag; the file was not changed`);
      continue;
    }
    const diff = firstDifference(list, now);
    if (diff) throw new TagWriteError('verify_failed', `Writing would change other tags (${type} ${diff}); the file was not changed`);
  }
  for (const [type, list] of eb) {
    if (ea.has(type)) continue;
    for (const e of list) {
      if (!e.strings.some((s) => known.has(s))) {
        throw new TagWriteError('verify_failed', `Writing would add ${type} ${e.text.slice(0, 120)}; the file was not changed`);
      }
    }
  }
  for (const f of audioFields) {
    if (a.format[f] !== b.format[f]) {
      throw new TagWriteError('verify_failed', `Writing would change the audio stream (${f}: ${a.format[f]} -> ${b.format[f]}); the file was not changed`);
    }
  }
  return { genres };
}
