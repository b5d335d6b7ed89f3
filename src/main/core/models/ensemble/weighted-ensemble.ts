/**
 * Ensemble of track-level probability vectors: the weighted mean sum_m w_m p_m with weights >= 0 summing to 1.
 */
export function combineProbabilities(perModel: readonly ArrayLike<number>[], weights: readonly number[]): Float64Array {
  if (perModel.length === 0 || perModel.length !== weights.length) throw new Error('One weight per model is needed');
  const k = perModel[0].length;
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0) || weights.some((w) => w < 0)) throw new Error('Ensemble weights must be non-negative and not all zero');
  const out = new Float64Array(k);
  perModel.forEach((p, m) => {
    if (p.length !== k) throw new Error('Every model must give the same number of probabilities');
    for (let c = 0; c < k; c++) out[c] += (weights[m] / total) * p[c];
  });
  return out;
}

export interface EnsembleWeightChoice {
  weights: number[];
  accuracy: number;
  logLoss: number;
}

function* simplex(models: number, steps: number, prefix: number[] = []): Generator<number[]> {
  const used = prefix.reduce((a, b) => a + b, 0);
  if (prefix.length === models - 1) {
    yield [...prefix, steps - used];
    return;
  }
  for (let s = 0; s <= steps - used; s++) yield* simplex(models, steps, [...prefix, s]);
}

/**
 * Chooses ensemble weights on VALIDATION tracks: every weight vector on a grid of the simplex (step 1/steps)
 * is scored by track accuracy, ties broken by log loss, then by the most even weights.
 * `perModel[m]` holds model m's probabilities for the n tracks, [n, k] row-major; `truth` the true class indices.
 */
export function chooseEnsembleWeights(perModel: readonly ArrayLike<number>[], truth: readonly number[], k: number, steps = 10): EnsembleWeightChoice {
  const n = truth.length;
  if (n === 0) throw new Error('Choosing ensemble weights needs validation tracks');
  let best: EnsembleWeightChoice | null = null;
  let bestSpread = Infinity;
  for (const grid of simplex(perModel.length, steps)) {
    const weights = grid.map((g) => g / steps);
    let correct = 0;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let top = 0;
      let topValue = -Infinity;
      for (let c = 0; c < k; c++) {
        let v = 0;
        for (let m = 0; m < perModel.length; m++) v += weights[m] * perModel[m][i * k + c];
        if (v > topValue) {
          topValue = v;
          top = c;
        }
        if (c === truth[i]) loss -= Math.log(Math.max(1e-15, v));
      }
      if (top === truth[i]) correct++;
    }
    const choice = { weights, accuracy: correct / n, logLoss: loss / n };
    const spread = Math.max(...weights) - Math.min(...weights);
    const better =
      !best ||
      choice.accuracy > best.accuracy + 1e-12 ||
      (Math.abs(choice.accuracy - best.accuracy) <= 1e-12 &&
        (choice.logLoss < best.logLoss - 1e-12 || (Math.abs(choice.logLoss - best.logLoss) <= 1e-12 && spread < bestSpread)));
    if (better) {
      best = choice;
      bestSpread = spread;
    }
  }
  return best!;
}
