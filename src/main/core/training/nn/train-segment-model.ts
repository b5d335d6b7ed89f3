import type { Aggregation } from '../../models/aggregation/segment-aggregation.ts';
import { aggregateSegments } from '../../models/aggregation/segment-aggregation.ts';
import type { NormalizationGranularity, NormalizationStats } from '../../models/normalize-input.ts';
import { fitNormalization, normalizeInput } from '../../models/normalize-input.ts';
import type { LayersModel, Tensor, Tf } from '../../models/runtime/tfjs-types.ts';
import type { TensorData } from '../../models/tensor-data.ts';
import type { ClassificationMetrics } from '../metrics/classification-metrics.ts';
import { metricsFromProbabilities } from '../metrics/classification-metrics.ts';
import type { FitOptions, FitProgress, FitResult, TrainingBatch } from '../fit/fit-layers-model.ts';
import { fitLayersModel } from '../fit/fit-layers-model.ts';
import { SeededRandom } from '../../random/seeded-random.ts';
import type { SegmentSource } from './segment-source.ts';

export interface SegmentTrainingOptions {
  tf: Tf;
  build: (tf: Tf) => LayersModel;
  source: SegmentSource;
  labels: string[];
  /** Track indices of each part (a split or one fold, by track). */
  plan: { train: number[]; valid: number[]; test: number[] };
  /** How each input is standardised (statistics from training tracks), by input name. */
  normalization: Record<string, NormalizationGranularity>;
  epochs: number;
  batchSize?: number;
  /** Random crops drawn from each training track per epoch. */
  samplesPerTrack?: number;
  learningRate?: number;
  earlyStoppingPatience?: number;
  /** Learning-rate schedule on the validation loss (default: halve after 2 epochs without improvement). */
  reduceOnPlateau?: FitOptions['reduceOnPlateau'];
  aggregation?: Aggregation;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
}

export interface SegmentTrainingResult {
  model: LayersModel;
  normalization: Record<string, NormalizationStats>;
  fit: FitResult;
  valid: ClassificationMetrics;
  test: ClassificationMetrics | null;
  /** Track probabilities [tracks, k] of the returned (best) model on plan.valid and plan.test, in plan order. */
  validProbabilities: Float64Array;
  testProbabilities: Float64Array;
  /** Training crops drawn over all epochs (how much data the model saw). */
  samplesSeen: number;
  /** Training throughput of the last epoch. */
  samplesPerSecond: number;
}

function labelIndex(labels: string[], label: string): number {
  const i = labels.indexOf(label);
  if (i < 0) throw new Error(`Unknown label ${label}`);
  return i;
}

/** Track-level probabilities [tracks, k] of `model`: all segments predicted, aggregated per track. */
export function predictTracks(
  tf: Tf,
  model: LayersModel,
  source: SegmentSource,
  tracks: readonly number[],
  normalization: Record<string, NormalizationStats>,
  k: number,
  aggregation: Aggregation = 'mean',
): Float64Array {
  const out = new Float64Array(tracks.length * k);
  tracks.forEach((t, r) => {
    const inputs = source.segments(t).map((x, j) => normalizeInput(x, normalization[source.inputs[j].name]));
    const n = inputs[0].shape[0];
    const probs = tf.tidy(() => {
      const xs = inputs.map((x) => tf.tensor(x.data, x.shape));
      return (model.predict(xs.length === 1 ? xs[0] : xs) as Tensor).dataSync() as Float32Array;
    });
    out.set(aggregateSegments(probs, n, k, aggregation), r * k);
  });
  return out;
}

/**
 * Trains a segment model (CNN or MLFI) on random crops of the training tracks, standardising every input with
 * statistics of the training tracks, validating at TRACK level after each epoch (aggregated segment
 * probabilities; early stopping and reduce-on-plateau on that validation loss), then scores the test tracks.
 */
