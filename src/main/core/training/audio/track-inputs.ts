import { CNN_INPUT, GTZAN_FEATURE_COUNT, MLFI_INPUT } from '../../features/index.ts';
import type { TrackInputs } from '../../models/track-classifiers.ts';
import type { CachedAnalysis } from '../analysis/cached-analysis.ts';

/** A cached analysis as the inference API takes it (views, no copies). */
export function trackInputsOf(a: CachedAnalysis): TrackInputs {
  const cnn = CNN_INPUT.mels * CNN_INPUT.frames;
  const mlfi = MLFI_INPUT.mels * MLFI_INPUT.frames;
  const f = GTZAN_FEATURE_COUNT;
  return {
    segments: Array.from({ length: a.segmentCount }, (_, i) => ({
      startSeconds: a.segmentStarts[i],
      cnnInput: a.cnn.subarray(i * cnn, (i + 1) * cnn),
      mlfiInput: a.mlfi.subarray(i * mlfi, (i + 1) * mlfi),
      features: a.segmentFeatures.subarray(i * f, (i + 1) * f),
    })),
    svmWindows: { data: a.svmWindows, shape: [a.svmWindowStarts.length, f] },
    svmWindowStarts: a.svmWindowStarts,
  };
}
