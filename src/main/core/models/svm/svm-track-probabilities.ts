import type { TensorData } from '../tensor-data.ts';
import { checkShape } from '../tensor-data.ts';
import type { SvmPipeline } from './svm-pipeline.ts';
import { predictSvmPipeline } from './svm-pipeline.ts';

/**
 * The SVM on a whole track: `windows` holds the 57 features of each analysis window [w, 57] (windows as long as
 * the training clips, i.e. 30 s; see planWindows), in the model's feature order. Returns each window's
 * probabilities [w, k] and their mean, the track's probabilities [k].
 */
export function svmTrackProbabilities(model: SvmPipeline, windows: TensorData): { windows: Float64Array; track: Float64Array } {
  const n = checkShape('SVM window features', windows, [-1, model.featureNames.length]);
  if (n === 0) throw new Error('The SVM needs at least one analysis window');
  const k = model.labels.length;
  const probs = predictSvmPipeline(model, windows.data, n);
  const track = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) track[c] += probs[i * k + c] / n;
  return { windows: probs, track };
}
