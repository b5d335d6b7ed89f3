import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysedTrack } from '../analysis/analyze-dataset.ts';
import { labelIndices } from '../datasets/label-set.ts';
import type { ClassificationMetrics } from '../metrics/classification-metrics.ts';
import { metricsFromProbabilities } from '../metrics/classification-metrics.ts';
import type { FoldPlan } from '../splits/track-folds.ts';
import type { MemberRun, TrackPlan } from './audio-members.ts';

/** Bump when a change to the training code should invalidate cached fold results of unchanged recipes. */
export const CROSS_VALIDATION_REVISION = 1;

/** One fold of one member, as cached: track keys and probabilities of its validation and test tracks. */
export interface FoldResult {
  fold: number;
  validTracks: string[];
  testTracks: string[];
  /** [valid tracks, k] row-major */
  validProbabilities: number[];
  /** [test tracks, k] row-major */
  testProbabilities: number[];
  info: Record<string, unknown>;
}

export interface CrossValidation {
  member: string;
  folds: FoldResult[];
  /** Pooled over the folds: every track predicted once, by the model that did not see it. */
  metrics: ClassificationMetrics;
  /** Accuracy of each fold's test tracks; mean and (population) standard deviation. */
  foldAccuracies: number[];
  meanAccuracy: number;
  stdAccuracy: number;
  /** Out-of-fold track probabilities [tracks, k] in dataset order. */
  outOfFold: Float64Array;
  /** Where the fold results are cached. */
  cacheDir: string;
  /** Folds computed now (the others came from the cache). */
  computed: number;
}

export interface CrossValidationOptions {
  labels: string[];
  /** Cache root; fold results go to `<cacheDir>/cv/<member>-<hash>/fold-NN.json`. */
  cacheDir: string;
  /** Ignore cached fold results (they are overwritten). */
  fresh?: boolean;
  /**
   * Train the folds last to first. A second process started with this on the same cache works from the other
   * end; each process reads a fold from the cache when it gets there, so the two meet in the middle.
   */
  reverse?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, message: string) => void;
}

/** A member to cross-validate: a name, what defines it (hashed into the cache key) and how it runs on a plan. */
export interface CrossValidatedMember {
  name: string;
  recipe: unknown;
  run(plan: TrackPlan, fold: number, report: (message: string, fraction: number) => void): Promise<MemberRun>;
}

export function foldCacheKey(member: CrossValidatedMember, tracks: readonly AnalysedTrack[], folds: readonly FoldPlan[], labels: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(
    JSON.stringify({
      revision: CROSS_VALIDATION_REVISION,
      member: member.name,
      recipe: member.recipe,
      labels,
      engine: tracks[0]?.analysis.engine ?? null,
      tracks: tracks.map((t) => [t.track, t.label, t.analysis.sha256]),
      folds: folds.map((f) => [f.train, f.valid, f.test]),
    }),
  );
  return `${member.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${hash.digest('hex').slice(0, 16)}`;
}

function summarize(member: string, folds: FoldResult[], tracks: readonly AnalysedTrack[], labels: string[], cacheDir: string, computed: number): CrossValidation {
  const k = labels.length;
  const index = new Map(tracks.map((t, i) => [t.track, i]));
  const outOfFold = new Float64Array(tracks.length * k);
  const seen = new Uint8Array(tracks.length);
  const foldAccuracies: number[] = [];
  for (const f of folds) {
    let correct = 0;
    f.testTracks.forEach((key, r) => {
      const i = index.get(key);
      if (i === undefined) throw new Error(`Fold ${f.fold}: unknown track ${key}`);
      if (seen[i]) throw new Error(`Track ${key} is tested in two folds`);
      seen[i] = 1;
      const row = f.testProbabilities.slice(r * k, (r + 1) * k);
      outOfFold.set(row, i * k);
      let top = 0;
      for (let c = 1; c < k; c++) if (row[c] > row[top]) top = c;
      if (labels[top] === tracks[i].label) correct++;
    });
    foldAccuracies.push(f.testTracks.length > 0 ? correct / f.testTracks.length : 0);
  }
  if (seen.some((s) => s === 0)) throw new Error('Some tracks are in no test fold');
  const truth = labelIndices(tracks.map((t) => t.label), labels);
  const mean = foldAccuracies.reduce((a, b) => a + b, 0) / foldAccuracies.length;
  const std = Math.sqrt(foldAccuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / foldAccuracies.length);
  return { member, folds, metrics: metricsFromProbabilities(truth, outOfFold, labels), foldAccuracies, meanAccuracy: mean, stdAccuracy: std, outOfFold, cacheDir, computed };
}

/**
 * k-fold cross-validation BY TRACK of one member: per fold a fresh model trained on the fold's training tracks,
 * tuned (early stopping, C/gamma) on its validation tracks only, and applied to its test tracks. Each fold's
 * result is cached on disk as soon as it is done, so an interrupted run resumes and other commands (the
 * ensemble, the final model's manifest) reuse it.
 */
export async function crossValidateMember(member: CrossValidatedMember, tracks: readonly AnalysedTrack[], folds: readonly FoldPlan[], options: CrossValidationOptions): Promise<CrossValidation> {
  const { labels } = options;
  const k = labels.length;
  const dir = join(options.cacheDir, 'cv', foldCacheKey(member, tracks, folds, labels));
  mkdirSync(dir, { recursive: true });
  const results: FoldResult[] = [];
  let computed = 0;
  for (const plan of options.reverse ? [...folds].reverse() : folds) {
    options.signal?.throwIfAborted();
    const file = join(dir, `fold-${String(plan.fold).padStart(2, '0')}.json`);
    if (!options.fresh && existsSync(file)) {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as FoldResult;
      results.push(cached);
      options.onProgress?.(100 * (plan.fold + 1), 100 * folds.length, `${member.name}: fold ${plan.fold + 1} of ${folds.length} from the cache`);
      continue;
    }
    const run = await member.run({ train: plan.train, valid: plan.valid, test: plan.test }, plan.fold, (message, fraction) =>
      options.onProgress?.(Math.round(100 * (plan.fold + fraction)), 100 * folds.length, `${member.name}: fold ${plan.fold + 1} of ${folds.length}, ${message}`),
    );
    if (run.validProbabilities.length !== plan.valid.length * k || run.testProbabilities.length !== plan.test.length * k) {
      throw new Error(`${member.name} returned probabilities of the wrong size`);
    }
    const result: FoldResult = {
      fold: plan.fold,
      validTracks: plan.valid.map((i) => tracks[i].track),
      testTracks: plan.test.map((i) => tracks[i].track),
      validProbabilities: Array.from(run.validProbabilities),
      testProbabilities: Array.from(run.testProbabilities),
      info: run.info,
    };
    writeFileSync(`${file}.tmp`, `${JSON.stringify(result)}\n`);
    renameSync(`${file}.tmp`, file);
    results.push(result);
    computed++;
  }
  results.sort((a, b) => a.fold - b.fold);
  return summarize(member.name, results, tracks, labels, dir, computed);
}
