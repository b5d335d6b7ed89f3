import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensembleModelFile } from '../../models/ensemble/ensemble-model.ts';
import type { EnsembleModel } from '../../models/ensemble/ensemble-model.ts';
import { chooseEnsembleWeights, combineProbabilities } from '../../models/ensemble/weighted-ensemble.ts';
import { loadTfRuntime } from '../../models/runtime/load-tfjs.ts';
import { kindsByPreference, modelKind, segmentModelKind } from '../../models/kinds/registry.ts';
import { codeVersion } from '../../models/store/code-version.ts';
import type { ModelManifest } from '../../models/store/model-manifest.ts';
import type { ModelStore, ModelVersion } from '../../models/store/model-store.ts';
import { newVersionId } from '../../models/store/model-store.ts';
import type { AudioDataset } from '../datasets/audio-dataset.ts';
import { labelIndices } from '../datasets/label-set.ts';
import type { ClassificationMetrics } from '../metrics/classification-metrics.ts';
import { metricsFromProbabilities } from '../metrics/classification-metrics.ts';
import { confusionMatrixSvg } from '../metrics/confusion-svg.ts';
import { formatMetrics } from '../metrics/metrics-text.ts';
import { saveSegmentModelVersion } from '../nn/save-segment-model.ts';
import { applySplit, readSplitFiles } from '../splits/split-files.ts';
import { runSegmentMember } from '../audio/audio-members.ts';
import type { TrackPlan } from '../audio/audio-members.ts';
import type { CrossValidation } from '../audio/cross-validate-audio.ts';
import { crossValidateEnsemble } from '../audio/ensemble-cross-validation.ts';
import { engineFeatureTable } from '../audio/engine-feature-table.ts';
import type { AudioExperiment } from './audio-experiment.ts';
import { crossValidate, experimentFolds, memberName, prepareAudioExperiment, recipeFor, segmentMember, svmMember } from './audio-experiment.ts';
import { predictStoredVersion } from './predict-stored-version.ts';
import type { RunContext, TrainRequest } from './requests.ts';
import type { TrainedVersion } from './train-svm-version.ts';
import { trainSvmVersion } from './train-svm-version.ts';

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function datasetInfo(request: TrainRequest, experiment: AudioExperiment): ModelManifest['training']['dataset'] {
  return { path: request.dataset, sha256: null, rows: experiment.tracks.reduce((a, t) => a + t.analysis.segmentCount, 0), tracks: experiment.tracks.length };
}

/** One line per cross-validated model: pooled accuracy, fold mean ± std. */
export function cvLine(cv: Pick<CrossValidation, 'metrics' | 'meanAccuracy' | 'stdAccuracy'>, name: string): string {
  return `${name}: ${pct(cv.metrics.accuracy)} of ${cv.metrics.n} tracks (fold mean ${pct(cv.meanAccuracy)} ± ${pct(cv.stdAccuracy)}), macro F1 ${pct(cv.metrics.macroF1)}`;
}

export function cvSummary(cv: CrossValidation): Record<string, unknown> {
  return {
    member: cv.member,
    accuracy: cv.metrics.accuracy,
    meanAccuracy: cv.meanAccuracy,
    stdAccuracy: cv.stdAccuracy,
    macroF1: cv.metrics.macroF1,
    foldAccuracies: cv.foldAccuracies,
    folds: cv.folds.map((f) => {
      const { history: _history, ...rest } = f.info as Record<string, unknown>;
      return { fold: f.fold, ...rest };
    }),
  };
}

