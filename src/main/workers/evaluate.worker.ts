import type { EvaluationResult } from '../core/training/runs/evaluate-svm.ts';
import type { EvaluateRequest } from '../core/training/runs/requests.ts';
import { runEvaluation } from '../core/training/runs/run-training.ts';
import { workerTrackAnalyzer } from './analysis-worker-pool.ts';
import { runInWorker } from './run-in-worker.ts';

/** Evaluates a model (or cross-validates its recipe) off the main thread: `genre-tagger evaluate`. */
runInWorker<EvaluateRequest, EvaluationResult>({
  run: async ({ data, signal, progress }) => {
    const pool = workerTrackAnalyzer(2);
    try {
      return await runEvaluation(data.payload, { signal, analyzer: pool.analyze, progress: (done, total, message) => progress(done, total, null, message) });
    } finally {
      await pool.close();
    }
  },
});
