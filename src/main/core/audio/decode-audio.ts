import { stat } from 'node:fs/promises';
import { AudioDecodeError } from './audio-decode-error.ts';
import { durationIsTheAudios } from './container-duration.ts';
import { judgeDecodedLength } from './decode-completeness.ts';
import type { DecodeWarning } from './decode-completeness.ts';
import { runFfmpeg } from './ffmpeg-reader.ts';
import { parseWavStreamHeader } from './wav-stream-header.ts';
import { locateFfmpeg } from './locate-ffmpeg.ts';
import { oggEndsWhole } from './ogg-stream-end.ts';
import { wavDeclaredLength } from './wav-declared-length.ts';

export const ANALYSIS_SAMPLE_RATE = 22050;

export interface DecodeOptions {
  /** Output rate (default 22050). */
  sampleRate?: number;
  signal?: AbortSignal;
  /** Kill ffmpeg when it produces nothing for this long (default 30 s): a stuck input never hangs the caller. */
  idleTimeoutMs?: number;
  /** Called once the container's duration is known (from ffmpeg's input summary), before most audio arrives. */
  onDuration?: (seconds: number) => void;
  /**
   * Accept a decode that ends well before the duration the container announces, whatever share of it came out
   * (default false: under MIN_DECODED_SHARE of the announced length is an error; above it, a warning).
   */
  allowTruncated?: boolean;
  /** Fewer decoded seconds than this are an error ('too-short'); default 0. */
  minSeconds?: number;
}

/** What a finished decode learned about the file. */
export interface DecodeSummary {
  samples: number;
  sampleRate: number;
  /** The container's announced duration in seconds, or null when it gave none. */
  declaredSeconds: number | null;
  /** Set when the decode is short of the announced length or ffmpeg skipped damaged frames (decode-completeness.ts). */
  warning: DecodeWarning | null;
}

/**
 * ffmpeg's downmix to mono: the mean of the channels present, as librosa.load's to_mono, ahead of the resampler,
 * as librosa's order is (to_mono, then resample). `c0<c0+...+c63` renormalises the gains over the input's own
 * channels: a mono stream passes unchanged, a stereo one becomes 0.5 L + 0.5 R in float (the mean, bit for bit),
 * 5.1 the six at 1/6 each (within one float rounding of the mean). ffmpeg's own `-ac 1` is not the mean: it gives
 * (L + R) / sqrt(2) for stereo, 3 dB above it, and for 5.1 a weighted sum without the LFE that it does not
 * normalise for float output. The samples become float first (exactly, as librosa reads integer PCM): pan on
 * 16-bit samples would round each mean to a whole step, half a step off for one frame in two. Downmixing ahead of
 * the resampler halves what the resampler and the pipe carry for a stereo file (ffmpeg's CPU per 4-minute MP3:
 * 0.36 s instead of 0.41 s).
 */
const MEAN_OF_CHANNELS = `aformat=sample_fmts=flt|fltp,pan=mono|c0<${Array.from({ length: 64 }, (_, c) => `c${c}`).join('+')}`;

/**
 * ffmpeg arguments: first audio stream, downmixed to mono (MEAN_OF_CHANNELS), soxr resampling to the rate, float32
 * WAV on stdout. `-flush_packets 0` lets ffmpeg fill its 32 KB output buffer before each write instead of writing
 * every packet (6.6 KB): a fifth of the reads.
 */
export function ffmpegDecodeArgs(path: string, sampleRate: number): string[] {
  return [
    '-nostdin', '-hide_banner', '-nostats', '-loglevel', 'info',
    '-i', path,
    '-map', '0:a:0', '-vn', '-sn', '-dn',
    '-af', `${MEAN_OF_CHANNELS},aresample=${sampleRate}:resampler=soxr,aformat=sample_fmts=flt`,
    '-fflags', '+bitexact', '-flags:a', '+bitexact',
    '-flush_packets', '0', '-f', 'wav', '-c:a', 'pcm_f32le', 'pipe:1',
  ];
}

/**
 * Turns ffmpeg's mono float32 WAV stream into chunks with no allocation per block: each block's bytes are copied
 * behind the partial sample left by the previous one (4-byte aligned, whatever the header's length), and the chunk
 * is a view of those samples where they lie. A chunk is valid until the next block is taken.
 */
class SampleStream {
  private staging = new Float32Array(0);
  private stagingBytes = new Uint8Array(0);
  /** Bytes of a partial sample, at `carryAt` in `staging` (moved to its start when the next block comes). */
  private carry = 0;
  private carryAt = 0;

