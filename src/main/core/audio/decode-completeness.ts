import { AudioDecodeError } from './audio-decode-error.ts';

/**
 * Least share of its announced length that a file must decode to be classified. Above it, the track is
 * classified from what decodes and keeps a warning with the cause and the share; below it, too little of the
 * track is there to speak for it, and the file is listed as unreadable with the same cause.
 */
export const MIN_DECODED_SHARE = 0.5;

/** A decode that went through, but not cleanly: why, and how much of the announced audio came out. */
export interface DecodeWarning {
  code: 'truncated' | 'damaged';
  /** For the user, with the path. */
  message: string;
  /** Decoded seconds / announced seconds (at most 1), or null when the file announces no length. */
  decodedShare: number | null;
}

export interface DecodeFacts {
  path: string;
  decodedSeconds: number;
  /** The length the file announces (its header; for WAV the data chunk's size), or null. */
  declaredSeconds: number | null;
  /** The file holds less than it should: a WAV header announces more audio, or an Ogg stream has no end page. */
  cutShort: boolean;
  /** ffmpeg's stderr. */
  stderr: string;
}

const DECODE_ERROR = /^Error while decoding stream/;
const PARTIAL_FILE = /\] stream \d+, offset 0x[0-9a-f]+: partial file/;

/** How many frames ffmpeg could not decode, and its first words about why ("Header missing"). */
function decodeErrors(stderr: string): { count: number; cause: string | null } {
  const lines = stderr.split(/\r?\n|\r/).map((l) => l.trim());
  let count = 0;
  let cause: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (!DECODE_ERROR.test(lines[i])) continue;
    count++;
    if (cause === null) {
      const before = i > 0 ? /^\[[^\]]+ @ [^\]]+\]\s*(.+)$/.exec(lines[i - 1]) : null;
      cause = before ? before[1] : lines[i].replace(DECODE_ERROR, '').replace(/^[^:]*:\s*/, '') || null;
    }
  }
  return { count, cause };
}

const s1 = (x: number): string => `${x.toFixed(1)} s`;
const pct = (x: number): string => `${Math.floor(100 * x)}%`;

/**
 * Judges a decode that ended normally: null when it is whole and clean; a warning when it is short of the length
 * the file announces or ffmpeg skipped damaged frames, and at least MIN_DECODED_SHARE of it came out; throws
 * AudioDecodeError ('truncated' or 'damaged') below that share.
 *
 * The cause is what the file shows, not a guess from a word in ffmpeg's log: frames ffmpeg could not decode
 * make it damaged; audio that simply ends early (or a WAV header that announces more data than the file holds)
 * makes it truncated. A WAV streamed by ffmpeg to a pipe carries placeholder sizes and a "Packet corrupt" note for
 * its last packet: it is whole.
 */
export function judgeDecodedLength(f: DecodeFacts): DecodeWarning | null {
  const errors = decodeErrors(f.stderr);
  const declared = f.declaredSeconds;
  const short = declared !== null && f.decodedSeconds < declared - Math.max(1, 0.05 * declared);
  if (!short && !f.cutShort && errors.count === 0) return null;
  const share = declared !== null && declared > 0 ? Math.min(1, f.decodedSeconds / declared) : null;
  // ffmpeg's MP4 reader says "partial file" where the file ends inside its audio data: a cut file, whatever the
  // decoder then says. A FLAC or WMA file cut inside a frame fails to decode that one last frame: a single failure
  // where the audio ends short of its announced length is the cut, not damage (damaged files fail frame after frame:
  // 2 failures for 1.4 s lost in the bad-file corpus's damaged MP3, 18 for 7.6 s in its mostly damaged one).
  const cutInFrame = short && errors.count === 1;
  const code: DecodeWarning['code'] = f.cutShort || errors.count === 0 || cutInFrame || PARTIAL_FILE.test(f.stderr) ? 'truncated' : 'damaged';
  const got = s1(f.decodedSeconds);
  const what =
    code === 'truncated'
      ? 'The file looks truncated'
      : `Part of the audio is damaged (ffmpeg could not decode ${errors.count} part${errors.count === 1 ? '' : 's'}${errors.cause ? `: "${errors.cause}"` : ''})`;
  if (share !== null && (short || f.cutShort) && share < MIN_DECODED_SHARE) {
    throw new AudioDecodeError(
      code,
      f.path,
      `${what}: it announces ${s1(declared!)} but only ${got} could be decoded (${pct(share)}, under the ${pct(MIN_DECODED_SHARE)} needed to classify it): ${f.path}`,
    );
  }
  // a cut file that announces no length (Ogg): how much came out is all that is known
  const amount =
    share !== null && (short || f.cutShort) ? `${pct(share)} decoded (${got} of ${s1(declared!)})` : code === 'truncated' ? `${got} decoded` : `the rest decoded (${got})`;
  return { code, message: `${what}; ${amount}, classified from what decodes: ${f.path}`, decodedShare: share };
}
