import { predictSvmPipeline } from '../../models/svm/svm-pipeline.ts';
import type { FeatureTable } from '../datasets/feature-table.ts';
import { selectRows } from '../datasets/feature-table.ts';
import { labelIndices } from '../datasets/label-set.ts';
import type { ClassificationMetrics } from '../metrics/classification-metrics.ts';
import { metricsFromProbabilities } from '../metrics/classification-metrics.ts';
import { averageByTrack } from '../metrics/track-aggregation.ts';
import type { FoldPlan } from '../splits/track-folds.ts';
import type { GridResult } from './select-svm-params.ts';
import type { SvmTrainingOptions } from './train-svm.ts';
import { trainSvmOnPlan } from './train-svm.ts';

export interface CrossValidationResult {
  /** Pooled over all folds: every track is tested exactly once, by the model that did not see it. */
  metrics: ClassificationMetrics;
  folds: { fold: number; accuracy: number; tracks: number; best: GridResult; results: GridResult[] }[];
  meanAccuracy: number;
  stdAccuracy: number;
}

/** k-fold cross-validation by track: per fold, tune on its validation folds, refit, test on the held-out fold. */
export async function crossValidateSvm(table: FeatureTable, folds: FoldPlan[], options: SvmTrainingOptions): Promise<CrossValidationResult> {
  const { labels } = options;
  const k = labels.length;
  const pooledTruth: number[] = [];
  const pooledProbs: number[] = [];
  const perFold: CrossValidationResult['folds'] = [];
  for (const [f, plan] of folds.entries()) {
    const result = await trainSvmOnPlan(table, plan, {
      ...options,
      onProgress: (done, total, message) => options.onProgress?.(f * total + done, folds.length * total, `Fold ${f + 1} of ${folds.length}: ${message}`),
    });
    const probs = predictSvmPipeline(result.pipeline, selectRows(table, plan.test), plan.test.length);
    const byTrack = averageByTrack(plan.test.map((i) => table.rows[i].track), probs, k);
    pooledTruth.push(...labelIndices(byTrack.firstItem.map((i) => table.rows[plan.test[i]].label), labels));
    pooledProbs.push(...byTrack.probabilities);
    perFold.push({ fold: plan.fold, accuracy: result.test?.accuracy ?? 0, tracks: byTrack.tracks.length, best: result.best, results: result.results });
  }
  const accs = perFold.map((f) => f.accuracy);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / accs.length);
  return { metrics: metricsFromProbabilities(pooledTruth, pooledProbs, labels), folds: perFold, meanAccuracy: mean, stdAccuracy: std };
}
