import { kindsByPreference, kindsWithRole, modelKind, segmentModelKind } from '../../models/kinds/registry.ts';
import type { ModelStore } from '../../models/store/model-store.ts';
import type { AudioDataset } from '../datasets/audio-dataset.ts';
import { labelIndices } from '../datasets/label-set.ts';
import { metricsFromProbabilities } from '../metrics/classification-metrics.ts';
import { applySplit, readSplitFiles } from '../splits/split-files.ts';
import type { CrossValidation } from '../audio/cross-validate-audio.ts';
import { crossValidateEnsemble } from '../audio/ensemble-cross-validation.ts';
import { crossValidate, experimentFolds, prepareAudioExperiment, recipeFor, segmentMember, svmMember } from './audio-experiment.ts';
import type { EvaluationResult } from './evaluate-svm.ts';
import { resolveVersion } from './evaluate-svm.ts';
import { predictStoredVersion } from './predict-stored-version.ts';
import type { EvaluateRequest, RunContext } from './requests.ts';

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

function comparisonOf(cv: CrossValidation, name = cv.member): NonNullable<EvaluationResult['comparison']>[number] {
  return { name, accuracy: cv.metrics.accuracy, meanAccuracy: cv.meanAccuracy, stdAccuracy: cv.stdAccuracy, macroF1: cv.metrics.macroF1, n: cv.metrics.n };
}

/** How much data a cross-validated segment model saw, from its folds' records. */
function dataNote(cv: CrossValidation): string {
  const info = cv.folds.map((f) => f.info as { trainTracks?: number; trainSegments?: number; cropsSeen?: number; epochsRun?: number; durationMs?: number; fittedRows?: number });
  const mean = (xs: (number | undefined)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0) / Math.max(1, xs.length);
  const minutes = info.reduce((a, i) => a + (i.durationMs ?? 0), 0) / 60000;
  if (info[0]?.cropsSeen !== undefined) {
    return (
      `${cv.member}: per fold ${mean(info.map((i) => i.trainTracks)).toFixed(0)} training tracks (${mean(info.map((i) => i.trainSegments)).toFixed(0)} segments), ` +
      `${mean(info.map((i) => i.cropsSeen)).toFixed(0)} random crops over ${mean(info.map((i) => i.epochsRun)).toFixed(1)} epochs on average; ${minutes.toFixed(1)} min of training in all`
    );
  }
  return `${cv.member}: per fold ${mean(info.map((i) => i.trainTracks)).toFixed(0)} training tracks (+ validation tracks in the refit, ${mean(info.map((i) => i.fittedRows)).toFixed(0)} 30 s windows); ${minutes.toFixed(1)} min in all`;
}

/**
 * `genre-tagger evaluate` on an audio dataset. With --folds: the model's training recipe cross-validated by
 * track, beside the SVM (engine features) on the same folds; the ensemble by nested CV over the three members.
 * Otherwise a stored version scored on the split's test tracks, or on every track.
 */