/** Trains a segment model version (CNN, MLFI) on an audio dataset: with a split, or cross-validated and then fitted on all tracks. */
async function trainSegmentVersion(request: TrainRequest, experiment: AudioExperiment, store: ModelStore, context: RunContext): Promise<TrainedVersion> {
  const started = performance.now();
  const kind = request.model;
  const seed = request.seed ?? 1;
  const recipe = recipeFor(kind, request);
  const { tracks, labels } = experiment;
  let plan: TrackPlan;
  let metrics: ModelManifest['metrics'];
  let split: ModelManifest['training']['split'];
  let params: Record<string, unknown> = { recipe, engineVersion: tracks[0].analysis.engine };
  let headline: { metrics: ClassificationMetrics; title: string } | null = null;
  const lines: string[] = [];
  if (request.split) {
    const s = applySplit(tracks.map((t) => t.track), readSplitFiles(request.split));
    plan = { train: s.train, valid: s.valid, test: s.test };
    if (plan.train.length === 0 || plan.valid.length === 0) throw new Error('The split leaves no training or no validation tracks of this dataset');
    split = { kind: 'files', source: request.split };
    params.unassignedTracks = s.unassigned;
    metrics = {};
  } else {
    const k = request.folds ?? 10;
    const folds = experimentFolds(experiment, k, seed);
    const cv = await crossValidate(experiment, segmentMember(experiment, recipe, context), folds, request, context);
    const svm = await crossValidate(experiment, svmMember(experiment, seed, context), folds, request, context);
    metrics = { crossValidation: { folds: k, meanAccuracy: cv.meanAccuracy, stdAccuracy: cv.stdAccuracy, pooled: cv.metrics } };
    split = { kind: 'folds', folds: k, seed };
    params = { ...params, crossValidation: cvSummary(cv), svmOnSameFolds: cvSummary(svm) };
    headline = { metrics: cv.metrics, title: `${recipe.architecture}, ${k}-fold CV by track` };
    lines.push(cvLine(cv, `${memberName(recipe)}, ${k}-fold cross-validation by track`), cvLine(svm, 'SVM on the engine features, same folds'));
    // The final model: every track, with the first round's validation folds held out for early stopping.
    plan = { train: [...folds[0].train, ...folds[0].test].sort((a, b) => a - b), valid: folds[0].valid, test: [] };
  }
  const { tf } = await loadTfRuntime();
  context.progress?.(0, 1, `Training the final ${kind} on ${plan.train.length} tracks (${plan.valid.length} held out for early stopping)`);
  const run = await runSegmentMember(tf, recipe, tracks, plan, {
    labels,
    signal: context.signal,
    onProgress: (message, fraction) => context.progress?.(fraction, 1, `Final ${kind}: ${message}`),
  });
  const truth = (idx: number[]) => labelIndices(idx.map((i) => tracks[i].label), labels);
  const valid = metricsFromProbabilities(truth(plan.valid), run.validProbabilities, labels);
  const test = plan.test.length > 0 ? metricsFromProbabilities(truth(plan.test), run.testProbabilities, labels) : null;
  metrics = { ...metrics, valid, ...(test ? { test } : {}) };
  headline ??= test ? { metrics: test, title: `${recipe.architecture}, test tracks` } : { metrics: valid, title: `${recipe.architecture}, validation tracks` };
  if (test) lines.push(`Test tracks: ${pct(test.accuracy)} of ${test.n}`);
  lines.push(
    `Final model: ${plan.train.length} training tracks (${run.info.trainSegments} segments), ${run.samplesSeen} random 3 s crops over ${run.info.epochsRun} epochs ` +
      `(best epoch ${run.info.bestEpoch}), validation ${pct(valid.accuracy)} of ${valid.n} held-out tracks (used for early stopping)`,
  );
  params = { ...params, final: run.info };
  const report = `${formatMetrics(headline.metrics, `${kind} ${headline.title}`)}\n\n${lines.join('\n')}`;
  const version = await saveSegmentModelVersion(
    tf,
    store,
    { model: run.model, normalization: run.normalization, valid, test },
    {
      kind,
      architecture: recipe.architecture,
      labels,
      inputs: segmentModelKind(kind).training.inputs(recipe),
      aggregation: recipe.aggregation,
      description: request.description,
      version: request.version,
      metrics,
      headline,
      report,
      tfjs: request.saveTfjs,
      training: {
        dataset: datasetInfo(request, experiment),
        split,
        counts: { train: plan.train.length, valid: plan.valid.length, test: plan.test.length, fitted: run.samplesSeen },
        refit: request.split ? 'train' : 'all tracks but the early-stopping hold-out',
        params,
        seed,
        durationMs: Math.round(performance.now() - started),
        runtime: `tfjs-${(await loadTfRuntime()).backend}`,
      },
    },
    { activate: request.activate, root: request.out },
  );
  run.model.dispose();
  return { version, accuracy: headline.metrics.accuracy, metrics: headline.metrics, report };
}

