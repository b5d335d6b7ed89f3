import type { EvaluationResult } from '../core/training/runs/evaluate-svm.ts';
import type { EvaluateRequest } from '../core/training/runs/requests.ts';
import { runEvaluation } from '../core/training/runs/run-training.ts';
import { runInWorker } from './run-in-worker.ts';

/** Evaluates a model (or cross-validates its recipe) off the main thread: `genre-tagger evaluate`. */
runInWorker<EvaluateRequest, EvaluationResult>(({ data, signal, progress }) =>
  runEvaluation(data.payload, { signal, progress: (done, total, message) => progress(done, total, null, message) }),
);
