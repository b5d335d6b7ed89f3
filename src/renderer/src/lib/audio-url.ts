import { audioUrl } from '../../../shared/api/audio.ts';
import { sessionToken } from './page-token.ts';

/** Where the <audio> element reads a track: Electron's genre-audio:// protocol, or `serve`'s /audio/<id> with the token. */
export function trackAudioUrl(trackId: number, startS?: number): string {
  return window.api ? audioUrl('electron', trackId, { startS }) : audioUrl('http', trackId, { token: sessionToken(), startS });
}
