import { decodeFloat64, encodeFloat64 } from '../float-codec.ts';
import type { MulticlassSvm, PairMachine } from './multiclass-svm.ts';
import { svmProbabilities, trainMulticlassSvm } from './multiclass-svm.ts';
import type { Pca } from './pca.ts';
import { applyPca, fitPca } from './pca.ts';
import { squaredDistances } from './rbf-kernel.ts';
import type { Standardizer } from './standardizer.ts';
import { fitStandardizer, standardize } from './standardizer.ts';

export interface SvmHyperParameters {
  C: number;
  gamma: number;
  /** Keep this fraction of the variance with PCA after standardising (e.g. 0.9), or null for no PCA. */
  pcaVariance: number | null;
}

/** Standardise -> optional PCA -> RBF SVM with probabilities, on feature rows in a fixed column order. */
export interface SvmPipeline {
  labels: string[];
  featureNames: string[];
  params: SvmHyperParameters;
  standardizer: Standardizer;
  pca: Pca | null;
  svm: MulticlassSvm;
}

export interface PreparedRows {
  /** Rows after standardising and PCA. */
  x: Float64Array;
  n: number;
  dim: number;
  standardizer: Standardizer;
  pca: Pca | null;
  /** Squared distances between the prepared rows, reusable across gammas. */
  distances: Float64Array;
}

/** The preprocessing half of a fit, shared by every (C, gamma) of a grid search. */
export function prepareRows(rows: ArrayLike<number>, n: number, d: number, pcaVariance: number | null): PreparedRows {
  const standardizer = fitStandardizer(rows, n, d);
  let x = standardize(standardizer, rows, n);
  let dim = d;
  let pca: Pca | null = null;
  if (pcaVariance !== null) {
    pca = fitPca(x, n, d, pcaVariance);
    x = applyPca(pca, x, n);
    dim = pca.outputDim;
  }
  return { x, n, dim, standardizer, pca, distances: squaredDistances(x, n, dim) };
}

export function fitSvmPipeline(
  rows: ArrayLike<number>,
  labelIndex: ArrayLike<number>,
  meta: { labels: string[]; featureNames: string[] },
  params: SvmHyperParameters,
  options: { seed?: number; prepared?: PreparedRows } = {},
): SvmPipeline {
  const d = meta.featureNames.length;
  const n = labelIndex.length;
  if (rows.length !== n * d) throw new Error(`Expected ${n} rows of ${d} features, got ${rows.length} values`);
  const prepared = options.prepared ?? prepareRows(rows, n, d, params.pcaVariance);
  const svm = trainMulticlassSvm(prepared.x, labelIndex, meta.labels.length, {
    C: params.C,
    gamma: params.gamma,
    seed: options.seed,
    distances: prepared.distances,
  });
  return { labels: meta.labels, featureNames: meta.featureNames, params, standardizer: prepared.standardizer, pca: prepared.pca, svm };
}

/** Probabilities [n, labels] for raw feature rows [n, featureNames.length] (row-major). */
export function predictSvmPipeline(model: SvmPipeline, rows: ArrayLike<number>, n: number): Float64Array {
  if (rows.length !== n * model.featureNames.length) {
    throw new Error(`The SVM takes ${model.featureNames.length} features per row; got ${rows.length} values for ${n} rows`);
  }
  let x = standardize(model.standardizer, rows, n);
  if (model.pca) x = applyPca(model.pca, x, n);
  return svmProbabilities(model.svm, x, n);
}

/** JSON form of a pipeline: plain numbers for the small parts, base64 float64 for the support vectors. */
export interface SvmPipelineJson {
  format: 'genre-tagger-svm';
  formatVersion: 1;
  labels: string[];
  featureNames: string[];
  params: SvmHyperParameters;
  standardizer: Standardizer;
  pca: Pca | null;
  svm: Omit<MulticlassSvm, 'supportVectors'> & { supportVectors: string };
}

export function svmPipelineToJson(model: SvmPipeline): SvmPipelineJson {
  return {
    format: 'genre-tagger-svm',
    formatVersion: 1,
    labels: model.labels,
    featureNames: model.featureNames,
    params: model.params,
    standardizer: model.standardizer,
    pca: model.pca,
    svm: { ...model.svm, supportVectors: encodeFloat64(model.svm.supportVectors) },
  };
}

export function svmPipelineFromJson(json: SvmPipelineJson): SvmPipeline {
  if (json.format !== 'genre-tagger-svm' || json.formatVersion !== 1) throw new Error('Not a genre-tagger SVM model (format or version mismatch)');
  const supportVectors = decodeFloat64(json.svm.supportVectors);
  if (supportVectors.length % json.svm.dim !== 0) throw new Error('Corrupt SVM model: support vectors do not match the dimension');
  const pairs: PairMachine[] = json.svm.pairs;
  return {
    labels: json.labels,
    featureNames: json.featureNames,
    params: json.params,
    standardizer: json.standardizer,
    pca: json.pca,
    svm: { ...json.svm, supportVectors, pairs },
  };
}
