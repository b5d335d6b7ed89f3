import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Database } from '../db/database.ts';
import { startTranscode, TranscodeError, transcodedContentType } from './audio-transcoder.ts';
import { FfmpegNotFoundError } from './locate-ffmpeg.ts';
import { parseByteRange } from './byte-range.ts';
import { resolveTrackAudio, TrackAudioRefused } from './track-audio-file.ts';

export interface TrackAudioRequest {
  trackId: number;
  method: 'GET' | 'HEAD';
  /** The Range header, if any. */
  range: string | null;
  /** For a transcoded stream: start this many seconds in (files streamed as they are seek by byte ranges). */
  startS: number;
}

export interface TrackAudioResponse {
  status: number;
  headers: Record<string, string>;
  /** The bytes to send: a stream (the file, or ffmpeg's output), a short text for a refusal, or nothing (HEAD). */
  body: Readable | string | null;
}

const common = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * The one answer to "play track N", for the HTTP bridge and for Electron's protocol alike. A file the browser
 * plays is streamed as it is, with byte ranges (206 with Content-Range, 416 past the end); any other format is
 * transcoded on the fly by ffmpeg and streamed without ranges (Accept-Ranges: none; seek by asking again with a
 * start time). Refusals are plain text: 404 unknown or missing track, 403 outside the library, 409 unreadable.
 */
export async function trackAudioResponse(db: Database, request: TrackAudioRequest): Promise<TrackAudioResponse> {
  let file;
  try {
    file = resolveTrackAudio(db, request.trackId);
  } catch (error) {
    if (error instanceof TrackAudioRefused) return text(error.status, error.message);
    throw error;
  }
  if (file.contentType !== null) {
    const range = parseByteRange(request.range, file.size);
    const headers: Record<string, string> = { ...common, 'content-type': file.contentType, 'accept-ranges': 'bytes' };
    if (range === 'unsatisfiable') {
      return { status: 416, headers: { ...headers, 'content-range': `bytes */${file.size}`, 'content-type': 'text/plain; charset=utf-8' }, body: 'Range not satisfiable' };
    }
    const { start, end } = range ?? { start: 0, end: file.size - 1 };
    headers['content-length'] = String(Math.max(0, end - start + 1));
    if (range) headers['content-range'] = `bytes ${start}-${end}/${file.size}`;
    const body = request.method === 'HEAD' || file.size === 0 ? null : createReadStream(file.path, { start, end });
    return { status: range ? 206 : 200, headers, body };
  }
  const headers = { ...common, 'accept-ranges': 'none' };
  try {
    if (request.method === 'HEAD') return { status: 200, headers: { ...headers, 'content-type': transcodedContentType() }, body: null };
    const t = await startTranscode(file.path, request.startS);
    return { status: 200, headers: { ...headers, 'content-type': t.contentType }, body: t.stream };
  } catch (error) {
    if (error instanceof TranscodeError) return text(error.status, error.message);
    if (error instanceof FfmpegNotFoundError) return text(503, `This format needs ffmpeg to be played, and ${error.message}`);
    throw error;
  }
}

function text(status: number, message: string): TrackAudioResponse {
  return { status, headers: { ...common, 'content-type': 'text/plain; charset=utf-8' }, body: message };
}
