import { SeededRandom } from '../../random/seeded-random.ts';

/** One round of k-fold cross-validation: item indices for training, validation (tuning) and test. */
export interface FoldPlan {
  fold: number;
  train: number[];
  valid: number[];
  test: number[];
}

/**
 * k folds BY TRACK, stratified by label: all items (segments, windows) of a track land in the same fold, and each
 * fold gets about the same share of every label. Round i tests on fold i, tunes on the next `validFolds` folds and
 * trains on the rest (10 folds, 2 for validation: the 7/2/1 scheme).
 */
export function trackFolds(tracks: readonly string[], labels: readonly string[], k: number, options: { seed?: number; validFolds?: number } = {}): FoldPlan[] {
  if (!Number.isInteger(k) || k < 3) throw new Error(`Cross-validation needs at least 3 folds (got ${k})`);
  const validFolds = options.validFolds ?? Math.max(1, Math.round(k / 5));
  if (validFolds > k - 2) throw new Error(`${validFolds} validation folds leave nothing to train on with ${k} folds`);
  const trackLabel = new Map<string, string>();
  tracks.forEach((t, i) => {
    const prev = trackLabel.get(t);
    if (prev !== undefined && prev !== labels[i]) throw new Error(`Track ${t} has two labels: ${prev} and ${labels[i]}`);
    trackLabel.set(t, labels[i]);
  });
  const byLabel = new Map<string, string[]>();
  for (const [t, l] of [...trackLabel].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!byLabel.has(l)) byLabel.set(l, []);
    byLabel.get(l)!.push(t);
  }
  if (trackLabel.size < k) throw new Error(`${trackLabel.size} tracks cannot fill ${k} folds`);
  const random = new SeededRandom(options.seed ?? 1);
  const foldOf = new Map<string, number>();
  let next = 0;
  for (const label of [...byLabel.keys()].sort()) {
    for (const t of random.shuffle(byLabel.get(label)!)) foldOf.set(t, next++ % k);
  }
  return Array.from({ length: k }, (_, fold) => {
    const validSet = new Set(Array.from({ length: validFolds }, (_, j) => (fold + 1 + j) % k));
    const plan: FoldPlan = { fold, train: [], valid: [], test: [] };
    tracks.forEach((t, i) => {
      const f = foldOf.get(t)!;
      if (f === fold) plan.test.push(i);
      else if (validSet.has(f)) plan.valid.push(i);
      else plan.train.push(i);
    });
    return plan;
  });
}
