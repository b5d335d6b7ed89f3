import { resolve } from 'node:path';
import type { Tf } from '../../models/runtime/tfjs-types.ts';
import { loadTfRuntime } from '../../models/runtime/load-tfjs.ts';
import type { AnalysedTrack } from '../analysis/analyze-dataset.ts';
import { analyzeDataset } from '../analysis/analyze-dataset.ts';
import { userCacheDir } from '../analysis/user-cache-dir.ts';
import type { AudioDataset } from '../datasets/audio-dataset.ts';
import { labelSetOf } from '../datasets/label-set.ts';
import { runSegmentMember, runSvmMember } from '../audio/audio-members.ts';
import type { CrossValidatedMember, CrossValidation } from '../audio/cross-validate-audio.ts';
import { crossValidateMember } from '../audio/cross-validate-audio.ts';
import type { SegmentRecipe } from '../../models/kinds/segment-recipe.ts';
import { segmentModelKind } from '../../models/kinds/registry.ts';
import type { FoldPlan } from '../splits/track-folds.ts';
import { trackFolds } from '../splits/track-folds.ts';
import type { AudioRunOptions, RunContext } from './requests.ts';

/** Validation folds per round: 10 folds -> 7 train / 2 validation / 1 test (the MLFI papers' 7/2/1 scheme). */
export const validFoldsFor = (k: number): number => Math.max(1, Math.round(k / 5));

/** An audio dataset, analysed (from the cache where possible), with its label set. */
export interface AudioExperiment {
  dataset: AudioDataset;
  tracks: AnalysedTrack[];
  labels: string[];
  cacheDir: string;
}

export async function prepareAudioExperiment(dataset: AudioDataset, options: AudioRunOptions, context: RunContext): Promise<AudioExperiment> {
  const cacheDir = resolve(options.cacheDir ?? userCacheDir());
  const tracks = await analyzeDataset(dataset, {
    cacheDir,
    analyzer: context.analyzer,
    concurrency: 2,
    signal: context.signal,
    onProgress: (done, total, message) => context.progress?.(done, total, message),
  });
  const keys = new Set<string>();
  for (const t of tracks) {
    if (keys.has(t.track)) throw new Error(`Two files of the dataset share the track name ${t.track}`);
    keys.add(t.track);
  }
  const genres = [...new Set(tracks.map((t) => t.label))];
  if (genres.length < 2) throw new Error(`The dataset has only one genre (${genres[0]}); training needs at least two`);
  const labels = labelSetOf(genres);
  return { dataset, tracks, labels, cacheDir };
}

/** The recipe of a segment model kind (CNN, MLFI, ...) a request asks for (its variant, epochs, seed, aggregation). */
export function recipeFor(kind: string, options: AudioRunOptions & { seed?: number }): SegmentRecipe {
  return segmentModelKind(kind).training.recipe(options);
}

export function memberName(recipe: SegmentRecipe): string {
  return `${recipe.kind} (${recipe.architecture})`;
}

let tfRuntime: Promise<Tf> | null = null;
const tf = (): Promise<Tf> => (tfRuntime ??= loadTfRuntime().then((r) => r.tf));

export function segmentMember(experiment: AudioExperiment, recipe: SegmentRecipe, context: RunContext): CrossValidatedMember {
  return {
    name: memberName(recipe),
    recipe,
    async run(plan, _fold, report) {
      const run = await runSegmentMember(await tf(), recipe, experiment.tracks, plan, { labels: experiment.labels, signal: context.signal, onProgress: report });
      run.model.dispose();
      return run;
    },
  };
}

/** The SVM trained per fold on the engine's features of the fold's training tracks (30 s windows). */
export function svmMember(experiment: AudioExperiment, seed: number, context: RunContext): CrossValidatedMember {
  return {
    name: 'svm (engine features)',
    recipe: { kind: 'svm', features: 'engine-57', windowSeconds: 30, pca: 'auto', refit: 'train+valid', grid: 'default', seed },
    run: (plan, _fold, report) => runSvmMember(experiment.tracks, plan, { labels: experiment.labels, seed, signal: context.signal, onProgress: report }),
  };
}

export function experimentFolds(experiment: AudioExperiment, k: number, seed: number): FoldPlan[] {
  return trackFolds(
    experiment.tracks.map((t) => t.track),
    experiment.tracks.map((t) => t.label),
    k,
    { seed, validFolds: validFoldsFor(k) },
  );
}

export async function crossValidate(experiment: AudioExperiment, member: CrossValidatedMember, folds: FoldPlan[], options: AudioRunOptions, context: RunContext): Promise<CrossValidation> {
  return crossValidateMember(member, experiment.tracks, folds, {
    labels: experiment.labels,
    cacheDir: experiment.cacheDir,
    fresh: options.fresh,
    reverse: options.reverse,
    signal: context.signal,
    onProgress: (done, total, message) => context.progress?.(done, total, message),
  });
}
