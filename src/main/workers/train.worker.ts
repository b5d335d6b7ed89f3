import type { TrainRequest } from '../core/training/runs/requests.ts';
import { runTraining } from '../core/training/runs/run-training.ts';
import type { TrainedVersion } from '../core/training/runs/train-svm-version.ts';
import { workerTrackAnalyzer } from './analysis-worker-pool.ts';
import { runInWorker } from './run-in-worker.ts';

/**
 * Trains a model version off the main thread: `genre-tagger train` and the app's training job. Audio datasets are
 * analysed by two more worker threads (analysis-worker-pool) while this one trains.
 */
runInWorker<TrainRequest, TrainedVersion>({
  run: async ({ data, signal, progress }) => {
    const pool = workerTrackAnalyzer(2);
    try {
      return await runTraining(data.payload, { signal, analyzer: pool.analyze, progress: (done, total, message) => progress(done, total, null, message) });
    } finally {
      await pool.close();
    }
  },
});
