import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDongCnn } from '../../src/main/core/models/cnn/dong-cnn.ts';
import { mlfiFeatureNames } from '../../src/main/core/models/feature-columns.ts';
import { gtzanGenres } from '../../src/main/core/models/genres.ts';
import { buildMlfi } from '../../src/main/core/models/mlfi/mlfi-model.ts';
import { exportToOnnx } from '../../src/main/core/models/onnx/export-onnx.ts';
import { loadTfRuntime } from '../../src/main/core/models/runtime/load-tfjs.ts';
import type { LayersModel } from '../../src/main/core/models/runtime/tfjs-types.ts';
import type { ModelManifest } from '../../src/main/core/models/store/model-manifest.ts';
import { ModelStore } from '../../src/main/core/models/store/model-store.ts';
import { userModelsDir } from '../../src/main/core/models/store/shipped-models-dir.ts';
import { projectRoot } from '../../src/main/project-root.ts';

/**
 * Untrained CNN and MLFI versions (the real architectures with seeded random weights, exported to ONNX as
 * training does) and an ensemble over them and the shipped SVM, installed as the user's active versions under
 * `dataDir`. They exercise every path of the classifier (both segment models on onnxruntime, the ensemble) while
 * only the SVM is trained; their genres mean nothing. Version names say so.
 */
export async function installTestModels(dataDir: string): Promise<ModelStore> {
  const { tf } = await loadTfRuntime('wasm');
  const store = new ModelStore({ userDir: userModelsDir(dataDir), shippedDir: join(projectRoot, 'models') });
  const base = (kind: ModelManifest['kind'], version: string, architecture: string): Omit<ModelManifest, 'inputs' | 'files' | 'normalization'> => ({
    formatVersion: 1,
    kind,
    version,
    architecture,
    description: 'Untrained test version (seeded random weights)',
    labels: [...gtzanGenres],
    aggregation: 'mean',
    training: {
      dataset: { path: '(none: untrained test model)', sha256: null, rows: 0, tracks: 0 },
      split: { kind: 'folds', folds: 10, seed: 1 },
      counts: { train: 0, valid: 0, test: 0, fitted: 0 },
      params: {},
      seed: 1,
      durationMs: 0,
    },
    metrics: {},
    createdAt: new Date().toISOString(),
    code: { appVersion: 'test', gitCommit: null },
  });
  const saveOnnx = async (manifest: ModelManifest, model: LayersModel): Promise<void> => {
    const bytes = exportToOnnx(model);
    model.dispose();
    await store.save(manifest, (dir) => writeFileSync(join(dir, 'model.onnx'), bytes));
  };
  await saveOnnx(
    {
      ...base('cnn', 'test-untrained-cnn', 'dong-cnn'),
      inputs: [{ name: 'melspec', shape: [-1, 64, 256, 1], spectrogram: { sampleRate: 22050, nFft: 512, hopLength: 256, melBands: 64, frames: 256, compression: 'ln(1+mel)' } }],
      normalization: { melspec: { mean: [0.5], std: [1.5] } },
      files: { onnx: 'model.onnx' },
    },
    buildDongCnn(tf, { classes: 10, seed: 7 }),
  );
  await saveOnnx(
    {
      ...base('mlfi', 'test-untrained-mlfi', 'mlfi-benchmark'),
      inputs: [
        { name: 'melspec', shape: [-1, 128, 130, 1], spectrogram: { sampleRate: 22050, nFft: 2048, hopLength: 512, melBands: 128, frames: 130, compression: 'dB' } },
        { name: 'features', shape: [-1, mlfiFeatureNames.length], features: [...mlfiFeatureNames] },
      ],
      normalization: { melspec: { mean: [-40], std: [20] } },
      files: { onnx: 'model.onnx' },
    },
    buildMlfi(tf, { classes: 10, interaction: 'none', seed: 9 }),
  );
  await store.save(
    {
      ...base('ensemble', 'test-ensemble', 'weighted-mean'),
      inputs: [],
      normalization: null,
      files: {},
      training: { ...base('ensemble', '', '').training, params: { weights: { svm: 0.5, cnn: 0.25, mlfi: 0.25 } } },
    },
    () => {},
  );
  return store;
}
