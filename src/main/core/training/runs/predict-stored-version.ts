import type { Aggregation } from '../../models/aggregation/segment-aggregation.ts';
import type { ModelStore, ModelVersion } from '../../models/store/model-store.ts';
import { openTrackClassifiers } from '../../models/track-classifiers.ts';
import type { AnalysedTrack } from '../analysis/analyze-dataset.ts';
import { trackInputsOf } from '../audio/track-inputs.ts';

/**
 * Track probabilities [indices, k] in the MODEL's label order of a stored version (CNN, MLFI, SVM or ensemble) on
 * analysed tracks, through the same inference path the app uses (onnxruntime for CNN and MLFI). Every genre of
 * the tracks must be one the model knows.
 */
export async function predictStoredVersion(
  version: ModelVersion,
  store: ModelStore,
  tracks: readonly AnalysedTrack[],
  indices: readonly number[],
  options: { aggregation?: Aggregation; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<Float64Array> {
  const kind = version.manifest.kind;
  const unknown = [...new Set(indices.map((i) => tracks[i].label))].filter((l) => !version.manifest.labels.includes(l));
  if (unknown.length > 0) throw new Error(`${kind}/${version.manifest.version} does not know the genre(s) ${unknown.join(', ')} of this dataset`);
  const classifiers = await openTrackClassifiers(store, { versions: { [kind]: version }, aggregation: options.aggregation, onnx: { threads: 1 } });
  const k = classifiers.labels.length;
  const out = new Float64Array(indices.length * k);
  try {
    for (const [r, i] of indices.entries()) {
      options.signal?.throwIfAborted();
      const p = (await classifiers.classify(trackInputsOf(tracks[i].analysis)))[kind];
      if (!p) throw new Error(`${kind} gave no prediction`);
      out.set(p.track, r * k);
      options.onProgress?.(r + 1, indices.length);
    }
  } finally {
    await classifiers.close();
  }
  return out;
}
