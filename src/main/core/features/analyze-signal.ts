import type { ClipAnalysis, SegmentAnalysis } from './analysis-results.ts';
import { GTZAN_SAMPLE_RATE, gtzanFeatures } from './gtzan-features.ts';
import type { StageTimes } from './gtzan-features.ts';
import { cnnInput, mlfiInput } from './model-input-spectrograms.ts';
import type { SegmentWindow } from './segmenter.ts';
import { SEGMENT_SAMPLES } from './segmenter.ts';
import { TrackAnalyzer } from './track-analyzer.ts';

export interface SegmentOptions {
  /** Which parts to compute (default all). */
  features?: boolean;
  cnn?: boolean;
  mlfi?: boolean;
  times?: StageTimes;
}

/** The longest clip analysed whole by default (a longer track's clip is its centred window of this length). */
export const CLIP_MAX_SECONDS = 60;

/**
 * Features, CNN input and MLFI input of one 3 s window analysed on its own (librosa on the window alone, with
 * its own tuning, reflect padding and tempogram). The engine (analyzeTrack, analyzeSignal) slices segments
 * from track-wide arrays instead; see TrackAnalyzer for how the two differ. Used for tracks shorter than 3 s.
 */
export function analyzeSegment(w: SegmentWindow, options: SegmentOptions = {}, sr = GTZAN_SAMPLE_RATE): SegmentAnalysis {
  const wantFeatures = options.features ?? true;
  const wantMlfi = options.mlfi ?? true;
  const wantCnn = options.cnn ?? true;
  let features: Float32Array = new Float32Array(0);
  let mlfi: Float32Array = new Float32Array(0);
  if (wantFeatures || wantMlfi) {
    const r = gtzanFeatures(w.samples, sr, options.times);
    if (wantFeatures) features = r.values;
    if (wantMlfi) mlfi = mlfiInput(r.logMel);
  }
  let cnn: Float32Array = new Float32Array(0);
  if (wantCnn) {
    const t0 = performance.now();
    cnn = cnnInput(w.samples, sr);
    if (options.times) options.times['cnn input'] = (options.times['cnn input'] ?? 0) + performance.now() - t0;
  }
  return { index: w.index, startSeconds: w.start / sr, padded: w.padded, features, cnnInput: cnn, mlfiInput: mlfi };
}

/** Feeds a signal to an analyzer in bounded chunks (the analyzer then holds only a few seconds of it). */
export function pushSignal(analyzer: TrackAnalyzer, y: Float32Array, chunk = 1 << 16): void {
  for (let o = 0; o < y.length; o += chunk) analyzer.push(y.subarray(o, Math.min(y.length, o + chunk)));
}

/** The analysis of a signal shorter than one segment: the whole signal as the clip, one zero-padded segment. */
export function analyzeShortSignal(y: Float32Array, options: SegmentOptions | false, sr = GTZAN_SAMPLE_RATE): { clip: ClipAnalysis; segments: SegmentAnalysis[] } {
  const r = gtzanFeatures(y, sr, options ? options.times : undefined);
  const clip: ClipAnalysis = { startSeconds: 0, seconds: y.length / sr, features: r.values, logMel: r.logMel };
  if (options === false) return { clip, segments: [] };
  const samples = new Float32Array(SEGMENT_SAMPLES);
  samples.set(y.subarray(0, SEGMENT_SAMPLES));
  return { clip, segments: [analyzeSegment({ index: 0, start: 0, samples, padded: y.length < SEGMENT_SAMPLES }, options, sr)] };
}

/**
 * Clip features of an in-memory excerpt (e.g. a decoded GTZAN clip), with librosa's semantics on the whole
 * excerpt: the same engine as analyzeTrack, without segments. startSample only sets startSeconds.
 */
export function analyzeClip(y: Float32Array, startSample = 0, sr = GTZAN_SAMPLE_RATE, times?: StageTimes): ClipAnalysis {
  if (sr !== GTZAN_SAMPLE_RATE) throw new RangeError(`analyzeClip expects ${GTZAN_SAMPLE_RATE} Hz (got ${sr})`);
  let clip: ClipAnalysis;
  if (y.length < SEGMENT_SAMPLES || y.length > CLIP_MAX_SECONDS * sr) {
    // too short for the engine's frame grid, or longer than its clip: the direct computation
    const r = gtzanFeatures(y, sr, times);
    clip = { startSeconds: 0, seconds: y.length / sr, features: r.values, logMel: r.logMel };
  } else {
    const analyzer = new TrackAnalyzer({ segments: false, times });
    analyzer.setDeclaredSamples(y.length);
    pushSignal(analyzer, y);
    clip = analyzer.finish();
  }
  return { ...clip, startSeconds: startSample / sr };
}

/**
 * The whole analysis of an in-memory signal at 22050 Hz (e.g. a decoded training clip), exactly as analyzeTrack
 * computes it for a file: clip features and every segment (see segmentStarts) with its features, CNN and MLFI
 * inputs, sliced from arrays computed once over the signal.
 */
export function analyzeSignal(y: Float32Array, options: SegmentOptions & { clipMaxSeconds?: number } = {}, sr = GTZAN_SAMPLE_RATE): { clip: ClipAnalysis; segments: SegmentAnalysis[] } {
  if (sr !== GTZAN_SAMPLE_RATE) throw new RangeError(`analyzeSignal expects ${GTZAN_SAMPLE_RATE} Hz (got ${sr})`);
  if (y.length < SEGMENT_SAMPLES) return analyzeShortSignal(y, options, sr);
  const segments: SegmentAnalysis[] = [];
  const analyzer = new TrackAnalyzer({
    clipMaxSamples: Math.round((options.clipMaxSeconds ?? CLIP_MAX_SECONDS) * sr),
    segments: { features: options.features, cnn: options.cnn, mlfi: options.mlfi },
    onSegment: (s) => segments.push(s),
    times: options.times,
  });
  analyzer.setDeclaredSamples(y.length);
  pushSignal(analyzer, y);
  return { clip: analyzer.finish(), segments };
}

export { SEGMENT_SAMPLES };
