import type { LayersModel, Tensor, Tf } from '../../models/runtime/tfjs-types.ts';
import type { TensorData } from '../../models/tensor-data.ts';
import { SeededRandom } from '../../random/seeded-random.ts';

/** One mini-batch: model inputs in the model's input order, and class indices. */
export interface TrainingBatch {
  inputs: TensorData[];
  labels: Int32Array;
}

/** Validation score of the model as it is now (the caller decides: segment or track level). */
export interface ValidationScore {
  loss: number;
  accuracy: number;
}

export interface EpochLog {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valid: ValidationScore;
  learningRate: number;
  samples: number;
  seconds: number;
}

export interface FitProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number | null;
  samplesPerSecond: number;
  last: EpochLog | null;
}

export interface FitOptions {
  tf: Tf;
  model: LayersModel;
  classes: number;
  /** Batches of one epoch, drawn with the given seeded generator (random crops, shuffling …). */
  trainBatches(epoch: number, random: SeededRandom): Iterable<TrainingBatch> | AsyncIterable<TrainingBatch>;
  validate(): Promise<ValidationScore> | ValidationScore;
  epochs: number;
  learningRate?: number;
  /** Multiply the learning rate by `factor` after `patience` epochs without a better validation loss. */
  reduceOnPlateau?: { factor: number; patience: number; minLearningRate: number };
  /** Stop after `patience` epochs without a better validation loss; the best weights are restored. */
  earlyStoppingPatience?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
}

export interface FitResult {
  history: EpochLog[];
  bestEpoch: number;
  best: ValidationScore;
  stoppedEarly: boolean;
}

/**
 * Trains a tfjs model with Adam on categorical cross-entropy (plus the layers' own L2 penalties), validating
 * after every epoch: reduce-on-plateau of the learning rate, early stopping, best weights restored at the end.
 * Cancels between batches through `signal` (throws its reason). Runs in whatever thread calls it.
 */
export async function fitLayersModel(options: FitOptions): Promise<FitResult> {
  const { tf, model, classes, epochs, signal } = options;
  let learningRate = options.learningRate ?? 1e-3;
  const plateau = options.reduceOnPlateau ?? { factor: 0.5, patience: 2, minLearningRate: 1e-5 };
  const patience = options.earlyStoppingPatience ?? 5;
  const optimizer = tf.train.adam(learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const random = new SeededRandom(options.seed ?? 1);
  const history: EpochLog[] = [];
  let best: ValidationScore = { loss: Infinity, accuracy: 0 };
  let bestEpoch = -1;
  let bestWeights: Tensor[] | null = null;
  let sincePlateau = 0;
  let sinceBest = 0;
  let stoppedEarly = false;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const started = performance.now();
      let samples = 0;
      let lossSum = 0;
      let accSum = 0;
      let batch = 0;
      for await (const b of options.trainBatches(epoch, random.fork(epoch))) {
        signal?.throwIfAborted();
        const xs = b.inputs.map((t) => tf.tensor(t.data, t.shape));
        const labels = tf.tensor1d(b.labels, 'int32');
        const ys = tf.oneHot(labels, classes);
        const [loss, acc] = (await model.trainOnBatch(xs.length === 1 ? xs[0] : xs, ys)) as number[];
        tf.dispose([...xs, labels, ys]);
        samples += b.labels.length;
        lossSum += loss * b.labels.length;
        accSum += acc * b.labels.length;
        batch++;
        options.onProgress?.({
          epoch,
          epochs,
          batch,
          batches: null,
          samplesPerSecond: samples / Math.max(1e-3, (performance.now() - started) / 1000),
          last: history[history.length - 1] ?? null,
        });
      }
      signal?.throwIfAborted();
      const valid = await options.validate();
      const log: EpochLog = {
        epoch,
        trainLoss: lossSum / Math.max(1, samples),
        trainAccuracy: accSum / Math.max(1, samples),
        valid,
        learningRate,
        samples,
        seconds: (performance.now() - started) / 1000,
      };
      history.push(log);
      if (valid.loss < best.loss - 1e-6) {
        best = valid;
        bestEpoch = epoch;
        bestWeights?.forEach((w) => w.dispose());
        bestWeights = model.getWeights().map((w) => w.clone());
        sincePlateau = 0;
        sinceBest = 0;
      } else {
        sincePlateau++;
        sinceBest++;
        if (sincePlateau >= plateau.patience && learningRate > plateau.minLearningRate) {
          learningRate = Math.max(plateau.minLearningRate, learningRate * plateau.factor);
          // tfjs' Adam reads its learning rate on every step.
          (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
          sincePlateau = 0;
        }
      }
      options.onProgress?.({ epoch, epochs, batch, batches: batch, samplesPerSecond: samples / log.seconds, last: log });
      if (sinceBest >= patience) {
        stoppedEarly = true;
        break;
      }
    }
    if (bestWeights) model.setWeights(bestWeights);
  } finally {
    bestWeights?.forEach((w) => w.dispose());
  }
  return { history, bestEpoch, best, stoppedEarly };
}
