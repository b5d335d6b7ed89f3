import type { TensorData } from '../tensor-data.ts';
import type { ModelSegment } from './model-input-sources.ts';
import { copySegmentInput, modelInputSources } from './model-input-sources.ts';
import type { ModelManifest } from '../store/model-manifest.ts';

/**
 * A segment model's inputs for `segments`, as its manifest names and shapes them (e.g. CNN `{ melspec: [n, 64, 256, 1] }`,
 * MLFI `{ melspec: [n, 128, 130, 1], features: [n, 55] }`): raw values, not normalised (SegmentClassifier.predict does that).
 */
export function segmentBatch(manifest: Pick<ModelManifest, 'kind' | 'version' | 'inputs'>, segments: readonly ModelSegment[]): Record<string, TensorData> {
  const n = segments.length;
  return Object.fromEntries(
    modelInputSources(manifest).map((source) => {
      const data = new Float32Array(n * source.size);
      segments.forEach((s, i) => copySegmentInput(s, source, data, i * source.size));
      return [source.name, { data, shape: [n, ...source.shape] }];
    }),
  );
}
