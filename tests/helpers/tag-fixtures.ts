import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Formats tag write-back supports; mp3v23 is an MP3 whose tag is ID3v2.3. */
export type TagFixtureFormat = 'mp3' | 'mp3v23' | 'flac' | 'ogg' | 'opus' | 'm4a' | 'wav' | 'aiff';
export const tagFixtureFormats: TagFixtureFormat[] = ['mp3', 'mp3v23', 'flac', 'ogg', 'opus', 'm4a', 'wav', 'aiff'];

export const extensionOf: Record<TagFixtureFormat, string> = {
  mp3: 'mp3',
  mp3v23: 'mp3',
  flac: 'flac',
  ogg: 'ogg',
  opus: 'opus',
  m4a: 'm4a',
  wav: 'wav',
  aiff: 'aiff',
};

const codecArgs: Record<TagFixtureFormat, string[]> = {
  mp3: ['-c:a', 'libmp3lame', '-b:a', '96k', '-id3v2_version', '4'],
  mp3v23: ['-c:a', 'libmp3lame', '-b:a', '96k', '-id3v2_version', '3'],
  flac: ['-c:a', 'flac'],
  ogg: ['-c:a', 'libvorbis', '-q:a', '2'],
  opus: ['-c:a', 'libopus', '-b:a', '48k'],
  m4a: ['-c:a', 'aac', '-b:a', '96k'],
  wav: ['-c:a', 'pcm_s16le'],
  aiff: ['-c:a', 'pcm_s16be', '-write_id3v2', '1'],
};

/** Formats whose container takes a cover as an attached picture stream in ffmpeg; Ogg gets a METADATA_BLOCK_PICTURE comment. */
const attachedPicture: ReadonlySet<TagFixtureFormat> = new Set(['mp3', 'mp3v23', 'flac', 'm4a', 'aiff']);
export const hasCover = (f: TagFixtureFormat): boolean => f !== 'wav';

function ffmpeg(args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
}

let coverPng: Buffer | null = null;
/** A 16x16 PNG made by ffmpeg. */
function cover(): Buffer {
  coverPng ??= ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=16x16:rate=1:duration=1', '-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe', '-']);
  return coverPng;
}

/** A FLAC picture block, base64, as Vorbis comments carry cover art (METADATA_BLOCK_PICTURE). */
function pictureBlock(png: Buffer): string {
  const mime = Buffer.from('image/png');
  const desc = Buffer.from('Front');
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return Buffer.concat([u32(3), u32(mime.length), mime, u32(desc.length), desc, u32(16), u32(16), u32(24), u32(0), u32(png.length), png]).toString('base64');
}

export interface TaggedFileOptions {
  /** The genre tag; null or omitted: none. Several genres are written as ffmpeg writes one value. */
  genre?: string | null;
  /** Cover art where the format has a place for it (default true). */
  cover?: boolean;
  seconds?: number;
  source?: string;
}

/**
 * A real audio file written by ffmpeg with a full set of tags: title, artist, album, date, track "3/9", comment,
 * a custom field (TXXX in ID3, a Vorbis field), a private ID3 frame (PRIV) in MP3/AIFF, cover art, and the genre.
 */
export function makeTaggedFile(path: string, format: TagFixtureFormat, options: TaggedFileOptions = {}): string {
  mkdirSync(dirname(path), { recursive: true });
  const seconds = options.seconds ?? 1;
  const args = ['-f', 'lavfi', '-i', `${options.source ?? 'sine=frequency=440'}:duration=${seconds}`];
  const withCover = (options.cover ?? true) && hasCover(format);
  if (withCover && attachedPicture.has(format)) {
    args.push('-f', 'lavfi', '-i', 'testsrc=size=16x16:rate=1:duration=1', '-map', '0:a', '-map', '1:v', '-c:v', format === 'm4a' ? 'mjpeg' : 'png');
    args.push('-frames:v', '1', '-disposition:v', 'attached_pic', '-metadata:s:v', 'comment=Cover (front)');
  }
  args.push('-ar', format === 'opus' ? '48000' : '44100', '-ac', '2');
  const tags: Record<string, string> = {
    title: 'Fixture Title',
    artist: 'Fixture Artist',
    album: 'Fixture Album',
    date: '2001',
    track: '3/9',
    comment: 'Hand-made comment',
    MYCUSTOM: 'Custom value',
  };
  if (options.genre) tags.genre = options.genre;
  if (format === 'mp3' || format === 'mp3v23' || format === 'aiff') tags['id3v2_priv.com.example.tagger'] = '\\x00\\x01private bytes';
  if (withCover && (format === 'ogg' || format === 'opus')) tags.METADATA_BLOCK_PICTURE = pictureBlock(cover());
  for (const [k, v] of Object.entries(tags)) args.push('-metadata', `${k}=${v}`);
  args.push(...codecArgs[format], path);
  ffmpeg(args);
  return path;
}

/** MD5 of the decoded audio (ffmpeg's md5 muxer on PCM): equal when the audio is bit-identical. */
export function decodedAudioMd5(path: string): string {
  return ffmpeg(['-i', path, '-map', '0:a', '-f', 'md5', '-']).toString().trim();
}

/**
 * MD5 of every stream's packets, copied without decoding, one line per stream ("0,a,MD5=…", "1,v,MD5=…"): equal
 * when the audio frames' bytes and the cover picture's bytes are equal. One ffmpeg run for both.
 */
export function streamHashes(path: string): string[] {
  return ffmpeg(['-i', path, '-map', '0', '-c', 'copy', '-f', 'streamhash', '-hash', 'md5', '-']).toString().trim().split('\n');
}

/** Every tag ffprobe sees (container and streams), keys lower-cased, genre left out: what must survive a genre write. */
export function otherTags(path: string): Record<string, string> {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format_tags:stream_tags', '-of', 'json', path]).toString();
  const json = JSON.parse(out) as { format?: { tags?: Record<string, string> }; streams?: { tags?: Record<string, string> }[] };
  const tags: Record<string, string> = {};
  const add = (t: Record<string, string> | undefined, prefix: string): void => {
    for (const [k, v] of Object.entries(t ?? {})) if (k.toLowerCase() !== 'genre') tags[`${prefix}${k.toLowerCase()}`] = v;
  };
  add(json.format?.tags, '');
  json.streams?.forEach((s, i) => add(s.tags, `stream${i}:`));
  return tags;
}

export function sha1File(path: string): string {
  return createHash('sha1').update(readFileSync(path)).digest('hex');
}
