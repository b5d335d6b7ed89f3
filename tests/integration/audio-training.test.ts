import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/main/core/models/store/model-store.ts';
import { ModelStore } from '../../src/main/core/models/store/model-store.ts';
import type { ModelVersion } from '../../src/main/core/models/store/model-store.ts';
import { openSegmentClassifier } from '../../src/main/core/models/segment-classifier.ts';
import { segmentBatch } from '../../src/main/core/models/inference/segment-batch.ts';
import { mlfiFeatureNames } from '../../src/main/core/models/feature-columns.ts';
import { analyzeDataset } from '../../src/main/core/training/analysis/analyze-dataset.ts';
import { readAudioDataset } from '../../src/main/core/training/datasets/audio-dataset.ts';
import { trackInputsOf } from '../../src/main/core/training/audio/track-inputs.ts';
import type { TrainRequest } from '../../src/main/core/training/runs/requests.ts';
import { runTraining } from '../../src/main/core/training/runs/run-training.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// A tiny real dataset: 8 GTZAN clips of two genres, as a labels.csv, with a split by track.
const genres = ['classical', 'metal'];
let tmp: { dir: string; cleanup: () => void };
let dataset: string;
let split: string;
let cacheDir: string;
beforeAll(() => {
  const gtzan = requireGtzan();
  tmp = makeTempDir();
  dataset = join(tmp.dir, 'labels.csv');
  const lines = ['path,genre'];
  for (const g of genres) for (let i = 0; i < 4; i++) lines.push(`${join(gtzan, 'audio', g, `${g}.0000${i}.opus`)},${g}`);
  writeFileSync(dataset, `${lines.join('\n')}\n`);
  split = join(tmp.dir, 'split');
  mkdirSync(split);
  const part = (idx: number[]) => `${genres.flatMap((g) => idx.map((i) => `${g}/${g}.0000${i}.wav`)).join('\n')}\n`;
  writeFileSync(join(split, 'train.txt'), part([0, 1]));
  writeFileSync(join(split, 'valid.txt'), part([2]));
  writeFileSync(join(split, 'test.txt'), part([3]));
  // The first test's CLI run analyses the clips (worker threads) into this cache; the others read it.
  cacheDir = join(tmp.dir, 'cache');
});
afterAll(() => tmp?.cleanup());

function expectCompleteManifest(v: ModelVersion, kind: 'cnn' | 'mlfi'): void {
  const m = readManifest(v.dir);
  expect(m.kind).toBe(kind);
  expect(m.labels).toHaveLength(10);
  expect(m.inputs.map((i) => i.name)).toEqual(kind === 'cnn' ? ['melspec'] : ['melspec', 'features']);
  expect(m.inputs[0].spectrogram?.melBands).toBe(kind === 'cnn' ? 64 : 128);
  expect(m.inputs[0].window?.seconds).toBe(3);
  if (kind === 'mlfi') expect(m.inputs[1].features).toEqual(mlfiFeatureNames);
  // Normalisation from the training tracks: per mel band, and per feature for the MLFI's 55 features.
  expect(m.normalization?.melspec.mean).toHaveLength(kind === 'cnn' ? 64 : 128);
  if (kind === 'mlfi') expect(m.normalization?.features.std).toHaveLength(55);
  expect(m.training.dataset.tracks).toBe(8);
  expect(m.training.split).toEqual({ kind: 'files', source: split });
  expect(m.training.counts).toMatchObject({ train: 4, valid: 2, test: 2 });
  expect(m.training.counts.fitted).toBe(4 * 8 * 1 * (kind === 'cnn' ? 1 : 0.75)); // crops: tracks x crops per track x epochs
  expect(m.training.params).toHaveProperty('recipe');
  expect(m.training.params).toHaveProperty('engineVersion');
  expect(m.metrics.valid?.n).toBe(2);
  expect(m.metrics.test?.n).toBe(2);
  expect(Date.parse(m.createdAt)).toBeGreaterThan(Date.parse('2024-01-01'));
  expect(m.code.appVersion).toMatch(/^\d+\.\d+\.\d+/);
  for (const f of Object.values(m.files)) expect(existsSync(join(v.dir, f))).toBe(true);
}