export async function trainSegmentModel(options: SegmentTrainingOptions): Promise<SegmentTrainingResult> {
  const { tf, source, labels, plan, seed = 1, batchSize = 32, samplesPerTrack = 8, aggregation = 'mean' } = options;
  const k = labels.length;
  if (plan.train.length === 0 || plan.valid.length === 0) throw new Error('Segment models need training and validation tracks');
  // Normalisation statistics from every segment of the training tracks.
  const normalization: Record<string, NormalizationStats> = {};
  source.inputs.forEach((spec, j) => {
    const parts = plan.train.map((t) => source.segments(t)[j]);
    const n = parts.reduce((a, p) => a + p.shape[0], 0);
    const data = new Float32Array(parts.reduce((a, p) => a + p.data.length, 0));
    let offset = 0;
    for (const p of parts) {
      data.set(p.data, offset);
      offset += p.data.length;
    }
    normalization[spec.name] = fitNormalization({ data, shape: [n, ...spec.shape] }, options.normalization[spec.name] ?? 'global');
  });
  const model = options.build(tf);
  const names = model.inputNames;
  const order = names.map((name) => {
    const j = source.inputs.findIndex((s) => s.name === name);
    if (j < 0) throw new Error(`The model's input ${name} is not provided by the data`);
    return j;
  });
  const trainLabels = plan.train.map((t) => labelIndex(labels, source.track(t).label));
  function* batches(_epoch: number, random: SeededRandom): Iterable<TrainingBatch> {
    const draws = random.shuffle(plan.train.flatMap((t, i) => Array.from({ length: samplesPerTrack }, () => i)));
    for (let b = 0; b < draws.length; b += batchSize) {
      const chunk = draws.slice(b, b + batchSize);
      const samples = chunk.map((i) => source.sample(plan.train[i], random));
      const inputs: TensorData[] = order.map((j) => {
        const size = source.inputs[j].shape.reduce((a, c) => a * c, 1);
        const data = new Float32Array(chunk.length * size);
        samples.forEach((s, r) => data.set(s[j], r * size));
        return normalizeInput({ data, shape: [chunk.length, ...source.inputs[j].shape] }, normalization[source.inputs[j].name]);
      });
      yield { inputs, labels: Int32Array.from(chunk, (i) => trainLabels[i]) };
    }
  }
  const orderedSource: SegmentSource = {
    inputs: order.map((j) => source.inputs[j]),
    trackCount: source.trackCount,
    track: (i) => source.track(i),
    sample: (i, r) => {
      const s = source.sample(i, r);
      return order.map((j) => s[j]);
    },
    segments: (i) => {
      const s = source.segments(i);
      return order.map((j) => s[j]);
    },
  };
  const truth = (tracks: number[]) => tracks.map((t) => labelIndex(labels, source.track(t).label));
  const validTruth = truth(plan.valid);
  const fit = await fitLayersModel({
    tf,
    model,
    classes: k,
    epochs: options.epochs,
    learningRate: options.learningRate ?? 1e-3,
    earlyStoppingPatience: options.earlyStoppingPatience,
    reduceOnPlateau: options.reduceOnPlateau,
    seed,
    signal: options.signal,
    onProgress: options.onProgress,
    trainBatches: (epoch, random) => batches(epoch, random),
    validate: () => {
      const m = metricsFromProbabilities(validTruth, predictTracks(tf, model, orderedSource, plan.valid, normalization, k, aggregation), labels);
      return { loss: m.logLoss ?? Infinity, accuracy: m.accuracy };
    },
  });
  const validProbabilities = predictTracks(tf, model, orderedSource, plan.valid, normalization, k, aggregation);
  const valid = metricsFromProbabilities(validTruth, validProbabilities, labels);
  const testProbabilities = predictTracks(tf, model, orderedSource, plan.test, normalization, k, aggregation);
  const test = plan.test.length > 0 ? metricsFromProbabilities(truth(plan.test), testProbabilities, labels) : null;
  const last = fit.history[fit.history.length - 1];
  return {
    model,
    normalization,
    fit,
    valid,
    test,
    validProbabilities,
    testProbabilities,
    samplesSeen: fit.history.reduce((a, h) => a + h.samples, 0),
    samplesPerSecond: last ? last.samples / last.seconds : 0,
  };
}
