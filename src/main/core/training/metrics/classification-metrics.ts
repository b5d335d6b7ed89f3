export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** How many samples truly are of this class. */
  support: number;
}

/** Track-level evaluation: accuracy, per-class precision/recall/F1, confusion matrix (rows true, columns predicted). */
export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  macroF1: number;
  labels: string[];
  perClass: ClassMetrics[];
  confusion: number[][];
  /** Mean negative log-likelihood of the true class, when probabilities were given. */
  logLoss: number | null;
}

/** Index of the largest value in row i of a [n, k] row-major matrix (first one on ties). */
export function argmaxRow(probs: ArrayLike<number>, i: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
  return best;
}

export function computeMetrics(truth: readonly number[], predicted: readonly number[], labels: readonly string[], probabilities?: ArrayLike<number>): ClassificationMetrics {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const k = labels.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  truth.forEach((t, i) => {
    confusion[t][predicted[i]]++;
    if (t === predicted[i]) correct++;
  });
  const perClass = labels.map((label, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[c], 0);
    const precision = predictedCount > 0 ? tp / predictedCount : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const present = perClass.filter((c) => c.support > 0);
  let logLoss: number | null = null;
  if (probabilities) {
    let s = 0;
    truth.forEach((t, i) => (s -= Math.log(Math.max(1e-15, probabilities[i * k + t]))));
    logLoss = truth.length > 0 ? s / truth.length : 0;
  }
  return {
    n: truth.length,
    accuracy: truth.length > 0 ? correct / truth.length : 0,
    macroF1: present.length > 0 ? present.reduce((a, c) => a + c.f1, 0) / present.length : 0,
    labels: [...labels],
    perClass,
    confusion,
    logLoss,
  };
}

/** Metrics from probability rows [n, k]: the prediction is each row's largest probability. */
export function metricsFromProbabilities(truth: readonly number[], probabilities: ArrayLike<number>, labels: readonly string[]): ClassificationMetrics {
  const k = labels.length;
  const predicted = truth.map((_, i) => argmaxRow(probabilities, i, k));
  return computeMetrics(truth, predicted, labels, probabilities);
}
