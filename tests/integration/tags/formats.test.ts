import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TagMode } from '../../../src/shared/api/tags.ts';
import { readGenreTag } from '../../../src/main/core/tags/genre-tag.ts';
import type { GenreSnapshot } from '../../../src/main/core/tags/genre-tag.ts';
import { mergeGenres, sameGenres } from '../../../src/main/core/tags/merge-genres.ts';
import { normalizeGenres } from '../../../src/main/core/tags/taxonomy.ts';
import { writeFileGenres } from '../../../src/main/core/tags/write-file-genres.ts';
import type { FileWriteOutcome, FileWriteRequest } from '../../../src/main/core/tags/write-file-genres.ts';
import { fingerprintFile } from '../../../src/main/core/scan/fingerprint.ts';
import { readTrackMetadata } from '../../../src/main/core/scan/read-track-metadata.ts';
import {
  decodedAudioMd5,
  extensionOf,
  hasCover,
  makeTaggedFile,
  otherTags,
  sha1File,
  streamHashes,
  tagFixtureFormats,
} from '../../helpers/tag-fixtures.ts';
import type { TagFixtureFormat } from '../../helpers/tag-fixtures.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const options = { id3v23Separator: '; ' };

interface Base {
  path: string;
  decoded: string;
  /** Packet hashes of the audio stream and (where there is one) the cover picture stream. */
  streams: string[];
  tags: Record<string, string>;
}

let tmp: ReturnType<typeof makeTempDir>;
const bases = new Map<string, Base>();
let copies = 0;

function copyOf(base: Base, format: TagFixtureFormat): string {
  const path = join(tmp.dir, `copy-${++copies}.${extensionOf[format]}`);
  copyFileSync(base.path, path);
  return path;
}

/** What the library would know about a file after a scan, and the library folder it lies in. */
function scanned(path: string): Pick<FileWriteRequest, 'expected' | 'roots'> {
  const st = statSync(path);
  return {
    expected: { size: st.size, mtimeMs: Math.floor(st.mtimeMs), fingerprint: fingerprintFile(path, st.size) },
    roots: [{ path: tmp.dir, realPath: realpathSync(tmp.dir) }],
  };
}

async function write(path: string, wanted: string[], mode: TagMode): Promise<FileWriteOutcome> {
  return writeFileGenres({
    path,
    ...scanned(path),
    options,
    decide: (tag) => {
      const next = mergeGenres(tag.genres, wanted, mode);
      return sameGenres(next, tag.genres) ? null : { target: { genres: next }, expect: next };
    },
  });
}

/** How the genre sits in the file's own tag, as music-metadata lists the native frames / comments / atoms. */
async function nativeGenres(path: string): Promise<{ type: string; values: string[] }[]> {
  const meta = await parseFile(path, { skipCovers: true, duration: false });
  const ids = new Set(['TCON', 'GENRE', '©gen', 'IGNR']);
  return Object.entries(meta.native)
    .map(([type, tags]) => ({ type, values: tags.filter((t) => ids.has(t.id.toUpperCase() === 'GENRE' ? 'GENRE' : t.id)).map((t) => String(t.value)) }))
    .filter((e) => e.values.length > 0);
}

/**
 * Everything but the genre must be as in the original: the audio frames' bytes (and, where asked, the decoded
 * audio), the cover, every other tag.
 */
function expectOnlyGenreChanged(base: Base, path: string, decoded = false): void {
  if (decoded) expect(decodedAudioMd5(path)).toBe(base.decoded);
  expect(streamHashes(path)).toEqual(base.streams);
  expect(otherTags(path)).toEqual(base.tags);
}

/** The scanner's reader (music-metadata + splitGenres) and TagLib both read `genres` back. */
async function expectGenres(path: string, genres: string[]): Promise<void> {
  const scanned = await readTrackMetadata(path, statSync(path).size);
  expect(scanned.genres).toEqual(genres);
  const tag = await readGenreTag(new Uint8Array(readFileSync(path)), options);
  expect(tag.genres).toEqual(genres);
}

