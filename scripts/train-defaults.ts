// Reproduces the shipped default models in models/ (npm run train:defaults; `-- --only cnn,mlfi,ensemble` for some).
//
// SVM: features_30_sec.csv (the Kaggle GTZAN table, librosa features of the 30 s clips) with the Kereliuk/Sturm
// fault-filtered split: C, gamma and PCA on/off chosen on the 197 validation tracks, final fit on the 443 + 197
// train and validation tracks, accuracy measured on the 290 test tracks. Seeded, so the weights are identical
// on every run; only the date, duration and commit in the manifest change.
//
// CNN and MLFI (two-way B): the 101 full GTZAN clips in ../shared/datasets/gtzan/audio. Their manifests carry the
// 10-fold cross-validation of the recipe (fold results cached by `npm run evaluate:cv`; computed here otherwise,
// which takes hours), then the final model is trained on all clips but 20 held out (2 folds) for early stopping.
// Ensemble: weights of these CNN, MLFI and SVM chosen on the out-of-fold probabilities of the cross-validation.
// Seeded (folds, crops, initial weights, dropout); ONNX files only (the TensorFlow.js weights are not shipped).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/main/project-root.ts';
import { modelKind } from '../src/main/core/models/kinds/registry.ts';
import type { ModelKind } from '../src/main/core/models/store/model-kinds.ts';
import { modelKinds } from '../src/main/core/models/store/model-kinds.ts';
import type { TrainRequest } from '../src/main/core/training/runs/requests.ts';
import { runTraining } from '../src/main/core/training/runs/run-training.ts';
import { workerTrackAnalyzer } from '../src/main/workers/analysis-worker-pool.ts';

const { values } = parseArgs({ options: { only: { type: 'string' }, cache: { type: 'string' } } });
// Every kind (TypeScript asks for a request of each below); combiners last, after the models they combine.
const all = [...modelKinds].sort((a, b) => Number(modelKind(a).role === 'combiner') - Number(modelKind(b).role === 'combiner'));
const only = values.only ? values.only.split(',').map((s) => s.trim()) : [...all];
for (const o of only) if (!(all as readonly string[]).includes(o)) throw new Error(`--only takes a list of ${all.join(', ')}`);

const gtzan = resolve(projectRoot, process.env.GTZAN_DIR ?? '../shared/datasets/gtzan');
const modelsDir = join(projectRoot, 'models');
const rel = (p: string): string => relative(projectRoot, p) || '.';
const scratch = mkdtempSync(join(tmpdir(), 'genre-tagger-defaults-'));
process.chdir(projectRoot);
const pool = workerTrackAnalyzer(2);
let lastLine = 0;
const progress = (done: number, total: number | null, message: string): void => {
  if (performance.now() - lastLine < 5000 && total !== null && done < total) return;
  lastLine = performance.now();
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message} ${total ? `${Math.floor((100 * done) / total)}%` : ''}\n`);
};
const audio = rel(join(gtzan, 'audio'));
const common = { seed: 1, activate: false, out: modelsDir, dataDir: scratch, cacheDir: values.cache ? resolve(values.cache) : undefined };
const requests: Record<ModelKind, TrainRequest> = {
  svm: {
    ...common,
    model: 'svm',
    dataset: rel(join(gtzan, 'features_30_sec.csv')),
    split: rel(join(gtzan, 'splits')),
    version: 'gtzan-svm-filtered',
    pca: 'auto',
    refit: 'train+valid',
    description:
      'Default SVM: RBF SVM with probability outputs on the 57 GTZAN features (Kaggle features_30_sec.csv), ' +
      'tuned on the fault-filtered validation tracks, fitted on the fault-filtered train and validation tracks (640), ' +
      'scored on its 290 test tracks. Apply to 30 s windows and average over the track.',
    shippedDir: null,
  },
  cnn: {
    ...common,
    model: 'cnn',
    dataset: audio,
    folds: 10,
    version: 'gtzan-cnn',
    saveTfjs: false,
    description:
      'Default CNN (Dong 2018) on 64 x 256 log-mel segments, trained on random 3 s crops of 81 of the 101 GTZAN clips here ' +
      '(20 held out for early stopping); predicts each 3 s segment (hop 1.5 s) and averages over the track. ' +
      'Accuracy: 10-fold cross-validation by track of the same recipe (metrics.crossValidation).',
    shippedDir: modelsDir,
  },
  mlfi: {
    ...common,
    model: 'mlfi',
    dataset: audio,
    folds: 10,
    version: 'gtzan-mlfi-two-way-b',
    interaction: 'two-way',
    mode: 'B',
    saveTfjs: false,
    description:
      'Default MLFI, two-way middle-level interaction (mode B): 128 x 130 log-mel + 55 audio features per 3 s segment, ' +
      'trained on the analysis segments of 81 of the 101 GTZAN clips here (20 held out for early stopping); averages ' +
      'segment probabilities over the track. Accuracy: 10-fold cross-validation by track (metrics.crossValidation).',
    shippedDir: modelsDir,
  },
  ensemble: {
    ...common,
    model: 'ensemble',
    dataset: audio,
    folds: 10,
    version: 'gtzan-ensemble',
    description:
      'Default ensemble: weighted mean of the track probabilities of the shipped CNN, MLFI and SVM; weights chosen on ' +
      'the out-of-fold probabilities of 10-fold cross-validation on the 101 GTZAN clips (nested CV score in metrics).',
    shippedDir: modelsDir,
  },
};
try {
  for (const kind of all) {
    if (!only.includes(kind)) continue;
    const started = performance.now();
    const result = await runTraining(requests[kind], { progress, analyzer: pool.analyze });
    process.stdout.write(`${result.report}\n\nWrote ${rel(result.version.dir)} in ${((performance.now() - started) / 1000).toFixed(1)} s\n\n`);
  }
} finally {
  await pool.close();
  rmSync(scratch, { recursive: true, force: true });
}
