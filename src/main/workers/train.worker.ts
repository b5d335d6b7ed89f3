import type { TrainRequest } from '../core/training/runs/requests.ts';
import { runTraining } from '../core/training/runs/run-training.ts';
import type { TrainedVersion } from '../core/training/runs/train-svm-version.ts';
import { runInWorker } from './run-in-worker.ts';

/** Trains a model version off the main thread: `genre-tagger train` and the app's training job. */
runInWorker<TrainRequest, TrainedVersion>(({ data, signal, progress }) =>
  runTraining(data.payload, { signal, progress: (done, total, message) => progress(done, total, null, message) }),
);
