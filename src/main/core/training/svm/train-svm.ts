import type { SvmPipeline } from '../../models/svm/svm-pipeline.ts';
import { fitSvmPipeline, predictSvmPipeline } from '../../models/svm/svm-pipeline.ts';
import type { FeatureTable } from '../datasets/feature-table.ts';
import { selectRows } from '../datasets/feature-table.ts';
import { labelIndices } from '../datasets/label-set.ts';
import type { ClassificationMetrics } from '../metrics/classification-metrics.ts';
import { metricsFromProbabilities } from '../metrics/classification-metrics.ts';
import { averageByTrack } from '../metrics/track-aggregation.ts';
import type { GridResult } from './select-svm-params.ts';
import { selectSvmParams } from './select-svm-params.ts';
import type { SvmGrid } from './svm-grid.ts';
import { defaultSvmGrid } from './svm-grid.ts';

export interface RowPlan {
  train: number[];
  valid: number[];
  test: number[];
}

export interface SvmTrainingOptions {
  labels: string[];
  /** Which PCA settings to compare on validation data. */
  pca?: 'auto' | 'on' | 'off';
  grid?: SvmGrid;
  /** After choosing C and gamma on validation data, train the final model on train+valid (default) or train only. */
  refit?: 'train+valid' | 'train';
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

export interface SvmTrainingResult {
  pipeline: SvmPipeline;
  /** The model the validation metrics describe: the chosen parameters fitted on the train part only. */
  selectionModel: SvmPipeline;
  best: GridResult;
  /** Every grid point's validation score. */
  results: GridResult[];
  gridSize: number;
  /** Track-level metrics on the validation part of the model used for selection (trained on train only). */
  valid: ClassificationMetrics;
  /** Track-level metrics of the final model on the test part, null when there is none. */
  test: ClassificationMetrics | null;
  /** Item counts (table rows) and track counts each part held. */
  counts: { train: number; valid: number; test: number; trainTracks: number; validTracks: number; testTracks: number; fitted: number };
  refit: 'train+valid' | 'train';
}

/** Track-level metrics of `pipeline` on table rows `indices`: window probabilities averaged per track. */
export function evaluateSvmOnRows(pipeline: SvmPipeline, table: FeatureTable, indices: readonly number[]): ClassificationMetrics {
  const probs = predictSvmPipeline(pipeline, selectRows(table, indices), indices.length);
  const tracks = indices.map((i) => table.rows[i].track);
  const byTrack = averageByTrack(tracks, probs, pipeline.labels.length);
  const truth = labelIndices(byTrack.firstItem.map((i) => table.rows[indices[i]].label), pipeline.labels);
  return metricsFromProbabilities(truth, byTrack.probabilities, pipeline.labels);
}

/**
 * The honest SVM recipe on one split: choose (C, gamma, PCA) by validation accuracy of models trained on the
 * train part, refit with those on train+valid, and only then look at the test part.
 */
export async function trainSvmOnPlan(table: FeatureTable, plan: RowPlan, options: SvmTrainingOptions): Promise<SvmTrainingResult> {
  const { labels, refit = 'train+valid', seed = 1 } = options;
  if (plan.train.length === 0) throw new Error('The training part of the split is empty');
  const grid = options.grid ?? defaultSvmGrid(options.pca);
  const meta = { labels, featureNames: table.featureNames };
  const rows = (idx: number[]) => ({ x: selectRows(table, idx), y: labelIndices(idx.map((i) => table.rows[i].label), labels) });
  const gridSize = grid.C.length * grid.gamma.length * grid.pcaVariance.length;
  const selection = await selectSvmParams(rows(plan.train), rows(plan.valid), meta, grid, {
    seed,
    signal: options.signal,
    onProgress: (p) =>
      options.onProgress?.(p.done, gridSize + 1, `Choosing C and gamma on validation data (best so far ${(100 * (p.best?.validAccuracy ?? 0)).toFixed(1)}%)`),
  });
  const { C, gamma, pcaVariance } = selection.best;
  const selectionModel = fitSvmPipeline(rows(plan.train).x, rows(plan.train).y, meta, { C, gamma, pcaVariance }, { seed });
  const valid = evaluateSvmOnRows(selectionModel, table, plan.valid);
  options.signal?.throwIfAborted();
  options.onProgress?.(gridSize, gridSize + 1, 'Training the final model');
  const fitIdx = refit === 'train+valid' ? [...plan.train, ...plan.valid] : plan.train;
  const fit = rows(fitIdx);
  const pipeline = fitSvmPipeline(fit.x, fit.y, meta, { C, gamma, pcaVariance }, { seed });
  const test = plan.test.length > 0 ? evaluateSvmOnRows(pipeline, table, plan.test) : null;
  options.onProgress?.(gridSize + 1, gridSize + 1, 'Done');
  const tracksIn = (idx: number[]) => new Set(idx.map((i) => table.rows[i].track)).size;
  return {
    pipeline,
    selectionModel,
    best: selection.best,
    results: selection.results,
    gridSize,
    valid,
    test,
    counts: {
      train: plan.train.length,
      valid: plan.valid.length,
      test: plan.test.length,
      trainTracks: tracksIn(plan.train),
      validTracks: tracksIn(plan.valid),
      testTracks: tracksIn(plan.test),
      fitted: fitIdx.length,
    },
    refit,
  };
}
