import { gtzanFeatures } from '../../features/index.ts';
import type { AnalysisWindow } from '../aggregation/analysis-windows.ts';
import type { TensorData } from '../tensor-data.ts';
import { windowPlan } from './svm-window-features.ts';

/** The SVM's window: as long as the clips of features_30_sec.csv it was trained on, hop half of that. */
export const SVM_WINDOW_SECONDS = 30;
export const SVM_WINDOW_HOP_SECONDS = 15;

/**
 * The windows the SVM is applied to on a track of `durationSeconds` (their probabilities are averaged): the app's
 * windowPlan. A track up to 31.5 s is one window over all of it (GTZAN clips run 30.0-30.7 s).
 */
export function svmWindowPlan(durationSeconds: number): AnalysisWindow[] {
  return windowPlan(durationSeconds, SVM_WINDOW_SECONDS, SVM_WINDOW_HOP_SECONDS);
}

/**
 * The 57 GTZAN features of each SVM window of a decoded track (22050 Hz mono), [w, 57] in gtzanFeatureNames
 * order, ready for svmTrackProbabilities. For a track of at most 31.5 s this is its clip features
 * (TrackAnalysis.clip.features, which cover the whole track), so callers that already have those can skip this.
 */
export function svmWindowFeatures(samples: Float32Array, sampleRate = 22050): { windows: AnalysisWindow[]; features: TensorData } {
  const windows = svmWindowPlan(samples.length / sampleRate);
  const data = new Float32Array(windows.length * 57);
  windows.forEach((w, i) => {
    const from = Math.max(0, Math.round(w.start * sampleRate));
    const to = Math.min(samples.length, Math.round(w.end * sampleRate));
    data.set(gtzanFeatures(samples.subarray(from, to), sampleRate).values, i * 57);
  });
  return { windows, features: { data, shape: [windows.length, 57] } };
}
