import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { combineProbabilities } from '../../../src/main/core/models/ensemble/weighted-ensemble.ts';
import type { AnalysedTrack } from '../../../src/main/core/training/analysis/analyze-dataset.ts';
import type { CachedAnalysis } from '../../../src/main/core/training/analysis/cached-analysis.ts';
import type { TrackPlan } from '../../../src/main/core/training/audio/audio-members.ts';
import type { CrossValidatedMember } from '../../../src/main/core/training/audio/cross-validate-audio.ts';
import { crossValidateMember } from '../../../src/main/core/training/audio/cross-validate-audio.ts';
import { crossValidateEnsemble } from '../../../src/main/core/training/audio/ensemble-cross-validation.ts';
import { AnalysedSegmentSource } from '../../../src/main/core/training/nn/analysed-segment-source.ts';
import { experimentFolds, recipeFor, svmMember } from '../../../src/main/core/training/runs/audio-experiment.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';
import { makeTempDir } from '../../helpers/temp-dir.ts';

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());
const labels = ['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock'];
const used = ['classical', 'metal', 'pop'];

/**
 * Analysed tracks made of numbers, not audio: each genre has its own feature means (so an SVM can learn them),
 * each track 2-4 segments whose patches are filled with the track's index (so a crop names its track) and
 * 1-2 SVM windows.
 */
function syntheticTracks(perGenre: number): AnalysedTrack[] {
  const random = new SeededRandom(7);
  const tracks: AnalysedTrack[] = [];
  used.forEach((genre, g) => {
    for (let t = 0; t < perGenre; t++) {
      const index = tracks.length;
      const n = 2 + (t % 3);
      const windows = 1 + (t % 2);
      const features = (count: number) => Float32Array.from({ length: count * 57 }, (_, i) => (i % 57 < 20 ? 3 * g : 0) + random.normal());
      const analysis: CachedAnalysis = {
        engine: 'test',
        sha256: `${index}`.padStart(64, '0'),
        durationSeconds: 3 + 1.5 * (n - 1),
        segmentCount: n,
        segmentStarts: Array.from({ length: n }, (_, i) => 1.5 * i),
        segmentFeatures: features(n),
        cnn: new Float32Array(n * 64 * 256).fill(index),
        mlfi: new Float32Array(n * 128 * 130).fill(index),
        clipFeatures: features(1),
        svmWindowStarts: Array.from({ length: windows }, (_, i) => 15 * i),
        svmWindows: features(windows),
      };
      tracks.push({ path: `/music/${genre}/${t}.flac`, label: genre, track: `${genre}.${t}`, analysis });
    }
  });
  return tracks;
}

