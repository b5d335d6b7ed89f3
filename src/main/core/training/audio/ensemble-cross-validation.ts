import type { EnsembleWeightChoice } from '../../models/ensemble/weighted-ensemble.ts';
import { chooseEnsembleWeights, combineProbabilities } from '../../models/ensemble/weighted-ensemble.ts';
import type { AnalysedTrack } from '../analysis/analyze-dataset.ts';
import { labelIndices } from '../datasets/label-set.ts';
import type { ClassificationMetrics } from '../metrics/classification-metrics.ts';
import { metricsFromProbabilities } from '../metrics/classification-metrics.ts';
import type { CrossValidation } from './cross-validate-audio.ts';

export interface EnsembleCrossValidation {
  members: string[];
  metrics: ClassificationMetrics;
  foldAccuracies: number[];
  meanAccuracy: number;
  stdAccuracy: number;
  /** Weights chosen in each fold on that fold's validation tracks (in `members` order). */
  foldWeights: { fold: number; weights: number[]; validAccuracy: number }[];
  outOfFold: Float64Array;
  /** For a final ensemble: weights chosen on every track's out-of-fold probabilities. */
  outOfFoldChoice: EnsembleWeightChoice;
}

function combineRows(perModel: ArrayLike<number>[], weights: number[], n: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let r = 0; r < n; r++) out.set(combineProbabilities(perModel.map((p) => Array.prototype.slice.call(p, r * k, (r + 1) * k) as number[]), weights), r * k);
  return out;
}

/**
 * Nested cross-validation of the weighted ensemble over members cross-validated on THE SAME folds: in each
 * fold, the weights are chosen (grid over the simplex, step 1/steps) on the validation tracks' probabilities of
 * that fold's members, then applied to its test tracks. The test tracks never influence their own weights.
 */
export function crossValidateEnsemble(members: readonly CrossValidation[], tracks: readonly AnalysedTrack[], labels: string[], steps = 10): EnsembleCrossValidation {
  if (members.length < 2) throw new Error('An ensemble needs at least two members');
  const k = labels.length;
  const index = new Map(tracks.map((t, i) => [t.track, i]));
  const labelOf = (key: string) => tracks[index.get(key)!].label;
  const outOfFold = new Float64Array(tracks.length * k);
  const foldAccuracies: number[] = [];
  const foldWeights: EnsembleCrossValidation['foldWeights'] = [];
  const reference = members[0];
  reference.folds.forEach((f, j) => {
    for (const m of members) {
      const g = m.folds[j];
      if (g.fold !== f.fold || g.validTracks.join() !== f.validTracks.join() || g.testTracks.join() !== f.testTracks.join()) {
        throw new Error(`${m.member} was cross-validated on other folds than ${reference.member}`);
      }
    }
    const validTruth = labelIndices(f.validTracks.map(labelOf), labels);
    const choice = chooseEnsembleWeights(members.map((m) => m.folds[j].validProbabilities), validTruth, k, steps);
    const test = combineRows(members.map((m) => m.folds[j].testProbabilities), choice.weights, f.testTracks.length, k);
    let correct = 0;
    f.testTracks.forEach((key, r) => {
      outOfFold.set(test.subarray(r * k, (r + 1) * k), index.get(key)! * k);
      let top = 0;
      for (let c = 1; c < k; c++) if (test[r * k + c] > test[r * k + top]) top = c;
      if (labels[top] === labelOf(key)) correct++;
    });
    foldAccuracies.push(f.testTracks.length > 0 ? correct / f.testTracks.length : 0);
    foldWeights.push({ fold: f.fold, weights: choice.weights, validAccuracy: choice.accuracy });
  });
  const truth = labelIndices(tracks.map((t) => t.label), labels);
  const mean = foldAccuracies.reduce((a, b) => a + b, 0) / foldAccuracies.length;
  const std = Math.sqrt(foldAccuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / foldAccuracies.length);
  return {
    members: members.map((m) => m.member),
    metrics: metricsFromProbabilities(truth, outOfFold, labels),
    foldAccuracies,
    meanAccuracy: mean,
    stdAccuracy: std,
    foldWeights,
    outOfFold,
    outOfFoldChoice: chooseEnsembleWeights(members.map((m) => m.outOfFold), truth, k, steps),
  };
}
