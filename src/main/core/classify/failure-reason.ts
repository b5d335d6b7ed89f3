import { AudioDecodeError } from '../audio/audio-decode-error.ts';
import type { DecodeWarning } from '../audio/decode-completeness.ts';
import { SilentTrackError } from './silent-track-error.ts';

export interface FailureReason {
  code: string;
  /** For the user, without the path (the library shows it beside the reason). */
  message: string;
  /**
   * What the job does about it: `unreadable` records it and shows the track as unreadable (the file cannot be
   * decoded); `failed` records it against the track (a fault of ours: retried when the engine changes); `skip`
   * writes nothing (the file vanished since the scan: the next scan marks it missing); `stop` ends the job
   * (ffmpeg missing, cancelled).
   */
  action: 'unreadable' | 'failed' | 'skip' | 'stop';
}

/** Why listening to `path` failed, in words for the library's list of unreadable files. */
export function failureReason(error: unknown, path: string): FailureReason {
  if (error instanceof AudioDecodeError) {
    const message = withoutPath(error.message, path);
    if (error.code === 'ffmpeg-missing' || error.code === 'cancelled') return { code: error.code, message, action: 'stop' };
    if (error.code === 'not-found') {
      return { code: error.code, message: 'The file was deleted or moved while it was being classified (the next scan marks it missing)', action: 'skip' };
    }
    if (error.code === 'too-short') return { code: error.code, message, action: 'unreadable' };
    return { code: error.code, message: `Cannot decode the audio: ${message}`, action: 'unreadable' };
  }
  // Listed with the files that could not be read: there is nothing to hear, so no genre to give.
  if (error instanceof SilentTrackError) return { code: 'silent', message: error.message, action: 'unreadable' };
  const text = error instanceof Error ? error.message : String(error);
  return { code: 'analysis-failed', message: `Analysis failed: ${text}`, action: 'failed' };
}

function withoutPath(text: string, path: string): string {
  let message = text;
  if (message.endsWith(`: ${path}`)) message = message.slice(0, -path.length - 2);
  return message.replaceAll(path, 'the file');
}

/** A decode warning (the track was classified from part of its audio) in words for the library, without the path. */
export function warningReason(warning: DecodeWarning, path: string): { code: string; message: string } {
  return { code: warning.code, message: withoutPath(warning.message, path) };
}
