import { z } from '../zod.ts';
import { method } from '../method.ts';

/**
 * Listening. The renderer never names a file: it asks for a track id, and the main process streams that track's
 * file (checked to be a present library file inside a library folder) or, for formats a browser cannot play,
 * ffmpeg's transcoding of it. In Electron the address is `genre-audio://track/<id>`; under `genre-tagger serve`
 * it is `/audio/<id>?token=<session token>`. Both answer byte ranges (206) for files streamed as they are.
 */
export const AUDIO_SCHEME = 'genre-audio';
export const AUDIO_HOST = 'track';
/** The path under which `serve` streams tracks: /audio/<trackId>. */
export const AUDIO_HTTP_PREFIX = '/audio/';

export interface AudioSource {
  trackId: number;
  /** The title, or the file name when the tags have none. */
  title: string;
  artist: string | null;
  durationS: number | null;
  format: string | null;
  /**
   * The browser cannot play the file's format (WMA, ALAC, AIFF, APE, WavPack, DSD…): it is transcoded on the fly
   * to Ogg Opus, streamed without byte ranges, so seeking asks for a new stream that starts at that time (`t`).
   */
  transcoded: boolean;
}

export const audioApi = {
  /** What the player needs to play a track; an error says why it cannot be played (missing file, not in the library…). */
  'audio.source': method(z.object({ trackId: z.number().int().positive() }).strict()).returns<AudioSource>(),
};

export interface AudioUrlOptions {
  /** `serve`'s session token (the <audio> element cannot send an Authorization header). */
  token?: string;
  /** Start a transcoded stream at this many seconds. */
  startS?: number;
}

/** The address of a track's audio in the given shell. */
export function audioUrl(shell: 'electron' | 'http', trackId: number, options: AudioUrlOptions = {}): string {
  const params = new URLSearchParams();
  if (shell === 'http' && options.token) params.set('token', options.token);
  if (options.startS !== undefined && options.startS > 0) params.set('t', options.startS.toFixed(3));
  const query = params.toString() ? `?${params.toString()}` : '';
  return shell === 'electron' ? `${AUDIO_SCHEME}://${AUDIO_HOST}/${trackId}${query}` : `${AUDIO_HTTP_PREFIX}${trackId}${query}`;
}

/** The track id of an audio path ("/12"), or null for anything else. */
export function parseAudioTrackId(path: string): number | null {
  const m = /^\/([1-9]\d{0,15})$/.exec(path);
  if (!m) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) ? id : null;
}

/** The start time asked with `t` (seconds, at least 0), 0 when absent or unreadable. */
export function parseAudioStart(value: string | null): number {
  if (value === null) return 0;
  const t = Number(value);
  return Number.isFinite(t) && t > 0 ? t : 0;
}
