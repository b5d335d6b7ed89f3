import { spawn, spawnSync } from 'node:child_process';
import type { Readable } from 'node:stream';
import { requireFfmpeg } from './locate-ffmpeg.ts';

/** At most this many transcodings run at once (a player needs one; a seek may overlap the next one briefly). */
export const MAX_TRANSCODES = 6;

export class TranscodeError extends Error {
  /** 503: too many at once; 422: ffmpeg cannot decode the file. */
  readonly status: 422 | 503;
  constructor(status: 422 | 503, message: string) {
    super(message);
    this.name = 'TranscodeError';
    this.status = status;
  }
}

export interface Transcoding {
  contentType: string;
  /** ffmpeg's output; destroying it stops ffmpeg. */
  stream: Readable;
}

let running = 0;
let encoder: { args: string[]; contentType: string } | null = null;

/** Ogg Opus where ffmpeg has libopus (it nearly always has), else FLAC: both stream, both play in Chromium. */
function chooseEncoder(ffmpeg: string): { args: string[]; contentType: string } {
  if (encoder) return encoder;
  const r = spawnSync(ffmpeg, ['-hide_banner', '-encoders'], { encoding: 'utf8', timeout: 5000 });
  encoder = / libopus /.test(r.stdout ?? '')
    ? { args: ['-c:a', 'libopus', '-b:a', '160k', '-ar', '48000', '-f', 'ogg'], contentType: 'audio/ogg' }
    : { args: ['-c:a', 'flac', '-f', 'flac'], contentType: 'audio/flac' };
  return encoder;
}

/** The Content-Type of what startTranscode streams (throws FfmpegNotFoundError without ffmpeg). */
export function transcodedContentType(): string {
  return chooseEncoder(requireFfmpeg().path).contentType;
}

/**
 * Transcodes a file the browser cannot play into a format it can, as a stream, starting `startS` seconds in.
 * Resolves once ffmpeg has produced its first bytes, so a file ffmpeg cannot decode is an error with ffmpeg's
 * reason (TranscodeError 422), not an empty response. Stopping the stream (the listener went away) stops ffmpeg.
 */
export function startTranscode(path: string, startS = 0): Promise<Transcoding> {
  if (running >= MAX_TRANSCODES) {
    return Promise.reject(new TranscodeError(503, `Too many tracks are being transcoded at once (at most ${MAX_TRANSCODES}); try again in a moment.`));
  }
  const ffmpeg = requireFfmpeg().path;
  const { args, contentType } = chooseEncoder(ffmpeg);
  const seek = startS > 0 ? ['-ss', startS.toFixed(3)] : [];
  const child = spawn(
    ffmpeg,
    ['-hide_banner', '-loglevel', 'error', '-nostdin', ...seek, '-i', path, '-map', '0:a:0', '-vn', '-sn', '-dn', '-map_metadata', '-1', '-ac', '2', ...args, 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true },
  );
  running++;
  let exited = false;
  const stopped = (): void => {
    if (exited) return;
    exited = true;
    running--;
  };
  child.once('exit', stopped);
  child.once('error', stopped);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  const stream = child.stdout;
  // The reader went away (or the stream ended): ffmpeg has nobody to write for.
  stream.once('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    let started = false;
    child.once('error', (e) => {
      if (started) return;
      stream.destroy();
      reject(new TranscodeError(422, `ffmpeg could not start: ${e.message}`));
    });
    child.once('close', (code) => {
      if (started) return;
      stream.destroy();
      const reason = stderr.trim().split('\n').at(-1) || 'it wrote no audio';
      reject(new TranscodeError(422, `ffmpeg could not transcode the file${code ? ` (exit code ${code})` : ''}: ${reason}`));
    });
    // The first bytes are put back for the reader: the stream is handed over paused, whole.
    stream.once('data', (chunk: Buffer) => {
      started = true;
      stream.pause();
      stream.unshift(chunk);
      resolve({ contentType, stream });
    });
  });
}
