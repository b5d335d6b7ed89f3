import { ANALYSIS_SAMPLE_RATE, decodeAudioChunks } from '../audio/decode-audio.ts';
import { AudioDecodeError } from '../audio/audio-decode-error.ts';
import { analyzeClip, analyzeSegment } from './analyze-signal.ts';
import type { ClipAnalysis, SegmentAnalysis, SegmentOptions } from './analyze-signal.ts';
import { ClipCollector } from './clip-collector.ts';
import type { StageTimes } from './gtzan-features.ts';
import { Segmenter } from './segmenter.ts';
import type { SegmentWindow } from './segmenter.ts';

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
  /** Compute segments at all (default true). */
  segments?: boolean | SegmentOptions;
  /**
   * Longest clip for the clip-level features (default 60 s): a track up to this long is analysed whole, a longer
   * one through its centred excerpt of this length, so memory stays bounded (GTZAN clips are 30 s).
   */
  clipMaxSeconds?: number;
  /** Stage timings (ms) are added here when given (decode, stft, hpss, ...). */
  times?: StageTimes;
  /** Kill ffmpeg when it is silent this long (default 30 s). */
  idleTimeoutMs?: number;
  allowTruncated?: boolean;
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
}

/**
 * Decodes a file (streamed; bounded memory for any length) and computes the clip-level GTZAN features and, for
 * every 3 s segment with 50% overlap over the whole track, its features, CNN input and MLFI input.
 * Cancelled by options.signal (ffmpeg is killed, AudioDecodeError 'cancelled').
 */
export async function analyzeTrack(path: string, options: AnalyzeTrackOptions = {}): Promise<TrackAnalysis> {
  const sr = ANALYSIS_SAMPLE_RATE;
  const times = options.times;
  const clipMax = Math.round((options.clipMaxSeconds ?? 60) * sr);
  const clip = new ClipCollector(clipMax, sr);
  const segmentsWanted = options.segments ?? true;
  const segOptions: SegmentOptions = typeof segmentsWanted === 'object' ? { ...segmentsWanted, times } : { times };
  const segmenter = segmentsWanted ? new Segmenter() : null;
  const keep = options.keepSegments ?? true;
  const segments: SegmentAnalysis[] = [];
  let segmentCount = 0;
  let total: number | null = null;
  const run = (windows: SegmentWindow[]): void => {
    for (const w of windows) {
      if (options.signal?.aborted) return;
      const s = analyzeSegment(w, segOptions, sr);
      segmentCount++;
      if (keep) segments.push(s);
      options.onSegment?.(s);
    }
  };
  const it = decodeAudioChunks(path, {
    signal: options.signal,
    idleTimeoutMs: options.idleTimeoutMs,
    allowTruncated: options.allowTruncated,
    onDuration: (d) => {
      total = d;
      clip.setDuration(d);
    },
  });
  let lastProgress = 0;
  let t0 = performance.now();
  let r = await it.next();
  while (!r.done) {
    if (times) times.decode = (times.decode ?? 0) + performance.now() - t0;
    clip.push(r.value);
    if (segmenter) run(segmenter.push(r.value));
    const now = performance.now();
    if (options.onProgress && now - lastProgress > 200) {
      lastProgress = now;
      options.onProgress({ seconds: (segmenter?.samplesSeen ?? 0) / sr, totalSeconds: total, segments: segmentCount });
    }
    t0 = performance.now();
    r = await it.next();
  }
  if (times) times.decode = (times.decode ?? 0) + performance.now() - t0;
  const summary = r.value;
  if (segmenter) run(segmenter.finish());
  if (options.signal?.aborted) throw new AudioDecodeError('cancelled', path, `Analysis cancelled: ${path}`);
  const clipTimes: StageTimes | undefined = times ? {} : undefined;
  const clipAnalysis = analyzeClip(clip.samples(), clip.startSample, sr, clipTimes);
  if (times && clipTimes) for (const [k, v] of Object.entries(clipTimes)) times[`clip ${k}`] = (times[`clip ${k}`] ?? 0) + v;
  options.onProgress?.({ seconds: summary.samples / sr, totalSeconds: total, segments: segmentCount });
  return { path, sampleRate: sr, durationSeconds: summary.samples / sr, clip: clipAnalysis, segments, segmentCount };
}
