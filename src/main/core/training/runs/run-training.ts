import { ModelStore } from '../../models/store/model-store.ts';
import { userModelsDir } from '../../models/store/shipped-models-dir.ts';
import { openDataset } from '../datasets/open-dataset.ts';
import type { EvaluationResult } from './evaluate-svm.ts';
import { evaluateSvm } from './evaluate-svm.ts';
import type { EvaluateRequest, RunProgress, TrainRequest } from './requests.ts';
import type { TrainedVersion } from './train-svm-version.ts';
import { trainSvmVersion } from './train-svm-version.ts';

export function storeFor(request: { dataDir: string; shippedDir: string | null }): ModelStore {
  return new ModelStore({ userDir: userModelsDir(request.dataDir), shippedDir: request.shippedDir });
}

function needsAudioEngine(model: string): Error {
  return new Error(
    `Training and evaluating the ${model} model needs audio datasets analysed into log-mel segments, which the analysis ` +
      'engine provides; it is not part of this build yet. The SVM trains and evaluates now on a feature table ' +
      '(e.g. --dataset features_30_sec.csv).',
  );
}

/** Runs `genre-tagger train` (in a worker thread or in process): picks the trainer for the model kind. */
export async function runTraining(request: TrainRequest, options: { signal?: AbortSignal; progress?: RunProgress } = {}): Promise<TrainedVersion> {
  if (request.split && request.folds !== undefined) throw new Error('Give either a split or a number of folds, not both');
  const dataset = openDataset(request.dataset);
  if (request.model === 'svm') {
    if (dataset.kind !== 'features') {
      throw new Error(`The SVM trains on a feature table (like features_30_sec.csv); ${request.dataset} is an audio dataset, which needs the analysis engine`);
    }
    return trainSvmVersion(request, dataset.table, storeFor(request), options);
  }
  throw needsAudioEngine(request.model);
}

/** Runs `genre-tagger evaluate`. */
export async function runEvaluation(request: EvaluateRequest, options: { signal?: AbortSignal; progress?: RunProgress } = {}): Promise<EvaluationResult> {
  if (request.split && request.folds !== undefined) throw new Error('Give either a split or a number of folds, not both');
  const dataset = openDataset(request.dataset);
  if (request.model === 'svm') {
    if (dataset.kind !== 'features') throw new Error(`The SVM is evaluated on a feature table; ${request.dataset} is an audio dataset`);
    return evaluateSvm(request, dataset.table, storeFor(request), options);
  }
  throw needsAudioEngine(request.model);
}