  take(bytes: Uint8Array): Float32Array {
    // the last chunk (a view of `staging`) is done with: its partial sample goes to the front
    if (this.carryAt > 0) this.stagingBytes.copyWithin(0, this.carryAt, this.carryAt + this.carry);
    this.carryAt = 0;
    const total = this.carry + bytes.length;
    // 8 bytes of room past the samples for the aligned copy below
    if (total + 8 > this.stagingBytes.length) {
      const grown = new Float32Array(Math.ceil((total + 8) / 4));
      new Uint8Array(grown.buffer).set(this.stagingBytes.subarray(0, this.carry));
      this.staging = grown;
      this.stagingBytes = new Uint8Array(grown.buffer);
    }
    // Blocks are shared memory, which V8 copies word by word only where source and target are alike modulo 8, else
    // byte by byte: 14 ms against 3 ms per 4-minute track. So the block goes where its alignment matches, and a
    // copyWithin (ordinary memory, any alignment) moves it behind the carried bytes.
    const at = this.carry + ((((bytes.byteOffset - this.carry) % 8) + 8) % 8);
    this.stagingBytes.set(bytes, at);
    if (at !== this.carry) this.stagingBytes.copyWithin(this.carry, at, at + bytes.length);
    const samples = total >> 2;
    this.carry = total & 3;
    this.carryAt = samples * 4;
    return this.staging.subarray(0, samples);
  }
}

