import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureWindowSeconds } from '../datasets/feature-window.ts';
import type { FeatureTable } from '../datasets/feature-table.ts';
import { selectRows } from '../datasets/feature-table.ts';
import { labelIndices, labelSetOf } from '../datasets/label-set.ts';
import type { ClassificationMetrics } from '../metrics/classification-metrics.ts';
import { confusionMatrixSvg } from '../metrics/confusion-svg.ts';
import { formatMetrics } from '../metrics/metrics-text.ts';
import { applySplit, readSplitFiles } from '../splits/split-files.ts';
import { trackFolds } from '../splits/track-folds.ts';
import { consensusParams } from '../svm/consensus-params.ts';
import { crossValidateSvm } from '../svm/cross-validate-svm.ts';
import { trainSvmOnPlan } from '../svm/train-svm.ts';
import { codeVersion } from '../../models/store/code-version.ts';
import { svmModelFile } from '../../models/store/load-svm-model.ts';
import type { ModelManifest } from '../../models/store/model-manifest.ts';
import type { ModelStore, ModelVersion } from '../../models/store/model-store.ts';
import { newVersionId } from '../../models/store/model-store.ts';
import type { SvmPipeline } from '../../models/svm/svm-pipeline.ts';
import { fitSvmPipeline, svmPipelineToJson } from '../../models/svm/svm-pipeline.ts';
import { sha256File } from './file-hash.ts';
import type { RunProgress, TrainRequest } from './requests.ts';

export interface TrainedVersion {
  version: ModelVersion;
  /** The headline metric: test split accuracy, or pooled cross-validation accuracy. */
  accuracy: number;
  metrics: ClassificationMetrics;
  report: string;
}

/**
 * Trains an SVM version from a feature table and saves it with its manifest:
 * - with a split: C, gamma (and PCA on/off) chosen on the validation tracks, final fit on train+valid, test
 *   metrics of that final model;
 * - with k folds: cross-validated metrics (tuned per fold), then a final fit on every track with the
 *   parameters that did best on average across the folds' validation tracks.
 */
export async function trainSvmVersion(
  request: TrainRequest,
  table: FeatureTable,
  store: ModelStore,
  options: { signal?: AbortSignal; progress?: RunProgress } = {},
): Promise<TrainedVersion> {
  const started = performance.now();
  const seed = request.seed ?? 1;
  const labels = labelSetOf(table.rows.map((r) => r.label));
  const meta = { labels, featureNames: table.featureNames };
  const tracks = table.rows.map((r) => r.track);
  const trainOptions = {
    labels,
    pca: request.pca ?? 'auto',
    refit: request.refit ?? 'train+valid',
    seed,
    signal: options.signal,
    onProgress: (done: number, total: number, message: string) => options.progress?.(done, total, message),
  } as const;
  let pipeline: SvmPipeline;
  let metrics: ManifestMetricsSet;
  let split: ModelManifest['training']['split'];
  let counts: ModelManifest['training']['counts'];
  let params: Record<string, unknown>;
  let headline: ClassificationMetrics;
  let title: string;
  if (request.split) {
    const files = readSplitFiles(request.split);
    const plan = applySplit(tracks, files);
    const result = await trainSvmOnPlan(table, plan, trainOptions);
    pipeline = result.pipeline;
    if (!result.test) throw new Error('The split has no test tracks in this dataset');
    headline = result.test;
    title = `Test split (${result.counts.testTracks} tracks)`;
    metrics = { valid: result.valid, test: result.test };
    split = { kind: 'files', source: request.split };
    counts = { train: result.counts.trainTracks, valid: result.counts.validTracks, test: result.counts.testTracks, fitted: result.counts.fitted };
    params = { ...result.best, refit: result.refit, gridSize: result.gridSize, unassignedRows: plan.unassigned };
  } else {
    const k = request.folds ?? 10;
    const folds = trackFolds(tracks, table.rows.map((r) => r.label), k, { seed });
    const cv = await crossValidateSvm(table, folds, trainOptions);
    options.signal?.throwIfAborted();
    const chosen = consensusParams(cv.folds.map((f) => f.results));
    options.progress?.(0, null, 'Training the final model on every track');
    const all = table.rows.map((_, i) => i);
    pipeline = fitSvmPipeline(selectRows(table, all), labelIndices(table.rows.map((r) => r.label), labels), meta, chosen, { seed });
    headline = cv.metrics;
    title = `${k}-fold cross-validation by track (${cv.metrics.n} tracks)`;
    metrics = { crossValidation: { folds: k, meanAccuracy: cv.meanAccuracy, stdAccuracy: cv.stdAccuracy, pooled: cv.metrics } };
    split = { kind: 'folds', folds: k, seed };
    counts = { train: new Set(tracks).size, valid: 0, test: 0, fitted: all.length };
    params = { C: chosen.C, gamma: chosen.gamma, pcaVariance: chosen.pcaVariance, meanValidAccuracy: chosen.meanValidAccuracy, perFold: cv.folds.map((f) => ({ fold: f.fold, accuracy: f.accuracy, ...f.best })) };
  }
  const windowSeconds = featureWindowSeconds(table);
  const manifest: ModelManifest = {
    formatVersion: 1,
    kind: 'svm',
    version: request.version ?? newVersionId('svm'),
    architecture: 'rbf-svm',
    description:
      request.description ??
      `RBF SVM (one-vs-one, Platt-scaled pairwise probabilities coupled) on ${table.featureNames.length} standardised features` +
        (pipeline.pca ? `, PCA to ${pipeline.pca.outputDim} components (90% of the variance)` : ''),
    labels,
    inputs: [
      {
        name: 'features',
        shape: [-1, table.featureNames.length],
        features: table.featureNames,
        window: { seconds: windowSeconds, hopSeconds: windowSeconds / 2 },
      },
    ],
    aggregation: 'mean',
    normalization: null,
    files: { svm: svmModelFile, confusion: 'confusion.svg', report: 'report.txt' },
    training: {
      dataset: { path: request.dataset, sha256: sha256File(table.path), rows: table.rows.length, tracks: new Set(tracks).size },
      split,
      counts,
      refit: request.split ? (request.refit ?? 'train+valid') : 'all',
      params,
      seed,
      durationMs: Math.round(performance.now() - started),
      runtime: 'typescript-smo',
    },
    metrics: metrics as ModelManifest['metrics'],
    createdAt: new Date().toISOString(),
    code: codeVersion(),
  };
  const report = formatMetrics(headline, `SVM ${manifest.version}: ${title}`);
  const version = await store.save(
    manifest,
    (dir) => {
      writeFileSync(join(dir, svmModelFile), `${JSON.stringify(svmPipelineToJson(pipeline))}\n`);
      writeFileSync(join(dir, 'confusion.svg'), confusionMatrixSvg(headline, `SVM, ${title}`));
      writeFileSync(join(dir, 'report.txt'), `${report}\n`);
    },
    { activate: request.activate, root: request.out },
  );
  return { version, accuracy: headline.accuracy, metrics: headline, report };
}

type ManifestMetricsSet = {
  valid?: ClassificationMetrics;
  test?: ClassificationMetrics;
  crossValidation?: { folds: number; meanAccuracy: number; stdAccuracy: number; pooled: ClassificationMetrics };
};