beforeAll(() => {
  tmp = makeTempDir('gt-tag-formats-');
  for (const format of tagFixtureFormats) {
    for (const genre of ['Rock', null]) {
      const path = makeTaggedFile(join(tmp.dir, `base-${format}-${genre ?? 'none'}.${extensionOf[format]}`), format, { genre });
      bases.set(`${format}:${genre ?? 'none'}`, {
        path,
        decoded: decodedAudioMd5(path),
        streams: streamHashes(path),
        tags: otherTags(path),
      });
    }
  }
});

afterAll(() => tmp?.cleanup());

describe.each(tagFixtureFormats)('genre write-back into %s', (format) => {
  it('has the fixture this test relies on (tags, cover, genre)', async () => {
    const base = bases.get(`${format}:Rock`)!;
    expect(base.tags.title ?? base.tags['stream0:title']).toBe('Fixture Title');
    // A custom field (TXXX, a Vorbis field); ffmpeg's MP4 and WAV writers only take standard fields.
    if (format !== 'm4a' && format !== 'wav') expect(base.tags.mycustom ?? base.tags['stream0:mycustom']).toBe('Custom value');
    // A private (PRIV) frame, opaque to taggers, rides along in the MP3s.
    if (format === 'mp3' || format === 'mp3v23') expect(base.tags['id3v2_priv.com.example.tagger']).toMatch(/private bytes/);
    expect(base.streams[0]).toMatch(/^0,a,MD5=/);
    if (hasCover(format)) expect(base.streams[1]).toMatch(/^1,v,MD5=/);
    else expect(base.streams).toHaveLength(1);
    await expectGenres(base.path, ['Rock']);
  });

  it('replace: writes several genres as the format carries them, touching nothing else', async () => {
    const base = bases.get(`${format}:Rock`)!;
    const path = copyOf(base, format);
    const out = await write(path, ['Hip Hop', 'Jazz'], 'replace');
    expect(out.status).toBe('written');
    expect(out.oldGenres).toEqual(['Rock']);
    expect(out.newGenres).toEqual(['Hip Hop', 'Jazz']);
    await expectGenres(path, ['Hip Hop', 'Jazz']);
    expectOnlyGenreChanged(base, path, true);
    const native = await nativeGenres(path);
    const expectedLayout: Record<TagFixtureFormat, { type: string; values: string[] }[]> = {
      mp3: [{ type: 'ID3v2.4', values: ['Hip Hop', 'Jazz'] }],
      mp3v23: [{ type: 'ID3v2.3', values: ['Hip Hop; Jazz'] }],
      flac: [{ type: 'vorbis', values: ['Hip Hop', 'Jazz'] }],
      ogg: [{ type: 'vorbis', values: ['Hip Hop', 'Jazz'] }],
      opus: [{ type: 'vorbis', values: ['Hip Hop', 'Jazz'] }],
      m4a: [{ type: 'iTunes', values: ['Hip Hop', 'Jazz'] }],
      // RIFF INFO holds one string (the first genre); TagLib adds an ID3 chunk that holds them all.
      wav: [
        { type: 'ID3v2.4', values: ['Hip Hop', 'Jazz'] },
        { type: 'exif', values: ['Hip Hop'] },
      ],
      aiff: [{ type: 'ID3v2.4', values: ['Hip Hop', 'Jazz'] }],
    };
    expect(native).toEqual(expectedLayout[format]);
  });

  it('add: keeps the hand-made genre and appends only what is new (taxonomy applied first)', async () => {
    const base = bases.get(`${format}:Rock`)!;
    const path = copyOf(base, format);
    const wanted = normalizeGenres(['jazz', 'ROCK', 'hip-hop'], { aliases: { hiphop: 'Hip Hop', jazz: 'Jazz' }, caseStyle: 'title' });
    expect(wanted).toEqual(['Jazz', 'ROCK', 'Hip Hop']);
    const out = await write(path, wanted, 'add');
    expect(out.newGenres).toEqual(['Rock', 'Jazz', 'Hip Hop']);
    await expectGenres(path, ['Rock', 'Jazz', 'Hip Hop']);
    expectOnlyGenreChanged(base, path);
  });

  it('fill: leaves a file that has a genre byte-identical, fills one that has none', async () => {
    const withGenre = bases.get(`${format}:Rock`)!;
    const a = copyOf(withGenre, format);
    const before = sha1File(a);
    const mtime = statSync(a).mtimeMs;
    const unchanged = await write(a, ['Jazz'], 'fill');
    expect(unchanged.status).toBe('unchanged');
    expect(sha1File(a)).toBe(before);
    expect(statSync(a).mtimeMs).toBe(mtime);

    const empty = bases.get(`${format}:none`)!;
    await expectGenres(empty.path, []);
    const b = copyOf(empty, format);
    const out = await write(b, ['Jazz'], 'fill');
    expect(out.status).toBe('written');
    expect(out.oldGenres).toEqual([]);
    await expectGenres(b, ['Jazz']);
    expectOnlyGenreChanged(empty, b);
  });

  it('restores a snapshot exactly, including "no genre"', async () => {
    for (const key of ['Rock', 'none']) {
      const base = bases.get(`${format}:${key}`)!;
      const path = copyOf(base, format);
      const original = await readGenreTag(new Uint8Array(readFileSync(path)), options);
      const written = await write(path, ['Hip Hop', 'Jazz'], 'replace');
      expect(written.oldSnapshot).toEqual(original.snapshot);
      const snapshot: GenreSnapshot = written.oldSnapshot;
      const restored = await writeFileGenres({
        path,
        ...scanned(path),
        options,
        decide: () => ({ target: { snapshot }, expect: null }),
      });
      expect(restored.status).toBe('written');
      const now = await readGenreTag(new Uint8Array(readFileSync(path)), options);
      expect(now.snapshot).toEqual(original.snapshot);
      expect(now.genres).toEqual(key === 'none' ? [] : ['Rock']);
      await expectGenres(path, key === 'none' ? [] : ['Rock']);
      expectOnlyGenreChanged(base, path);
    }
  });
});