export async function evaluateAudio(request: EvaluateRequest, dataset: AudioDataset, store: ModelStore, context: RunContext): Promise<EvaluationResult> {
  const experiment = await prepareAudioExperiment(dataset, request, context);
  const { tracks, labels } = experiment;
  const seed = request.seed ?? 1;
  if (request.folds !== undefined) {
    const k = request.folds;
    const folds = experimentFolds(experiment, k, seed);
    const svm = await crossValidate(experiment, svmMember(experiment, seed, context), folds, request, context);
    const scope = (cv: { metrics: { n: number }; meanAccuracy: number; stdAccuracy: number }) =>
      `${k}-fold cross-validation by track, ${cv.metrics.n} tracks (fold mean ${pct(cv.meanAccuracy)} ± ${pct(cv.stdAccuracy)})`;
    const foldRows = (accs: number[], cv: CrossValidation) => accs.map((accuracy, i) => ({ fold: cv.folds[i].fold, accuracy, tracks: cv.folds[i].testTracks.length }));
    const role = modelKind(request.model).role;
    if (role === 'window') {
      return { subject: { kind: 'cross-validation', folds: k }, scope: scope(svm), metrics: svm.metrics, folds: foldRows(svm.foldAccuracies, svm), meanAccuracy: svm.meanAccuracy, stdAccuracy: svm.stdAccuracy, notes: [dataNote(svm)] };
    }
    // The segment model's recipe; for the ensemble, every segment model kind's (and the SVM above).
    const segmentKinds = role === 'combiner' ? kindsWithRole('segment') : [segmentModelKind(request.model)];
    const segmentCvs = new Map<string, CrossValidation>();
    for (const kind of segmentKinds) segmentCvs.set(kind.name, await crossValidate(experiment, segmentMember(experiment, recipeFor(kind.name, request), context), folds, request, context));
    if (role === 'combiner') {
      // Its members in order of preference (cnn, mlfi, svm), each cross-validated on the same folds (a window model: the SVM's).
      const memberKinds = kindsByPreference.filter((kind) => kind.role !== 'combiner').map((kind) => kind.name);
      const members = memberKinds.map((kind) => (modelKind(kind).role === 'segment' ? segmentCvs.get(kind)! : svm));
      const ens = crossValidateEnsemble(members, tracks, labels);
      return {
        subject: { kind: 'cross-validation', folds: k },
        scope: `${scope(ens)}; weights chosen per fold on its validation tracks`,
        metrics: ens.metrics,
        folds: foldRows(ens.foldAccuracies, svm),
        meanAccuracy: ens.meanAccuracy,
        stdAccuracy: ens.stdAccuracy,
        comparison: members.map((cv) => (cv === svm ? comparisonOf(svm, 'svm (engine features, same folds)') : comparisonOf(cv))),
        notes: [
          ...members.map(dataNote),
          `Ensemble weights (${memberKinds.join(', ')}) per fold: ${ens.foldWeights.map((f) => `[${f.weights.map((w) => w.toFixed(1)).join(' ')}]`).join(' ')}`,
          `Weights chosen on all out-of-fold probabilities (what a final ensemble ships): ${ens.outOfFoldChoice.weights.map((w) => w.toFixed(1)).join(', ')}`,
        ],
      };
    }
    const cv = segmentCvs.get(request.model)!;
    return {
      subject: { kind: 'cross-validation', folds: k },
      scope: `${scope(cv)}, ${cv.member}`,
      metrics: cv.metrics,
      folds: foldRows(cv.foldAccuracies, cv),
      meanAccuracy: cv.meanAccuracy,
      stdAccuracy: cv.stdAccuracy,
      comparison: [comparisonOf(svm, 'svm (engine features, same folds)')],
      notes: [dataNote(cv), dataNote(svm), `Fold results cached in ${cv.cacheDir}`],
    };
  }
  const version = resolveVersion(request, store);
  let indices = tracks.map((_, i) => i);
  let scope = `all ${tracks.length} tracks of the dataset`;
  if (request.split) {
    indices = applySplit(tracks.map((t) => t.track), readSplitFiles(request.split)).test;
    if (indices.length === 0) throw new Error("None of the split's test tracks is in this dataset");
    scope = `the test tracks of ${request.split}`;
  }
  const probs = await predictStoredVersion(version, store, tracks, indices, {
    aggregation: request.aggregation,
    signal: context.signal,
    onProgress: (done, total) => context.progress?.(done, total, `Classifying with ${version.manifest.kind}/${version.manifest.version}`),
  });
  const modelLabels = version.manifest.labels;
  const metrics = metricsFromProbabilities(labelIndices(indices.map((i) => tracks[i].label), modelLabels), probs, modelLabels);
  const notes: string[] = [];
  const seen = version.manifest.training.dataset;
  if (version.manifest.training.split.kind === 'folds' && seen.tracks > 0) {
    notes.push(`This version was trained on ${seen.path} (${seen.tracks} tracks): if these are the same tracks, this score is not an estimate of accuracy on new music`);
  }
  return { subject: { kind: 'version', version: version.manifest.version, dir: version.dir }, scope: `${scope} (${metrics.n} tracks)`, metrics, notes };
}