function parseDuration(text: string): number | null {
  const m = /Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

function explainFailure(path: string, stderr: string): AudioDecodeError {
  const tail = stderr.trim().split('\n').slice(-3).join(' ').trim();
  if (/Invalid data found when processing input|could not find codec parameters|Failed to read frame size|Format .* detected only with low score/i.test(stderr)) {
    return new AudioDecodeError('not-audio', path, `Not an audio file ffmpeg can read (or a damaged one): ${path}`);
  }
  if (/matches no streams|does not contain any stream|Output file #0 does not contain any stream/i.test(stderr)) {
    return new AudioDecodeError('not-audio', path, `No audio stream in ${path}`);
  }
  if (/Permission denied/i.test(stderr)) return new AudioDecodeError('failed', path, `Permission denied: ${path}`);
  return new AudioDecodeError('failed', path, `ffmpeg could not decode ${path}${tail ? `: ${tail}` : ''}`);
}

/**
 * Decodes any audio file with ffmpeg (FFMPEG_PATH, the PATH, then a packaged binary; started and read as
 * ffmpeg-reader.ts says) to mono float32 at 22050 Hz, yielding chunks as they arrive. Each chunk is a view of an
 * array that the next one reuses: copy what you keep before asking for more. Memory stays bounded whatever the
 * length: the pipe's back-pressure holds ffmpeg while the consumer works. Aborting the signal or an idle ffmpeg
 * kills the child.
 * Throws AudioDecodeError with a readable message (missing ffmpeg, missing / empty / non-audio file, too short,
 * truncated or damaged under MIN_DECODED_SHARE, timeout, cancelled); a file that decodes in part above that
 * share gives a DecodeSummary with a warning.
 */
export async function* decodeAudioChunks(path: string, options: DecodeOptions = {}): AsyncGenerator<Float32Array, DecodeSummary> {
  const sampleRate = options.sampleRate ?? ANALYSIS_SAMPLE_RATE;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const { signal } = options;
  if (signal?.aborted) throw new AudioDecodeError('cancelled', path, `Decoding cancelled: ${path}`);
  const ffmpeg = locateFfmpeg();
  if (!ffmpeg) {
    throw new AudioDecodeError(
      'ffmpeg-missing',
      path,
      'ffmpeg was not found. Install it (Debian/Ubuntu: `sudo apt install ffmpeg`, macOS: `brew install ffmpeg`, ' +
        'Windows: `winget install ffmpeg`) or set FFMPEG_PATH to the ffmpeg executable.',
    );
  }
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new AudioDecodeError('not-audio', path, `Not a file: ${path}`);
    size = st.size;
  } catch (error) {
    if (error instanceof AudioDecodeError) throw error;
    throw new AudioDecodeError('not-found', path, `File not found: ${path}`);
  }
  if (size === 0) throw new AudioDecodeError('empty', path, `The file is empty (0 bytes): ${path}`);

  // ffmpeg runs from a reader thread that empties its pipe as fast as it fills (see ffmpeg-reader.ts), so it
  // decodes ahead while this thread analyses
  const child = runFfmpeg(ffmpeg.path, ffmpegDecodeArgs(path, sampleRate));
  let stderr = '';
  let declared = null as number | null;
  let killedFor: 'timeout' | 'cancelled' | null = null;
  const kill = (why: 'timeout' | 'cancelled'): void => {
    if (killedFor) return;
    killedFor = why;
    child.kill();
  };
  child.onStderr((s: string) => {
    if (stderr.length < 65536) stderr += s;
    if (declared === null) {
      declared = parseDuration(stderr);
      if (declared !== null) options.onDuration?.(declared);
    }
  });
  const exited = child.exited;
  const onAbort = (): void => kill('cancelled');
  signal?.addEventListener('abort', onAbort, { once: true });
  let idle: NodeJS.Timeout = setTimeout(() => kill('timeout'), idleTimeoutMs);
  const touch = (): void => {
    clearTimeout(idle);
    idle = setTimeout(() => kill('timeout'), idleTimeoutMs);
  };
  child.onActivity(touch);

  let samples = 0;
  let header: Uint8Array | null = new Uint8Array(0); // the bytes before the samples, until the WAV header is read
  let stream: SampleStream | null = null;
  try {
    for await (const block of child.stdout) {
      touch();
      if (killedFor) break; // cancelled or timed out: what is still queued is not wanted
      let bytes: Uint8Array = block;
      if (header) {
        const joined: Uint8Array = new Uint8Array(header.length + block.length);
        joined.set(header);
        joined.set(block, header.length);
        const wav = parseWavStreamHeader(joined);
        if (!wav) {
          header = joined;
          child.release(block);
          continue;
        }
        if (wav.formatTag !== 3 || wav.bitsPerSample !== 32 || wav.sampleRate !== sampleRate || wav.channels !== 1) {
          throw new AudioDecodeError(
            'failed',
            path,
            `ffmpeg sent ${wav.channels} channel(s) of ${wav.bitsPerSample}-bit format ${wav.formatTag} at ${wav.sampleRate} Hz, not mono float32 at ${sampleRate} Hz: ${path}`,
          );
        }
        header = null;
        stream = new SampleStream();
        bytes = joined.subarray(wav.dataOffset);
      }
      const chunk = stream!.take(bytes);
      child.release(block);
      if (chunk.length === 0) continue;
      samples += chunk.length;
      yield chunk;
      if (signal?.aborted) kill('cancelled');
    }
    const { code, error } = await exited;
    if (killedFor === 'cancelled' || signal?.aborted) throw new AudioDecodeError('cancelled', path, `Decoding cancelled: ${path}`);
    if (killedFor === 'timeout') {
      throw new AudioDecodeError('timeout', path, `ffmpeg produced no audio for ${Math.round(idleTimeoutMs / 1000)} s and was stopped: ${path}`);
    }
    if (error) throw new AudioDecodeError('failed', path, `Could not start ffmpeg (${ffmpeg.path}): ${error.message}`);
    if (code !== 0) throw explainFailure(path, stderr);
    if (samples === 0) throw new AudioDecodeError('empty', path, `No audio samples in ${path} (an empty or silent-length stream)`);
    const got = samples / sampleRate;
    if (options.minSeconds !== undefined && got < options.minSeconds) {
      throw new AudioDecodeError(
        'too-short',
        path,
        `Too short to classify: ${got < 0.1 ? got.toFixed(2) : got.toFixed(1)} s of audio (at least ${options.minSeconds} s is needed): ${path}`,
      );
    }
    // A WAV's duration in ffmpeg's summary comes from the file size; its header says how much audio there should be.
    const wav = wavDeclaredLength(path, size);
    // An Ogg file's duration in the summary is its last page's: a cut one looks whole; only its missing end tells.
    const oggCut = wav === null && oggEndsWhole(path, size) === false;
    const facts = {
      path,
      decodedSeconds: got,
      // a video stream that runs past the audio makes the container's duration longer than the audio
      declaredSeconds: wav ? wav.seconds : oggCut || !durationIsTheAudios(stderr) ? null : declared,
      cutShort: (wav !== null && wav.presentSeconds < wav.seconds) || oggCut,
      stderr,
    };
    let warning = null as DecodeWarning | null;
    if (options.allowTruncated) {
      try {
        warning = judgeDecodedLength(facts);
      } catch (e) {
        if (!(e instanceof AudioDecodeError)) throw e;
        warning = { code: e.code === 'damaged' ? 'damaged' : 'truncated', message: e.message, decodedShare: facts.declaredSeconds ? got / facts.declaredSeconds : null };
      }
    } else warning = judgeDecodedLength(facts);
    return { samples, sampleRate, declaredSeconds: facts.declaredSeconds, warning };
  } finally {
    clearTimeout(idle);
    signal?.removeEventListener('abort', onAbort);
    child.kill();
  }
}

export interface DecodedAudio extends DecodeSummary {
  samples: number;
  data: Float32Array;
}

/** Decodes a whole file into one array (for short files and tests; long mixes should stream the chunks). */
export async function decodeAudio(path: string, options: DecodeOptions & { maxSeconds?: number } = {}): Promise<DecodedAudio> {
  const parts: Float32Array[] = [];
  let total = 0;
  const max = options.maxSeconds === undefined ? Infinity : Math.ceil(options.maxSeconds * (options.sampleRate ?? ANALYSIS_SAMPLE_RATE));
  const it = decodeAudioChunks(path, options);
  let r = await it.next();
  while (!r.done) {
    if (total < max) {
      const c = r.value.slice(0, Math.max(0, Math.min(r.value.length, max - total))); // the chunk's array is reused
      parts.push(c);
      total += c.length;
    }
    r = await it.next();
  }
  const data = new Float32Array(total);
  let o = 0;
  for (const p of parts) {
    data.set(p, o);
    o += p.length;
  }
  return { ...r.value, data };
}
