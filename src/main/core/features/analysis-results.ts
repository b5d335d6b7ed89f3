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
  /**
   * The clip's 128-band dB mel spectrogram, frame-major, for display (`analyze --png`): the engine makes it only
   * when asked (TrackAnalyzerOptions.clipLogMel), since nothing that classifies reads it.
   */
  logMel?: Spectrogram;
}
