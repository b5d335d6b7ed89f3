import { GTZAN_FEATURE_COUNT, gtzanFeatureIndex } from '../../features/index.ts';
import type { AnalysisWindow } from '../aggregation/analysis-windows.ts';
import { planWindows } from '../aggregation/analysis-windows.ts';

const TEMPO = gtzanFeatureIndex.tempo;
const F = GTZAN_FEATURE_COUNT;
/** Where each (mean, variance) pair starts: every feature but tempo, which stands alone. */
const pairStarts = Array.from({ length: F }, (_, j) => j).filter((j) => (j < TEMPO ? j % 2 === 0 : j > TEMPO && (j - TEMPO) % 2 === 1));

/**
 * The windows a window model (the SVM, trained on 30 s clips) is applied to over a track: `seconds` long every
 * `hopSeconds` (the last one ends at the track's end). A track barely longer than one window (GTZAN clips run
 * 30.0-30.7 s) is one window over all of it.
 */
export function windowPlan(durationSeconds: number, seconds: number, hopSeconds: number): AnalysisWindow[] {
  if (!(durationSeconds > 0)) return [];
  if (durationSeconds <= seconds * 1.05) return [{ start: 0, end: durationSeconds }];
  return planWindows(durationSeconds, seconds, hopSeconds);
}

export interface SegmentFeatureRows {
  /** Start of each segment, seconds. */
  starts: ArrayLike<number>;
  /** The 57 GTZAN features of each segment, [n, 57] row-major. */
  features: Float32Array;
  /** Segment length, seconds. */
  seconds: number;
}

export interface ClipFeatures {
  startSeconds: number;
  seconds: number;
  features: Float32Array;
}

/**
 * The 57 GTZAN features of each window, [w, 57], without analysing the audio again:
 * - a window that is the clip the engine analysed whole (any track up to one window long) takes the clip's
 *   features, exactly;
 * - any other window pools the statistics of the 3 s segments that tile it (consecutive, non-overlapping):
 *   each feature's mean is the mean of the segment means and its variance the pooled variance
 *   (mean of (variance + mean^2) minus the squared mean), which is the variance over the same frames;
 *   tempo, which does not pool, is the clip's (beat tracking over up to 60 s of the track).
 * Against librosa's features of the whole 30 s clips (the Kaggle table), pooled features differ by a median of
 * about 1% of each feature's spread and give the shipped SVM the same top genre on 9 of 10 GTZAN clips
 * (tests/integration/window-pooling.test.ts). The audio is analysed once, for every model.
 */
export function windowFeatures(windows: readonly AnalysisWindow[], segments: SegmentFeatureRows, clip: ClipFeatures): Float32Array {
  const out = new Float32Array(windows.length * F);
  const n = segments.starts.length;
  const eps = 0.02;
  windows.forEach((w, wi) => {
    const o = wi * F;
    if (Math.abs(w.start - clip.startSeconds) <= eps && Math.abs(w.end - (clip.startSeconds + clip.seconds)) <= eps + 0.05) {
      out.set(clip.features, o);
      return;
    }
    // Segments inside the window, chained without overlap from the window's start.
    const chosen: number[] = [];
    let nextFree = w.start - eps;
    for (let i = 0; i < n; i++) {
      const s = segments.starts[i];
      if (s >= nextFree && s + segments.seconds <= w.end + eps) {
        chosen.push(i);
        nextFree = s + segments.seconds - eps;
      }
    }
    if (chosen.length === 0) {
      // A window shorter than a segment cannot happen with the plans above; take the nearest segment.
      let best = 0;
      for (let i = 1; i < n; i++) if (Math.abs(segments.starts[i] - w.start) < Math.abs(segments.starts[best] - w.start)) best = i;
      if (n > 0) chosen.push(best);
    }
    const m = chosen.length;
    for (const j of pairStarts) {
      let mean = 0;
      let square = 0;
      for (const i of chosen) {
        const mu = segments.features[i * F + j];
        mean += mu;
        square += segments.features[i * F + j + 1] + mu * mu;
      }
      mean /= m;
      out[o + j] = mean;
      out[o + j + 1] = Math.max(0, square / m - mean * mean);
    }
    out[o + TEMPO] = clip.features[TEMPO];
  });
  return out;
}
