import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTfRuntime } from '../../../src/main/core/models/runtime/load-tfjs.ts';
import type { LayersModel, SymbolicTensor, Tensor, Tf } from '../../../src/main/core/models/runtime/tfjs-types.ts';
import { normalizeInput } from '../../../src/main/core/models/normalize-input.ts';
import { openSegmentClassifier } from '../../../src/main/core/models/segment-classifier.ts';
import { ModelStore } from '../../../src/main/core/models/store/model-store.ts';
import type { TensorData } from '../../../src/main/core/models/tensor-data.ts';
import { saveSegmentModelVersion } from '../../../src/main/core/training/nn/save-segment-model.ts';
import { InMemorySegmentSource } from '../../../src/main/core/training/nn/segment-source.ts';
import { trainSegmentModel } from '../../../src/main/core/training/nn/train-segment-model.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

let tf: Tf;
const tmp = makeTempDir();
beforeAll(async () => {
  tf = (await loadTfRuntime('wasm')).tf;
});
afterAll(() => tmp.cleanup());

const labels = ['low', 'mid', 'high'];
const bands = 8;
const frames = 16;

/** A synthetic "spectrogram": class c has energy in mel bands 2c..2c+3, on a raw scale far from 0 / 1. */
function syntheticSource(random: SeededRandom): InMemorySegmentSource {
  const tracks = [];
  for (let c = 0; c < 3; c++) {
    for (let t = 0; t < 10; t++) {
      const n = 4;
      const mel = new Float32Array(n * bands * frames);
      const features = new Float32Array(n * 5);
      for (let s = 0; s < n; s++) {
        for (let b = 0; b < bands; b++) for (let f = 0; f < frames; f++) mel[(s * bands + b) * frames + f] = 50 + 10 * random.normal() + (b >= 2 * c && b < 2 * c + 3 ? 25 : 0);
        for (let j = 0; j < 5; j++) features[s * 5 + j] = 1000 + 100 * random.normal();
      }
      tracks.push({ key: `${labels[c]}.${t}`, label: labels[c], segments: [{ data: mel, shape: [n, bands, frames, 1] }, { data: features, shape: [n, 5] }] });
    }
  }
  return new InMemorySegmentSource([{ name: 'melspec', shape: [bands, frames, 1] }, { name: 'features', shape: [5] }], tracks);
}

function tinyTwoInputNet(t: Tf): LayersModel {
  const mel = t.input({ shape: [bands, frames, 1], name: 'melspec' });
  const feats = t.input({ shape: [5], name: 'features' });
  let x = t.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: t.initializers.glorotUniform({ seed: 1 }) }).apply(mel) as SymbolicTensor;
  x = t.layers.maxPooling2d({ poolSize: [2, 4] }).apply(x) as SymbolicTensor;
  x = t.layers.flatten().apply(x) as SymbolicTensor;
  const f = t.layers.dense({ units: 4, activation: 'relu', kernelInitializer: t.initializers.glorotUniform({ seed: 2 }) }).apply(feats) as SymbolicTensor;
  const h = t.layers.concatenate().apply([x, f]) as SymbolicTensor;
  const out = t.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: t.initializers.glorotUniform({ seed: 3 }), name: 'probabilities' }).apply(h) as SymbolicTensor;
  return t.model({ inputs: [mel, feats], outputs: out });
}

describe('segment model training, saving and inference', () => {
  it('learns track labels from random segments, saves tfjs + ONNX + manifest, and both runtimes agree', async () => {
    const source = syntheticSource(new SeededRandom(1));
    const byClass = (i: number) => Math.floor(i / 10);
    const within = (i: number) => i % 10;
    const all = Array.from({ length: 30 }, (_, i) => i);
    const plan = { train: all.filter((i) => within(i) < 6), valid: all.filter((i) => within(i) >= 6 && within(i) < 8), test: all.filter((i) => within(i) >= 8) };
    expect(new Set(plan.test.map(byClass)).size).toBe(3);
    const trained = await trainSegmentModel({
      tf,
      build: tinyTwoInputNet,
      source,
      labels,
      plan,
      normalization: { melspec: 'global', features: 'last-axis' },
      epochs: 10,
      batchSize: 12,
      samplesPerTrack: 4,
      learningRate: 0.02,
      seed: 3,
    });
    expect(trained.normalization.melspec.mean[0]).toBeGreaterThan(50);
    expect(trained.normalization.features.mean).toHaveLength(5);
    expect(trained.valid.accuracy).toBe(1);
    expect(trained.test?.accuracy).toBe(1);

    const store = new ModelStore({ userDir: tmp.dir });
    const version = await saveSegmentModelVersion(tf, store, trained, {
      kind: 'mlfi',
      architecture: 'test-two-input',
      labels,
      inputs: [
        { name: 'melspec', shape: [-1, bands, frames, 1] },
        { name: 'features', shape: [-1, 5] },
      ],
      aggregation: 'mean',
      training: {
        dataset: { path: 'synthetic', sha256: null, rows: 120, tracks: 30 },
        split: { kind: 'folds', folds: 5, seed: 3 },
        counts: { train: 18, valid: 6, test: 6, fitted: 72 },
        params: {},
        seed: 3,
        durationMs: 0,
      },
    });
    expect(version.active).toBe(true);

    const raw = source.segments(plan.test[0]);
    const inputs = { melspec: raw[0], features: raw[1] };
    const expected = tf.tidy(() => {
      const xs = [normalizeInput(raw[0], trained.normalization.melspec), normalizeInput(raw[1], trained.normalization.features)].map((x: TensorData) => tf.tensor(x.data, x.shape));
      return (trained.model.predict(xs) as Tensor).dataSync() as Float32Array;
    });
    for (const runtime of ['onnx', 'tfjs'] as const) {
      const classifier = await openSegmentClassifier(store.active('mlfi')!, { runtime, onnx: { threads: 1 } });
      const got = await classifier.predict(inputs);
      await classifier.close();
      expect(got).toHaveLength(expected.length);
      let diff = 0;
      for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - expected[i]));
      expect(diff, runtime).toBeLessThanOrEqual(1e-4);
    }
    const classifier = await openSegmentClassifier(version, { onnx: { threads: 1 } });
    await expect(classifier.predict({ melspec: raw[0] })).rejects.toThrow(/needs the input features/);
    await classifier.close();
  });
});
