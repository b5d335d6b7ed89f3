import { MIN_DECODED_SHARE } from '../audio/decode-completeness.ts';
import { parseFromTokenizer } from 'music-metadata';
import type { IAudioMetadata } from 'music-metadata';
import { BufferedFileTokenizer } from './buffered-file-tokenizer.ts';
import { declaredContainerSize } from './container-size.ts';
import { formatName } from './format-name.ts';
import { readRawStreamHeader } from './raw-audio-stream.ts';
import type { RawStreamInfo } from './raw-audio-stream.ts';
import { TrackReadError } from './read-error.ts';
import type { TrackMetadata } from './track-metadata.ts';

/**
 * Reads format and tags of one file. The parser is chosen from the file's content, not its extension, so a FLAC
 * named .mp3 is read correctly and a text file named .mp3 is reported. Throws TrackReadError with a readable reason
 * for empty, unrecognised, corrupt and visibly truncated files.
 */
export async function readTrackMetadata(path: string, sizeBytes: number): Promise<TrackMetadata> {
  if (sizeBytes === 0) throw new TrackReadError('Empty file (0 bytes)');
  let meta: IAudioMetadata;
  try {
    meta = await parse(path, false);
  } catch (error) {
    // a bare AC-3, E-AC-3 or DTS stream: music-metadata reads none, ffmpeg decodes them
    const raw = error instanceof TrackReadError ? rawStreamOrNull(path, sizeBytes) : null;
    if (raw) return rawStreamMetadata(raw);
    throw error;
  }
  // Ogg streams state their length only in the last page; finding it is one more seek, so ask for it. (Elsewhere
  // `duration: true` can mean reading every MPEG frame, so it is not the default.)
  if (meta.format.duration === undefined && meta.format.container === 'Ogg') meta = await parse(path, true);
  const f = meta.format;
  if (f.hasAudio === false || (!f.codec && !f.container)) {
    throw new TrackReadError('Corrupt header: no audio stream could be read from it');
  }
  const durationS = finiteOrNull(f.duration);
  const bitrate = finiteOrNull(f.bitrate);
  const format = formatName(f.container, f.codec);
  checkNotTruncated(format, durationS, bitrate, sizeBytes);
  if (format === 'wav' || format === 'aiff') {
    const declared = declaredContainerSize(path);
    // under half of it there: too little to classify (decode-completeness.ts); above, classify warns with the share
    if (declared !== null && sizeBytes < declared * MIN_DECODED_SHARE) {
      throw new TrackReadError(
        `Truncated: the ${format.toUpperCase()} header declares ${kib(declared)}, but the file holds only ${kib(sizeBytes)}`,
      );
    }
  }
  if (durationS === 0) throw new TrackReadError('The file declares no audio (duration 0 s)');
  const c = meta.common;
  return {
    format,
    codec: f.codec ?? null,
    durationS,
    sampleRate: finiteOrNull(f.sampleRate),
    channels: finiteOrNull(f.numberOfChannels),
    bitrate: bitrate === null ? null : Math.round(bitrate),
    title: clean(c.title),
    artist: clean(c.artist) ?? clean(c.artists?.join(', ')),
    album: clean(c.album),
    albumArtist: clean(c.albumartist),
    genres: splitGenres(c.genre ?? []),
    year: finiteOrNull(c.year),
    trackNo: finiteOrNull(c.track?.no ?? undefined),
  };
}

/** The header of a bare stream, or null (also when the file cannot be read: the parser's reason stands). */
function rawStreamOrNull(path: string, sizeBytes: number): RawStreamInfo | null {
  try {
    return readRawStreamHeader(path, sizeBytes);
  } catch {
    return null;
  }
}

/** A bare stream has no tags: its header says what it is and how long. */
function rawStreamMetadata(raw: RawStreamInfo): TrackMetadata {
  return {
    format: raw.format, codec: raw.codec, durationS: raw.durationS, sampleRate: raw.sampleRate, channels: raw.channels,
    bitrate: raw.bitrate, title: null, artist: null, album: null, albumArtist: null, genres: [], year: null, trackNo: null,
  };
}

/** music-metadata's words for an MP4 whose boxes run past the end of the file (a download that stopped). */
const MP4_CUT_SHORT = /^(Atom size exceeds remaining bytes|Truncated (extended )?atom header)/;

async function parse(path: string, duration: boolean, sizeUnknown = false): Promise<IAudioMetadata> {
  let tokenizer: BufferedFileTokenizer;
  try {
    tokenizer = new BufferedFileTokenizer(path, { sizeUnknown });
  } catch (error) {
    throw new TrackReadError(describeParseError(error));
  }
  try {
    // The tokenizer carries no path, so music-metadata picks the parser by content, not by extension.
    return await parseFromTokenizer(tokenizer, { skipCovers: true, duration });
  } catch (error) {
    if (sizeUnknown || !(error instanceof Error) || !MP4_CUT_SHORT.test(error.message)) throw new TrackReadError(describeParseError(error));
  } finally {
    await tokenizer.close();
  }
  // An MP4 cut short: read again as far as it goes. Where its index (the moov box) comes before the cut, as in
  // files written for streaming, the audio before the cut decodes, and classification says how much of it did.
  const meta = await parse(path, duration, true);
  if (meta.format.hasAudio === false || !meta.format.codec) {
    throw new TrackReadError('Truncated: the file ends before its MP4 index (the moov box, which describes its audio), so none of it can be read');
  }
  return meta;
}

/**
 * Where the header states how much audio follows (PCM: exactly; MPEG: from the frame or Xing header), a file much
 * smaller than that was cut short. Formats whose bitrate is nominal or computed from the file size are not judged
 * here; decoding catches those.
 */
function checkNotTruncated(format: string, durationS: number | null, bitrate: number | null, sizeBytes: number): void {
  if (durationS === null || bitrate === null || durationS < 0.5) return;
  const share = format === 'wav' || format === 'aiff' || format === 'mp3' || format === 'mp2' ? MIN_DECODED_SHARE : 0;
  if (share === 0) return;
  const promised = (durationS * bitrate) / 8;
  if (sizeBytes < promised * share && promised - sizeBytes > 4096) {
    throw new TrackReadError(
      `Truncated: the header describes ${durationS.toFixed(1)} s of audio (about ${kib(promised)}), ` +
        `but the file holds only ${kib(sizeBytes)}`,
    );
  }
}

/** Genres as written in the tags, in order, without duplicates; an ID3v2.3-style single "Rock; Pop" value is split on ';'. */
export function splitGenres(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const part of v.split(/\s*;\s*|\u0000/)) {
      const g = part.trim();
      if (g && !out.includes(g)) out.push(g);
    }
  }
  return out;
}

function describeParseError(error: unknown): string {
  const name = error instanceof Error ? error.constructor.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CouldNotDetermineFileTypeError') return 'Not an audio file: its content matches no known audio format';
  if (name === 'UnsupportedFileTypeError') return `Not a supported audio format (${message.replace(/^.*?:\s*/, '')})`;
  if (/end.of.stream|EndOfStream/i.test(message)) return 'Truncated or corrupt: the file ends inside a header';
  if (/EACCES|EPERM/.test(message)) return 'Permission denied: the file cannot be read';
  return `Corrupt or unreadable: ${message}`;
}

function clean(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const t = value.replace(/\u0000+$/g, '').trim();
  return t === '' ? null : t;
}

function finiteOrNull(value: number | undefined | null): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
