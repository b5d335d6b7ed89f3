import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AUDIO_HOST, AUDIO_SCHEME, parseAudioStart, parseAudioTrackId } from '../../shared/api/audio.ts';
import type { TrackAudioStreamer } from '../services/audio.ts';

/**
 * Electron's genre-audio://track/<id> protocol as a plain fetch handler (Request in, Response out; no Electron
 * import, so it runs under test): the same streams as `serve`'s /audio/<id>, byte ranges included. The scheme is
 * registered as privileged with `stream: true` before the app is ready (index.ts), which media elements need to
 * read a response in pieces and to seek. No token: only the app's own window loads it.
 */
export function audioProtocolHandler(stream: TrackAudioStreamer): (request: Request) => Promise<Response> {
  return async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'Bad request: the address cannot be read');
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Use GET');
    const trackId = url.protocol === `${AUDIO_SCHEME}:` && url.host === AUDIO_HOST ? parseAudioTrackId(url.pathname) : null;
    if (trackId === null) return plain(404, 'Not found: the address names no track');
    const answer = await stream({
      trackId,
      method: request.method,
      range: request.headers.get('range'),
      startS: parseAudioStart(url.searchParams.get('t')),
    });
    const body = answer.body;
    if (request.method === 'HEAD' || body === null) {
      if (body !== null && typeof body !== 'string') body.destroy();
      return new Response(null, { status: answer.status, headers: answer.headers });
    }
    if (typeof body === 'string') return new Response(body, { status: answer.status, headers: answer.headers });
    // Cancelling the web stream (the player moved on) destroys the file stream, or stops ffmpeg.
    const web = Readable.toWeb(body) as WebReadableStream<Uint8Array>;
    return new Response(web as unknown as ReadableStream<Uint8Array>, { status: answer.status, headers: answer.headers });
  };
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
