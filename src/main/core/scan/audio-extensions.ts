import { extname } from 'node:path';

/**
 * File extensions the scanner treats as audio. Anything else is skipped silently; a file with one of these
 * extensions that cannot be read is recorded as an error. Detection of the actual format is by content, so a FLAC
 * file named .mp3 is read as FLAC.
 */
export const audioExtensions: ReadonlySet<string> = new Set([
  '.mp3', '.mp2', '.flac', '.ogg', '.oga', '.opus', '.m4a', '.m4b', '.mp4', '.aac', '.alac',
  '.wav', '.wave', '.aif', '.aiff', '.aifc', '.wma', '.asf', '.ape', '.wv', '.mpc', '.dsf', '.dff', '.mka', '.webm',
  // bare Dolby and DTS streams (raw-audio-stream.ts)
  '.ac3', '.eac3', '.ec3', '.dts',
]);

export function isAudioPath(path: string): boolean {
  return audioExtensions.has(extname(path).toLowerCase());
}
