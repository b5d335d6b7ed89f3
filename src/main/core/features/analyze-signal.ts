import { GTZAN_SAMPLE_RATE, gtzanFeatures } from './gtzan-features.ts';
import type { StageTimes } from './gtzan-features.ts';
import { cnnInput, mlfiInput } from './segment-inputs.ts';
import type { SegmentWindow } from './segmenter.ts';
import { SEGMENT_SAMPLES, Segmenter } from './segmenter.ts';
import type { Spectrogram } from '../dsp/spectrogram.ts';

/** Everything the models need from one 3 s segment. */
export interface SegmentAnalysis {
  index: number;
  /** Start in the track, seconds. */
  startSeconds: number;
  /** True when the track was shorter than 3 s and the segment was zero-padded. */
  padded: boolean;
  /** The 57 GTZAN features of the segment (gtzanFeatureNames order; the Kaggle 3 s table's columns). */
  features: Float32Array;
  /** CNN input: 64 mel bands x 256 frames, band-major, ln(1 + mel power). */
  cnnInput: Float32Array;
  /** MLFI visual input: 128 mel bands x 130 frames, band-major, dB. */
  mlfiInput: Float32Array;
}

/** Clip-level (whole-excerpt) features. */
export interface ClipAnalysis {
  /** Where the clip starts in the track and how long it is, seconds. */
  startSeconds: number;
  seconds: number;
  /** The 57 GTZAN features (gtzanFeatureNames order; the Kaggle 30 s table's columns). */
  features: Float32Array;
  /** The clip's 128-band dB mel spectrogram, frame-major (for display). */
  logMel: Spectrogram;
}

export interface SegmentOptions {
  /** Which parts to compute (default all). */
  features?: boolean;
  cnn?: boolean;
  mlfi?: boolean;
  times?: StageTimes;
}

/** Features, CNN input and MLFI input of one segment window (3 s at 22050 Hz). */
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

/** Clip features of an in-memory excerpt (e.g. a decoded GTZAN clip). */
export function analyzeClip(y: Float32Array, startSample = 0, sr = GTZAN_SAMPLE_RATE, times?: StageTimes): ClipAnalysis {
  const r = gtzanFeatures(y, sr, times);
  return { startSeconds: startSample / sr, seconds: y.length / sr, features: r.values, logMel: r.logMel };
}

/**
 * The whole analysis of an in-memory signal at 22050 Hz (e.g. a decoded training clip): clip features over the
 * whole signal and every 3 s segment (50% overlap) with its features, CNN and MLFI inputs.
 */
export function analyzeSignal(y: Float32Array, options: SegmentOptions = {}, sr = GTZAN_SAMPLE_RATE): { clip: ClipAnalysis; segments: SegmentAnalysis[] } {
  const segmenter = new Segmenter();
  const windows = [...segmenter.push(y), ...segmenter.finish()];
  return { clip: analyzeClip(y, 0, sr, options.times), segments: windows.map((w) => analyzeSegment(w, options, sr)) };
}

export { SEGMENT_SAMPLES };
