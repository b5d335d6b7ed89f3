/** Why a file could not be decoded; the message is meant for the user. */
export type AudioDecodeErrorCode =
  | 'ffmpeg-missing'
  | 'not-found'
  | 'empty'
  | 'not-audio'
  | 'truncated'
  | 'damaged'
  | 'too-short'
  | 'timeout'
  | 'cancelled'
  | 'failed';

export class AudioDecodeError extends Error {
  readonly code: AudioDecodeErrorCode;
  readonly path: string;

  constructor(code: AudioDecodeErrorCode, path: string, message: string) {
    super(message);
    this.name = 'AudioDecodeError';
    this.code = code;
    this.path = path;
  }
}
