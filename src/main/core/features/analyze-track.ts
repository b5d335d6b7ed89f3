import { ANALYSIS_SAMPLE_RATE, decodeAudioChunks } from '../audio/decode-audio.ts';
import { AudioDecodeError } from '../audio/audio-decode-error.ts';
import type { DecodeWarning } from '../audio/decode-completeness.ts';
import { CLIP_MAX_SECONDS, analyzeShortSignal } from './analyze-signal.ts';
import type { SegmentOptions } from './analyze-signal.ts';
import type { ClipAnalysis, SegmentAnalysis } from './analysis-results.ts';
import type { StageTimes } from './gtzan-features.ts';
import { TrackAnalyzer } from './track-analyzer.ts';

export interface AnalysisProgress {
  /** Seconds of audio decoded and analysed so far. */
  seconds: number;
  /** The container's duration, when it announces one. */
  totalSeconds: number | null;
  segments: number;
}

export interface AnalyzeTrackOptions {
  signal?: AbortSignal;
  onProgress?: (p: AnalysisProgress) => void;
  /** Called with each segment as soon as it is computed (use with keepSegments: false for bounded memory). */
  onSegment?: (s: SegmentAnalysis) => void;
  /** Keep every segment in the result (default true; a 2-hour mix makes ~4800 segments, ~130 kB each). */
  keepSegments?: boolean;
  /**
   * onSegment copies each segment's CNN and MLFI inputs before it returns, so the engine may hand every segment the
   * same two arrays (track-analyzer.ts: fewer page faults). Only with keepSegments: false.
   */
  reuseSegmentInputs?: boolean;
  /** Compute segments at all (default true). */
  segments?: boolean | SegmentOptions;
  /**
   * Longest clip for the clip-level features (default 60 s): a track up to this long is analysed whole, a longer
   * one through its centred excerpt of this length, so memory stays bounded (GTZAN clips are 30 s).
   */
  clipMaxSeconds?: number;
  /** Also the clip's dB mel spectrogram (clip.logMel, for display; default false). */
  clipLogMel?: boolean;
  /** Stage timings (ms) are added here when given (decode, stft, hpss, ...). */
  times?: StageTimes;
  /** Kill ffmpeg when it is silent this long (default 30 s). */
  idleTimeoutMs?: number;
  allowTruncated?: boolean;
  /** Fewer decoded seconds than this are an AudioDecodeError 'too-short' (default 0). */
  minSeconds?: number;
}

export interface TrackAnalysis {
  path: string;
  sampleRate: number;
  /** Decoded duration. */
  durationSeconds: number;
  clip: ClipAnalysis;
  /** The segments (empty when keepSegments is false). */
  segments: SegmentAnalysis[];
  segmentCount: number;
  /** The decode went through with a fault (cut short, damaged frames): what and how much decoded. */
  decodeWarning: DecodeWarning | null;
}

/**
 * Decodes a file (streamed; bounded memory for any length) and computes the clip-level GTZAN features and, for
 * every 3 s segment (every 1.509 s: segmentStarts), its features, CNN input and MLFI input, each track-wide array
 * computed once while ffmpeg decodes (TrackAnalyzer).
 * Cancelled by options.signal (ffmpeg is killed, AudioDecodeError 'cancelled').
 */
export async function analyzeTrack(path: string, options: AnalyzeTrackOptions = {}): Promise<TrackAnalysis> {
  const sr = ANALYSIS_SAMPLE_RATE;
  const times = options.times;
  const segmentsWanted = options.segments ?? true;
  const segOptions: SegmentOptions = typeof segmentsWanted === 'object' ? { ...segmentsWanted, times } : { times };
  const keep = options.keepSegments ?? true;
  const segments: SegmentAnalysis[] = [];
  let segmentCount = 0;
  let total: number | null = null;
  const deliver = (s: SegmentAnalysis): void => {
    segmentCount++;
    if (keep) segments.push(s);
    options.onSegment?.(s);
  };
  const analyzer = new TrackAnalyzer({
    clipMaxSamples: Math.round((options.clipMaxSeconds ?? CLIP_MAX_SECONDS) * sr),
    segments: segmentsWanted ? { features: segOptions.features, cnn: segOptions.cnn, mlfi: segOptions.mlfi } : false,
    onSegment: deliver,
    times,
    reuseSegmentInputs: options.reuseSegmentInputs === true && !keep,
    clipLogMel: options.clipLogMel,
  });
  const it = decodeAudioChunks(path, {
    signal: options.signal,
    idleTimeoutMs: options.idleTimeoutMs,
    allowTruncated: options.allowTruncated,
    minSeconds: options.minSeconds,
    onDuration: (d) => {
      total = d;
      analyzer.setDeclaredSamples(Math.round(d * sr));
    },
  });
  let lastProgress = 0;
  let t0 = performance.now();
  let r = await it.next();
  while (!r.done) {
    if (times) times.decode = (times.decode ?? 0) + performance.now() - t0;
    // on abort the decoder kills ffmpeg and throws 'cancelled'; nothing more is analysed meanwhile
    const before = segmentCount;
    if (!options.signal?.aborted) analyzer.push(r.value);
    // Decoded audio that is already waiting resolves the next chunk as a microtask, so a loop over it would never
    // let the event loop turn: whatever the segments' consumer queued (onnxruntime-node runs each batch in a
    // setImmediate callback) would wait for the end of the track, and every batch in between would hold its
    // buffers. Letting the loop turn after each chunk that made segments runs them while the analysis goes on.
    if (segmentCount > before) await new Promise<void>((resolve) => setImmediate(resolve));
    const now = performance.now();
    if (options.onProgress && now - lastProgress > 200) {
      lastProgress = now;
      options.onProgress({ seconds: analyzer.samplesSeen / sr, totalSeconds: total, segments: segmentCount });
    }
    t0 = performance.now();
    r = await it.next();
  }
  if (options.signal?.aborted) throw new AudioDecodeError('cancelled', path, `Analysis cancelled: ${path}`);
  if (times) times.decode = (times.decode ?? 0) + performance.now() - t0;
  const summary = r.value;
  let clip: ClipAnalysis;
  const short = analyzer.shortSignal();
  if (short) {
    const a = analyzeShortSignal(short, segmentsWanted ? segOptions : false, sr);
    clip = a.clip;
    for (const s of a.segments) deliver(s);
  } else {
    clip = analyzer.finish();
  }
  options.onProgress?.({ seconds: summary.samples / sr, totalSeconds: total, segments: segmentCount });
  return { path, sampleRate: sr, durationSeconds: summary.samples / sr, clip, segments, segmentCount, decodeWarning: summary.warning };
}