describe('ID3v2.3', () => {
  it('joins genres with the configured separator', async () => {
    const format: TagFixtureFormat = 'mp3v23';
    const base = bases.get(`${format}:Rock`)!;
    const path = copyOf(base, format);
    const tight = { id3v23Separator: ';' };
    await writeFileGenres({ path, ...scanned(path), options: tight, decide: () => ({ target: { genres: ['Hip Hop', 'Jazz'] }, expect: ['Hip Hop', 'Jazz'] }) });
    expect(await nativeGenres(path)).toEqual([{ type: 'ID3v2.3', values: ['Hip Hop;Jazz'] }]);
    await expectGenres(path, ['Hip Hop', 'Jazz']);
  });
});

describe('MP3 without an ID3v2 tag', () => {
  it('gets a v2.4 tag holding only the genre, keeps its ID3v1 tag, and undo gives back the very same bytes', async () => {
    const raw = join(tmp.dir, 'raw.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'libmp3lame', '-id3v2_version', '0', raw]);
    // ID3v1: "TAG", title (30 bytes), artist (30), album (30), year (4), comment (30), genre index (17 = Rock).
    const v1 = Buffer.alloc(128);
    v1.write('TAG', 0, 'latin1');
    v1.write('Old Title', 3, 'latin1');
    v1.write('Old Artist', 33, 'latin1');
    v1[127] = 17;
    const withV1 = join(tmp.dir, 'id3v1-only.mp3');
    writeFileSync(withV1, Buffer.concat([readFileSync(raw), v1]));
    for (const [path, old] of [[raw, []], [withV1, ['Rock']]] as const) {
      const original = readFileSync(path);
      const written = await write(path, ['Jazz'], 'replace');
      expect(written.oldGenres).toEqual(old);
      await expectGenres(path, ['Jazz']);
      const meta = await parseFile(path, { duration: false });
      expect(Object.keys(meta.native).sort()).toEqual(old.length > 0 ? ['ID3v1', 'ID3v2.4'] : ['ID3v2.4']);
      if (old.length > 0) expect(meta.native.ID3v1.map((t) => t.value)).toEqual(['Old Title', 'Old Artist', 'Rock']);
      await writeFileGenres({ path, ...scanned(path), options, decide: () => ({ target: { snapshot: written.oldSnapshot }, expect: null }) });
      expect(readFileSync(path).equals(original)).toBe(true);
    }
  });
});
