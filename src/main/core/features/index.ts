// The analysis engine's public surface, for the model, training and service code.
export { analyzeTrack } from './analyze-track.ts';
export type { AnalysisProgress, AnalyzeTrackOptions, TrackAnalysis } from './analyze-track.ts';
export { CLIP_MAX_SECONDS, analyzeClip, analyzeSegment, analyzeSignal } from './analyze-signal.ts';
export type { SegmentOptions } from './analyze-signal.ts';
export type { ClipAnalysis, SegmentAnalysis } from './analysis-results.ts';
export { GTZAN_SAMPLE_RATE, gtzanFeatures } from './gtzan-features.ts';
export type { GtzanFeatureResult, StageTimes } from './gtzan-features.ts';
export { GTZAN_FEATURE_COUNT, featureRecord, gtzanFeatureIndex, gtzanFeatureNames } from './gtzan-feature-names.ts';
export type { GtzanFeatureName } from './gtzan-feature-names.ts';
export { CNN_INPUT, MLFI_INPUT, cnnInput, mlfiInput } from './model-input-spectrograms.ts';
export { SEGMENT_FRAMES, SEGMENT_HOP, SEGMENT_HOP_FRAMES, SEGMENT_SAMPLES, SEGMENT_SECONDS, Segmenter, segmentStarts } from './segmenter.ts';
export { TrackAnalyzer } from './track-analyzer.ts';
export type { TrackAnalyzerOptions } from './track-analyzer.ts';
export type { SegmentWindow } from './segmenter.ts';
