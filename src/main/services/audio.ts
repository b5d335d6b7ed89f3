import type { AudioSource } from '../../shared/api/audio.ts';
import { ApiError } from '../../shared/errors.ts';
import { resolveTrackAudio, TrackAudioRefused } from '../core/audio/track-audio-file.ts';
import { trackAudioResponse } from '../core/audio/track-audio-stream.ts';
import type { TrackAudioRequest, TrackAudioResponse } from '../core/audio/track-audio-stream.ts';
import type { AppContext } from './app-context.ts';
import type { HandlerSet } from './handler-set.ts';

/** Streams a library track for the player: what the HTTP bridge's /audio/<id> and Electron's genre-audio:// call. */
export type TrackAudioStreamer = (request: TrackAudioRequest) => Promise<TrackAudioResponse>;

export function trackAudioStreamer(ctx: AppContext): TrackAudioStreamer {
  return (request) => trackAudioResponse(ctx.db, request);
}

/** The same checks as the stream, said before playing (an <audio> element's error tells no reason). */
export function audioSource(ctx: AppContext, trackId: number): AudioSource {
  try {
    const f = resolveTrackAudio(ctx.db, trackId);
    return { trackId, title: f.title, artist: f.artist, durationS: f.durationS, format: f.format, transcoded: f.contentType === null };
  } catch (error) {
    if (error instanceof TrackAudioRefused) {
      const code = error.status === 404 ? 'not_found' : error.status === 403 ? 'forbidden' : 'conflict';
      throw new ApiError(code, error.title === null ? error.message : `“${error.title}” cannot be played. ${error.message}`);
    }
    throw error;
  }
}

export function audioHandlers(ctx: AppContext): HandlerSet<'audio.'> {
  return {
    'audio.source': ({ trackId }) => audioSource(ctx, trackId),
  };
}
