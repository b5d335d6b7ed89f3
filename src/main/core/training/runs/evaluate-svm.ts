import { resolve } from 'node:path';
import type { FeatureTable } from '../datasets/feature-table.ts';
import { labelSetOf } from '../datasets/label-set.ts';
import type { ClassificationMetrics } from '../metrics/classification-metrics.ts';
import { applySplit, readSplitFiles } from '../splits/split-files.ts';
import { trackFolds } from '../splits/track-folds.ts';
import { crossValidateSvm } from '../svm/cross-validate-svm.ts';
import { evaluateSvmOnRows } from '../svm/train-svm.ts';
import { loadSvmModel } from '../../models/store/load-svm-model.ts';
import type { ModelStore, ModelVersion } from '../../models/store/model-store.ts';
import { readManifest } from '../../models/store/model-store.ts';
import type { EvaluateRequest, RunProgress } from './requests.ts';

export interface EvaluationResult {
  /** What was evaluated: a stored version, or the training recipe under cross-validation. */
  subject: { kind: 'version'; version: string; dir: string } | { kind: 'cross-validation'; folds: number };
  scope: string;
  metrics: ClassificationMetrics;
  folds?: { fold: number; accuracy: number; tracks: number }[];
  /** Cross-validation: mean and (population) standard deviation of the fold accuracies. */
  meanAccuracy?: number;
  stdAccuracy?: number;
  /** Other models on the same tracks or folds (e.g. the SVM beside the CNN), for a fair comparison. */
  comparison?: { name: string; accuracy: number; meanAccuracy?: number; stdAccuracy?: number; macroF1: number; n: number }[];
  /** Free-text facts about the run (data each model saw, durations, ensemble weights). */
  notes?: string[];
}

/** The version an evaluate request names: a folder, a version id, or the active one. */
export function resolveVersion(request: EvaluateRequest, store: ModelStore): ModelVersion {
  if (request.modelDir) {
    const dir = resolve(request.modelDir);
    return { manifest: readManifest(dir), dir, source: 'user', active: false };
  }
  if (request.version) return store.get(request.model, request.version);
  const active = store.active(request.model);
  if (!active) throw new Error(`No ${request.model} model is installed; train one first (genre-tagger train --model ${request.model} …)`);
  return active;
}

/**
 * Track-level evaluation of the SVM on a feature table: a stored version on the test tracks of a split (or on
 * every track when no split is given), or the training recipe by k-fold cross-validation.
 */
export async function evaluateSvm(request: EvaluateRequest, table: FeatureTable, store: ModelStore, options: { signal?: AbortSignal; progress?: RunProgress } = {}): Promise<EvaluationResult> {
  if (request.folds !== undefined) {
    const labels = labelSetOf(table.rows.map((r) => r.label));
    const folds = trackFolds(table.rows.map((r) => r.track), table.rows.map((r) => r.label), request.folds, { seed: request.seed ?? 1 });
    const cv = await crossValidateSvm(table, folds, {
      labels,
      pca: request.pca ?? 'auto',
      seed: request.seed ?? 1,
      signal: options.signal,
      onProgress: (done, total, message) => options.progress?.(done, total, message),
    });
    return {
      subject: { kind: 'cross-validation', folds: request.folds },
      scope: `${request.folds}-fold cross-validation by track, ${cv.metrics.n} tracks (mean fold accuracy ${(100 * cv.meanAccuracy).toFixed(1)}% ± ${(100 * cv.stdAccuracy).toFixed(1)})`,
      metrics: cv.metrics,
      folds: cv.folds.map(({ fold, accuracy, tracks }) => ({ fold, accuracy, tracks })),
      meanAccuracy: cv.meanAccuracy,
      stdAccuracy: cv.stdAccuracy,
    };
  }
  const version = resolveVersion(request, store);
  const model = loadSvmModel(version);
  if (model.featureNames.join() !== table.featureNames.join()) throw new Error('The table does not have the features this SVM was trained on');
  let rows = table.rows.map((_, i) => i);
  let scope = `all ${new Set(table.rows.map((r) => r.track)).size} tracks of the dataset`;
  if (request.split) {
    rows = applySplit(table.rows.map((r) => r.track), readSplitFiles(request.split)).test;
    if (rows.length === 0) throw new Error('None of the split\'s test tracks is in this dataset');
    scope = `the test tracks of ${request.split}`;
  }
  options.progress?.(0, 1, 'Predicting');
  const metrics = evaluateSvmOnRows(model, table, rows);
  options.progress?.(1, 1, 'Done');
  return { subject: { kind: 'version', version: version.manifest.version, dir: version.dir }, scope: `${scope} (${metrics.n} tracks)`, metrics };
}