/**
 * The ensemble: weights of the active CNN, MLFI and SVM versions chosen on validation data. With folds (the
 * default): the three recipes are cross-validated on the same folds (from the cache when done before), the
 * ensemble is scored by nested CV (weights chosen per fold on its validation tracks), and the weights shipped
 * are chosen on every track's out-of-fold probabilities. With a split: the stored members predict the validation
 * tracks (weights) and the test tracks (score); they must not have been trained on either.
 */
async function trainEnsembleVersion(request: TrainRequest, experiment: AudioExperiment, store: ModelStore, context: RunContext): Promise<TrainedVersion> {
  const started = performance.now();
  const seed = request.seed ?? 1;
  const { tracks, labels } = experiment;
  const memberKinds = kindsByPreference.filter((k) => k.role !== 'combiner');
  const kinds = memberKinds.map((k) => k.name);
  const titles = memberKinds.map((k) => k.title);
  const members = kinds.map((kind) => {
    const v = store.active(kind);
    if (!v) throw new Error(`The ensemble combines the active ${titles.slice(0, -1).join(', ')} and ${titles[titles.length - 1]}; no ${kind} model is installed`);
    if (v.manifest.labels.join() !== labels.join()) throw new Error(`${kind}/${v.manifest.version} has other genre labels than this dataset`);
    return v;
  });
  let weights: number[];
  let metrics: ModelManifest['metrics'];
  let split: ModelManifest['training']['split'];
  let params: Record<string, unknown>;
  let headline: { metrics: ClassificationMetrics; title: string };
  const lines: string[] = [];
  if (request.split) {
    const s = applySplit(tracks.map((t) => t.track), readSplitFiles(request.split));
    if (s.valid.length === 0 || s.test.length === 0) throw new Error('The split needs validation tracks (weights) and test tracks (score) in this dataset');
    const predict = (v: ModelVersion, idx: number[]) => predictStoredVersion(v, store, tracks, idx, { signal: context.signal });
    const validProbs = await Promise.all(members.map((v) => predict(v, s.valid)));
    const testProbs = await Promise.all(members.map((v) => predict(v, s.test)));
    const choice = chooseEnsembleWeights(validProbs, labelIndices(s.valid.map((i) => tracks[i].label), labels), labels.length);
    weights = choice.weights;
    const k = labels.length;
    const combined = new Float64Array(s.test.length * k);
    s.test.forEach((_, r) => combined.set(combineProbabilities(testProbs.map((p) => p.subarray(r * k, (r + 1) * k)), weights), r * k));
    const test = metricsFromProbabilities(labelIndices(s.test.map((i) => tracks[i].label), labels), combined, labels);
    metrics = { test };
    split = { kind: 'files', source: request.split };
    params = { validAccuracy: choice.accuracy };
    headline = { metrics: test, title: 'ensemble, test tracks' };
  } else {
    const k = request.folds ?? 10;
    const folds = experimentFolds(experiment, k, seed);
    const cvs: CrossValidation[] = [];
    for (const m of members) {
      // Each member's recipe cross-validated; a segment model in the variant of the stored version.
      const kind = modelKind(m.manifest.kind);
      const member =
        kind.role === 'segment'
          ? segmentMember(experiment, kind.training.recipe({ ...request, ...kind.training.optionsOf(m.manifest) }), context)
          : svmMember(experiment, seed, context);
      cvs.push(await crossValidate(experiment, member, folds, request, context));
    }
    const ens = crossValidateEnsemble(cvs, tracks, labels);
    weights = ens.outOfFoldChoice.weights;
    metrics = { crossValidation: { folds: k, meanAccuracy: ens.meanAccuracy, stdAccuracy: ens.stdAccuracy, pooled: ens.metrics } };
    split = { kind: 'folds', folds: k, seed };
    params = {
      foldWeights: ens.foldWeights,
      outOfFoldAccuracy: ens.outOfFoldChoice.accuracy,
      memberCrossValidation: cvs.map(cvSummary),
      note: 'Weights chosen on out-of-fold probabilities of the CV recipes (the SVM there is trained per fold on the engine features); the members are the versions listed in ensemble.json.',
    };
    headline = { metrics: ens.metrics, title: `ensemble, ${k}-fold CV by track (nested)` };
    lines.push(cvLine(ens, `Ensemble, ${k}-fold nested cross-validation`), ...cvs.map((cv) => cvLine(cv, cv.member)));
  }
  lines.push(`Weights: ${kinds.map((kind, i) => `${kind} ${weights[i].toFixed(2)}`).join(', ')}`);
  const model: EnsembleModel = { labels, members: kinds.map((kind, i) => ({ kind, version: members[i].manifest.version, weight: weights[i] })) };
  const manifest: ModelManifest = {
    formatVersion: 1,
    kind: request.model,
    version: request.version ?? newVersionId(request.model),
    architecture: 'weighted-mean',
    description: request.description ?? `Weighted mean of the track probabilities of ${members.map((m) => `${m.manifest.kind}/${m.manifest.version}`).join(', ')}`,
    labels,
    inputs: [],
    aggregation: 'mean',
    normalization: null,
    files: { ensemble: ensembleModelFile, confusion: 'confusion.svg', report: 'report.txt' },
    training: {
      dataset: datasetInfo(request, experiment),
      split,
      counts: { train: tracks.length, valid: 0, test: 0, fitted: tracks.length },
      params: { ...params, weights: Object.fromEntries(kinds.map((kind, i) => [kind, weights[i]])), members: model.members },
      seed,
      durationMs: Math.round(performance.now() - started),
    },
    metrics,
    createdAt: new Date().toISOString(),
    code: codeVersion(),
  };
  const report = `${formatMetrics(headline.metrics, headline.title)}\n\n${lines.join('\n')}`;
  const version = await store.save(
    manifest,
    (dir) => {
      writeFileSync(join(dir, ensembleModelFile), `${JSON.stringify(model, null, 2)}\n`);
      writeFileSync(join(dir, 'confusion.svg'), confusionMatrixSvg(headline.metrics, headline.title));
      writeFileSync(join(dir, 'report.txt'), `${report}\n`);
    },
    { activate: request.activate, root: request.out },
  );
  return { version, accuracy: headline.metrics.accuracy, metrics: headline.metrics, report };
}

/** `genre-tagger train` on an audio dataset. */
export async function trainAudioVersion(request: TrainRequest, dataset: AudioDataset, store: ModelStore, context: RunContext): Promise<TrainedVersion> {
  if (request.split && request.folds !== undefined) throw new Error('Give either a split or a number of folds, not both');
  const experiment = await prepareAudioExperiment(dataset, request, context);
  const role = modelKind(request.model).role;
  // A window model (the SVM) learns from the engine's features of the tracks; a combiner, its members' weights.
  if (role === 'window') return trainSvmVersion(request, engineFeatureTable(experiment.tracks, `engine features of ${request.dataset}`).table, store, context);
  if (role === 'combiner') return trainEnsembleVersion(request, experiment, store, context);
  return trainSegmentVersion(request, experiment, store, context);
}
