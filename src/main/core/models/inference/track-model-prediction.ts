import type { ModelKind } from '../store/model-kinds.ts';

/** What one model said about one track. */
export interface TrackModelPrediction {
  kind: ModelKind;
  version: string;
  /** The version folder: which model this is when two versions of a kind run (an ensemble's member and the active one). */
  dir: string;
  labels: string[];
  /** Track probabilities [k], in label order. */
  track: Float64Array;
  /** How long each segment (3 s) or window (30 s; at most the track) is. */
  segmentSeconds: number;
  /** Where each segment or window starts, seconds (NaN where the inputs did not say). */
  segmentStarts: Float32Array;
  /** Each segment's or window's probabilities, [n, k] row-major. */
  segmentProbabilities: Float32Array | Float64Array;
}
