import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activeModels } from '../../src/main/core/classify/active-models.ts';
import type { TrackClassifier } from '../../src/main/core/classify/track-classifier.ts';
import { openTrackClassifier } from '../../src/main/core/classify/track-classifier.ts';
import { ModelStore } from '../../src/main/core/models/store/model-store.ts';
import type { ModelKind } from '../../src/main/core/models/store/model-manifest.ts';
import type { TrackClassifiers } from '../../src/main/core/models/track-classifiers.ts';
import { openTrackClassifiers } from '../../src/main/core/models/track-classifiers.ts';
import { computeCachedAnalysis } from '../../src/main/core/training/analysis/cached-analysis.ts';
import { trackInputsOf } from '../../src/main/core/training/audio/track-inputs.ts';
import { projectRoot } from '../../src/main/project-root.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { makeHiddenTrack } from '../helpers/hidden-track.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

// The cross-validation numbers in the manifests were measured through the training side's inference
// (openTrackClassifiers on cached analyses); the app classifies through openTrackClassifier (a streamed analysis
// of the file). Both run the models through models/inference/track-models.ts but are fed differently (cached vs
// streamed analysis, one batch per track vs batches of 8, float64 vs float32). Both must give the shipped models'
// same probabilities, or the published accuracy is not the app's.
const tmp = makeTempDir();
let product: TrackClassifier;
let training: TrackClassifiers;

beforeAll(async () => {
  const store = new ModelStore({ userDir: tmp.dir, shippedDir: join(projectRoot, 'models') });
  const models = activeModels(store);
  expect(models.map((m) => m.kind).sort()).toEqual(['cnn', 'ensemble', 'mlfi', 'svm']);
  product = await openTrackClassifier(models, { onnxThreads: 1 });
  training = await openTrackClassifiers(store, { runtime: 'onnx', onnx: { threads: 1 } });
});
afterAll(async () => {
  await product?.close();
  await training?.close();
  tmp.cleanup();
});

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

async function bothPaths(path: string): Promise<{ kinds: ModelKind[]; diff: (kind: ModelKind) => number; segmentDiff: (kind: ModelKind) => number }> {
  const app = await product.classify(path);
  const analysis = await computeCachedAnalysis(path, { engine: 'test', sha256: '' });
  const train = await training.classify(trackInputsOf(analysis));
  const appOf = (kind: ModelKind) => app.predictions.find((p) => p.kind === kind)!;
  return {
    kinds: app.predictions.map((p) => p.kind),
    diff: (kind) => maxDiff(appOf(kind).probabilities, train[kind]!.track),
    segmentDiff: (kind) => maxDiff(appOf(kind).segmentProbabilities!, train[kind]!.parts!),
  };
}

describe('the app and the training code classify alike with the shipped models', () => {
  it('a 30 s GTZAN clip: every model and the ensemble within 1e-5', async () => {
    const r = await bothPaths(join(requireGtzan(), 'audio', 'country', 'country.00003.opus'));
    expect(r.kinds.sort()).toEqual(['cnn', 'ensemble', 'mlfi', 'svm']);
    for (const kind of ['cnn', 'mlfi', 'svm', 'ensemble'] as const) expect(r.diff(kind), kind).toBeLessThan(1e-5);
    for (const kind of ['cnn', 'mlfi', 'svm'] as const) expect(r.segmentDiff(kind), kind).toBeLessThan(1e-5);
  });

  it('a 75 s track (three clips joined): every model, segment by segment and window by window', async () => {
    const gtzan = requireGtzan();
    const out = join(tmp.dir, 'joined.flac');
    const inputs = ['blues/blues.00001.opus', 'metal/metal.00004.opus', 'reggae/reggae.00007.opus'].flatMap((c) => ['-i', join(gtzan, 'audio', c)]);
    execFileSync('ffmpeg', ['-v', 'error', '-y', ...inputs, '-filter_complex', 'concat=n=3:v=0:a=1', '-t', '75', out]);
    const r = await bothPaths(out);
    for (const kind of ['cnn', 'mlfi', 'svm'] as const) expect(r.segmentDiff(kind), kind).toBeLessThan(1e-5);
    for (const kind of ['cnn', 'mlfi', 'svm', 'ensemble'] as const) expect(r.diff(kind), kind).toBeLessThan(1e-5);
  });

  it('a hidden track (60 s of silence, then a clip): both leave the silent segments and windows out alike', async () => {
    const out = makeHiddenTrack(tmp.dir, 60);
    const r = await bothPaths(out);
    for (const kind of ['cnn', 'mlfi', 'svm', 'ensemble'] as const) expect(r.diff(kind), kind).toBeLessThan(1e-5);
    for (const kind of ['cnn', 'mlfi', 'svm'] as const) expect(r.segmentDiff(kind), kind).toBeLessThan(1e-5);
  });
});
