import { gtzanFeatureNames } from '../../features/gtzan-feature-names.ts';
import type { LayersModel, Tf } from '../../models/runtime/tfjs-types.ts';
import type { SvmPipeline } from '../../models/svm/svm-pipeline.ts';
import { predictSvmPipeline } from '../../models/svm/svm-pipeline.ts';
import type { NormalizationStats } from '../../models/normalize-input.ts';
import type { AnalysedTrack } from '../analysis/analyze-dataset.ts';
import { selectRows } from '../datasets/feature-table.ts';
import { averageByTrack } from '../metrics/track-aggregation.ts';
import type { FitProgress } from '../fit/fit-layers-model.ts';
import { AnalysedSegmentSource } from '../nn/analysed-segment-source.ts';
import { trainSegmentModel } from '../nn/train-segment-model.ts';
import type { SvmTrainingResult } from '../svm/train-svm.ts';
import { trainSvmOnPlan } from '../svm/train-svm.ts';
import { engineFeatureTable } from './engine-feature-table.ts';
import type { SegmentRecipe } from '../../models/kinds/segment-recipe.ts';
import { segmentModelKind } from '../../models/kinds/registry.ts';

/** Track indices (into the analysed tracks) of one training run: train, validation (tuning), test. */
export interface TrackPlan {
  train: number[];
  valid: number[];
  test: number[];
}

export interface MemberRunOptions {
  labels: string[];
  signal?: AbortSignal;
  onProgress?: (message: string, fraction: number) => void;
}

/** What one member (CNN, MLFI or SVM) gives for a plan: track probabilities on its validation and test tracks. */
export interface MemberRun {
  /** [valid tracks, k] from a model that never trained on them (chosen on them at most). */
  validProbabilities: Float64Array;
  /** [test tracks, k] */
  testProbabilities: Float64Array;
  info: Record<string, unknown>;
}

export interface SegmentMemberRun extends MemberRun {
  model: LayersModel;
  normalization: Record<string, NormalizationStats>;
  samplesSeen: number;
}

export interface SvmMemberRun extends MemberRun {
  svm: SvmTrainingResult;
}

function describeProgress(p: FitProgress, epochs: number): string {
  const last = p.last ? `, last validation ${(100 * p.last.valid.accuracy).toFixed(0)}% (loss ${p.last.valid.loss.toFixed(2)})` : '';
  return `epoch ${p.epoch + 1}/${epochs}, ${p.samplesPerSecond.toFixed(1)} crops/s${last}`;
}

/** Trains a CNN or MLFI on plan.train (random crops), early-stopped on plan.valid, and predicts valid and test. */
export async function runSegmentMember(tf: Tf, recipe: SegmentRecipe, tracks: readonly AnalysedTrack[], plan: TrackPlan, options: MemberRunOptions): Promise<SegmentMemberRun> {
  const started = performance.now();
  const source = new AnalysedSegmentSource(tracks, recipe);
  const r = await trainSegmentModel({
    tf,
    build: segmentModelKind(recipe.kind).training.build(recipe, options.labels.length),
    source,
    labels: options.labels,
    plan,
    normalization: recipe.normalization,
    epochs: recipe.epochs,
    batchSize: recipe.batchSize,
    samplesPerTrack: recipe.samplesPerTrack,
    learningRate: recipe.learningRate,
    earlyStoppingPatience: recipe.earlyStoppingPatience,
    reduceOnPlateau: recipe.reduceOnPlateau,
    aggregation: recipe.aggregation,
    seed: recipe.seed,
    signal: options.signal,
    onProgress: (p) => options.onProgress?.(describeProgress(p, recipe.epochs), Math.min(1, (p.epoch + (p.batches === null ? 0.5 : 1)) / recipe.epochs)),
  });
  const trainSegments = plan.train.reduce((a, t) => a + tracks[t].analysis.segmentCount, 0);
  return {
    model: r.model,
    normalization: r.normalization,
    samplesSeen: r.samplesSeen,
    validProbabilities: r.validProbabilities,
    testProbabilities: r.testProbabilities,
    info: {
      trainTracks: plan.train.length,
      validTracks: plan.valid.length,
      trainSegments,
      cropsSeen: r.samplesSeen,
      epochsRun: r.fit.history.length,
      bestEpoch: r.fit.bestEpoch + 1,
      stoppedEarly: r.fit.stoppedEarly,
      bestValidLoss: r.fit.best.loss,
      bestValidAccuracy: r.fit.best.accuracy,
      cropsPerSecond: r.samplesPerSecond,
      durationMs: Math.round(performance.now() - started),
      history: r.fit.history.map((h) => ({ epoch: h.epoch + 1, trainLoss: h.trainLoss, trainAccuracy: h.trainAccuracy, validLoss: h.valid.loss, validAccuracy: h.valid.accuracy, learningRate: h.learningRate })),
    },
  };
}

/** Track probabilities [plan tracks, k] of an SVM on the tracks' 30 s windows, averaged per track. */
export function svmTrackRows(svm: SvmPipeline, tracks: readonly AnalysedTrack[], indices: readonly number[]): Float64Array {
  const k = svm.labels.length;
  if (indices.length === 0) return new Float64Array(0);
  const { table, rowsOf } = engineFeatureTable(indices.map((i) => tracks[i]));
  const rows = rowsOf.flat();
  const probs = predictSvmPipeline(svm, selectRows(table, rows), rows.length);
  const byTrack = averageByTrack(rows.map((r) => table.rows[r].track), probs, k);
  if (byTrack.tracks.length !== indices.length) throw new Error('Two tracks of the plan share a track key');
  return byTrack.probabilities;
}

/**
 * The SVM recipe on the engine's features of the analysed tracks (30 s windows): C, gamma and PCA on/off chosen on
 * plan.valid, refit on train + valid, applied to the test tracks. The validation probabilities come from the model
 * fitted on train only (the one the choice was made with).
 */
export async function runSvmMember(tracks: readonly AnalysedTrack[], plan: TrackPlan, options: MemberRunOptions & { seed?: number }): Promise<SvmMemberRun> {
  const started = performance.now();
  const { table, rowsOf } = engineFeatureTable(tracks);
  const rowPlan = { train: plan.train.flatMap((t) => rowsOf[t]), valid: plan.valid.flatMap((t) => rowsOf[t]), test: plan.test.flatMap((t) => rowsOf[t]) };
  const svm = await trainSvmOnPlan(table, rowPlan, {
    labels: options.labels,
    pca: 'auto',
    refit: 'train+valid',
    seed: options.seed ?? 1,
    signal: options.signal,
    onProgress: (done, total, message) => options.onProgress?.(message, done / total),
  });
  if (svm.pipeline.featureNames.join() !== gtzanFeatureNames.join()) throw new Error('SVM feature order mismatch');
  return {
    svm,
    validProbabilities: svmTrackRows(svm.selectionModel, tracks, plan.valid),
    testProbabilities: svmTrackRows(svm.pipeline, tracks, plan.test),
    info: {
      trainTracks: plan.train.length,
      validTracks: plan.valid.length,
      fittedRows: rowPlan.train.length + rowPlan.valid.length,
      C: svm.best.C,
      gamma: svm.best.gamma,
      pcaVariance: svm.best.pcaVariance,
      validAccuracy: svm.best.validAccuracy,
      durationMs: Math.round(performance.now() - started),
    },
  };
}