/** Largest |p_onnx - p_tfjs| over every segment of the test clips. */
async function runtimeDisagreement(v: ModelVersion): Promise<number> {
  const tracks = await analyzeDataset(readAudioDataset(dataset), { cacheDir });
  const segments = [3, 7].flatMap((i) => trackInputsOf(tracks[i].analysis).segments);
  const inputs = segmentBatch(v.manifest, segments);
  const out: Float32Array[] = [];
  for (const runtime of ['onnx', 'tfjs'] as const) {
    const c = await openSegmentClassifier(v, { runtime, onnx: { threads: 1 } });
    out.push(await c.predict(inputs));
    await c.close();
  }
  expect(out[0]).toHaveLength(segments.length * 10);
  let diff = 0;
  for (let i = 0; i < out[0].length; i++) diff = Math.max(diff, Math.abs(out[0][i] - out[1][i]));
  for (let r = 0; r < segments.length; r++) expect(out[0].subarray(r * 10, r * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  return diff;
}

describe('training CNN and MLFI on real audio', () => {
  it('the CLI trains a CNN version (analysis in worker threads, cached), and evaluate recomputes its test accuracy', async () => {
    const home = join(tmp.dir, 'home');
    const trained = await runCli(['train', '--model', 'cnn', '--dataset', dataset, '--split', split, '--epochs', '1', '--cache', cacheDir, '--json'], { env: { GENRE_TAGGER_HOME: home } });
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const t = JSON.parse(trained.stdout) as { version: string; dir: string; active: boolean; accuracy: number };
    expect(readdirSync(join(cacheDir, 'analysis'))).toHaveLength(8);
    expect(t.active).toBe(true);
    const store = new ModelStore({ userDir: join(home, 'models') });
    const version = store.get('cnn', t.version);
    expectCompleteManifest(version, 'cnn');
    expect(await runtimeDisagreement(version)).toBeLessThanOrEqual(1e-4);

    const evaluated = await runCli(['evaluate', '--model', 'cnn', '--dataset', dataset, '--split', split, '--cache', cacheDir, '--json'], { env: { GENRE_TAGGER_HOME: home } });
    expect(evaluated.code).toBe(0);
    const e = JSON.parse(evaluated.stdout) as { metrics: { accuracy: number; n: number; confusion: number[][] } };
    expect(e.metrics.n).toBe(2);
    // Recomputed through onnxruntime; the manifest's figure came from tfjs during training.
    expect(e.metrics.accuracy).toBe(readManifest(version.dir).metrics.test?.accuracy);
    expect(e.metrics.accuracy).toBe(e.metrics.confusion.reduce((a, row, i) => a + row[i], 0) / 2);
  });

  it('trains an MLFI (two-way B) version whose ONNX and TensorFlow.js probabilities agree', async () => {
    const home = join(tmp.dir, 'home-mlfi');
    const request: TrainRequest = { model: 'mlfi', dataset, split, epochs: 1, cacheDir, dataDir: home, shippedDir: null, seed: 2 };
    const result = await runTraining(request);
    expect(result.version.manifest.architecture).toBe('mlfi-two-way-B');
    expectCompleteManifest(result.version, 'mlfi');
    expect(await runtimeDisagreement(result.version)).toBeLessThanOrEqual(1e-4);
  });

  it('refuses a feature table for the CNN and a dataset with one genre', async () => {
    const gtzan = requireGtzan();
    const base = { dataDir: join(tmp.dir, 'home-x'), shippedDir: null, cacheDir } as const;
    await expect(runTraining({ ...base, model: 'cnn', dataset: join(gtzan, 'features_30_sec.csv') })).rejects.toThrow(/trains on audio .* is a feature table/);
    const one = join(tmp.dir, 'one.csv');
    writeFileSync(one, `path,genre\n${join(gtzan, 'audio', 'metal', 'metal.00000.opus')},metal\n`);
    await expect(runTraining({ ...base, model: 'cnn', dataset: one })).rejects.toThrow(/only one genre/);
  });
});
