import { modelKind } from '../../models/kinds/registry.ts';
import { ModelStore } from '../../models/store/model-store.ts';
import { userModelsDir } from '../../models/store/shipped-models-dir.ts';
import { openDataset } from '../datasets/open-dataset.ts';
import type { EvaluationResult } from './evaluate-svm.ts';
import { evaluateSvm } from './evaluate-svm.ts';
import { evaluateAudio } from './evaluate-audio.ts';
import type { EvaluateRequest, RunContext, TrainRequest } from './requests.ts';
import { trainAudioVersion } from './train-audio-version.ts';
import type { TrainedVersion } from './train-svm-version.ts';
import { trainSvmVersion } from './train-svm-version.ts';

export function storeFor(request: { dataDir: string; shippedDir: string | null }): ModelStore {
  return new ModelStore({ userDir: userModelsDir(request.dataDir), shippedDir: request.shippedDir });
}

/** Only window models (the SVM) learn from a feature table; the others need the audio. */
const trainsOnFeatureTables = (kind: string): boolean => modelKind(kind).role === 'window';

function featureTableOnly(model: string, path: string): Error {
  return new Error(
    `The ${model} model trains on audio (log-mel segments from the analysis engine); ${path} is a feature table. ` +
      'Give a folder of <genre>/<file> audio or a labels.csv (path,genre).',
  );
}

/**
 * Runs `genre-tagger train` (in a worker thread or in process): the SVM on a feature table (features_30_sec.csv),
 * or any model on an audio dataset (analysed once, cached, then CNN / MLFI / SVM / ensemble training).
 */
export async function runTraining(request: TrainRequest, context: RunContext = {}): Promise<TrainedVersion> {
  if (request.split && request.folds !== undefined) throw new Error('Give either a split or a number of folds, not both');
  const dataset = openDataset(request.dataset);
  if (dataset.kind === 'audio') return trainAudioVersion(request, dataset.audio, storeFor(request), context);
  if (!trainsOnFeatureTables(request.model)) throw featureTableOnly(request.model, request.dataset);
  return trainSvmVersion(request, dataset.table, storeFor(request), context);
}

/** Runs `genre-tagger evaluate`. */
export async function runEvaluation(request: EvaluateRequest, context: RunContext = {}): Promise<EvaluationResult> {
  if (request.split && request.folds !== undefined) throw new Error('Give either a split or a number of folds, not both');
  const dataset = openDataset(request.dataset);
  if (dataset.kind === 'audio') return evaluateAudio(request, dataset.audio, storeFor(request), context);
  if (!trainsOnFeatureTables(request.model)) throw featureTableOnly(request.model, request.dataset);
  return evaluateSvm(request, dataset.table, storeFor(request), context);
}