describe('cross-validation by track on analysed audio', () => {
  const tracks = syntheticTracks(10);
  const experiment = { dataset: { root: '/music', source: 'folders' as const, items: tracks }, tracks, labels, cacheDir: tmp.dir };
  const folds = experimentFolds(experiment, 10, 3);

  it('never splits a track: its segments, crops and windows stay on one side of every fold', () => {
    expect(folds).toHaveLength(10);
    const source = new AnalysedSegmentSource(tracks, recipeFor('cnn', {}));
    const random = new SeededRandom(1);
    const tested = new Map<string, number>();
    for (const f of folds) {
      const sides = [f.train, f.valid, f.test].map((idx) => new Set(idx));
      expect(sides[0].size + sides[1].size + sides[2].size).toBe(tracks.length);
      expect([...sides[0]].some((i) => sides[1].has(i) || sides[2].has(i))).toBe(false);
      expect([...sides[1]].some((i) => sides[2].has(i))).toBe(false);
      // 7/2/1: 21 training, 6 validation, 3 test tracks (one per genre).
      expect([f.train.length, f.valid.length, f.test.length]).toEqual([21, 6, 3]);
      expect(f.test.map((i) => tracks[i].label).sort()).toEqual(used);
      for (const i of f.test) tested.set(tracks[i].track, (tested.get(tracks[i].track) ?? 0) + 1);
      // A training crop (even one spliced from two neighbouring segments) holds values of its own track only.
      for (const i of f.train.slice(0, 5)) {
        const crop = source.sample(i, random)[0];
        expect(crop.every((v) => v === i)).toBe(true);
      }
    }
    expect(tested.size).toBe(tracks.length);
    expect([...tested.values()].every((n) => n === 1)).toBe(true);
  });

  it('trains a member per fold on its training tracks only, caches each fold, and scores each track once', async () => {
    const seen: TrackPlan[] = [];
    const svm = svmMember(experiment, 1, {});
    const watched: CrossValidatedMember = {
      ...svm,
      run(plan, fold, report) {
        seen.push(plan);
        return svm.run(plan, fold, report);
      },
    };
    const cv = await crossValidateMember(watched, tracks, folds, { labels, cacheDir: tmp.dir });
    expect(seen).toHaveLength(10);
    expect(cv.computed).toBe(10);
    expect(cv.metrics.n).toBe(tracks.length);
    expect(cv.foldAccuracies).toHaveLength(10);
    // Recompute the pooled accuracy from the out-of-fold probabilities.
    let correct = 0;
    tracks.forEach((t, i) => {
      const row = Array.from(cv.outOfFold.subarray(i * 10, i * 10 + 10));
      if (labels[row.indexOf(Math.max(...row))] === t.label) correct++;
    });
    expect(cv.metrics.accuracy).toBeCloseTo(correct / tracks.length, 12);
    expect(cv.metrics.accuracy).toBeGreaterThan(0.8); // the genres' feature means are 3 standard deviations apart
    for (const [j, f] of cv.folds.entries()) {
      expect(f.testTracks).toEqual(folds[j].test.map((i) => tracks[i].track));
      expect(f.validProbabilities).toHaveLength(folds[j].valid.length * 10);
    }
    expect(readdirSync(cv.cacheDir).filter((f) => f.endsWith('.json'))).toHaveLength(10);

    // A rerun reads the cache; a changed recipe does not.
    const again = await crossValidateMember(watched, tracks, folds, { labels, cacheDir: tmp.dir });
    expect(again.computed).toBe(0);
    expect(Array.from(again.outOfFold)).toEqual(Array.from(cv.outOfFold));
    const changed = await crossValidateMember({ ...watched, recipe: { ...(svm.recipe as object), seed: 2 } }, tracks, folds, { labels, cacheDir: tmp.dir });
    expect(changed.computed).toBe(10);
    expect(changed.cacheDir).not.toBe(cv.cacheDir);

    // The ensemble chooses each fold's weights on that fold's validation tracks and applies them to its test tracks.
    const prior: CrossValidatedMember = {
      name: 'uniform',
      recipe: 'uniform',
      run: async (plan) => ({ validProbabilities: new Float64Array(plan.valid.length * 10).fill(0.1), testProbabilities: new Float64Array(plan.test.length * 10).fill(0.1), info: {} }),
    };
    const uniform = await crossValidateMember(prior, tracks, folds, { labels, cacheDir: tmp.dir });
    const ens = crossValidateEnsemble([cv, uniform], tracks, labels);
    expect(ens.foldWeights).toHaveLength(10);
    for (const [j, f] of cv.folds.entries()) {
      const w = ens.foldWeights[j].weights;
      f.testTracks.forEach((key, r) => {
        const i = tracks.findIndex((t) => t.track === key);
        const expected = combineProbabilities([f.testProbabilities.slice(r * 10, r * 10 + 10), new Array(10).fill(0.1)], w);
        expect(Array.from(ens.outOfFold.subarray(i * 10, i * 10 + 10))).toEqual(Array.from(expected));
      });
    }
    expect(ens.metrics.n).toBe(tracks.length);
    await expect(
      Promise.resolve().then(() => crossValidateEnsemble([cv, { ...uniform, folds: uniform.folds.map((f) => ({ ...f, testTracks: [...f.testTracks].reverse() })) }], tracks, labels)),
    ).rejects.toThrow(/other folds/);
  });
});
