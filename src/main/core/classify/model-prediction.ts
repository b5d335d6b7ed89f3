import type { ModelKind } from '../models/store/model-manifest.ts';

/** What one model said about one track. */
export interface ModelPrediction {
  kind: ModelKind;
  version: string;
  labels: string[];
  /** Track-level probabilities, in label order. */
  probabilities: Float32Array;
  /** How long each segment (CNN, MLFI: 3 s) or window (SVM: 30 s) is. */
  segmentSeconds: number;
  /** Where each segment starts, seconds. */
  segmentStarts: Float32Array;
  /** Each segment's probabilities, [n, labels] row-major. */
  segmentProbabilities: Float32Array;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** The top label and the runner-up with their probabilities. */
export function topTwo(p: ModelPrediction): { top: string; confidence: number; runnerUp: string | null; runnerUpConfidence: number | null } {
  const order = Array.from(p.probabilities.keys()).sort((a, b) => p.probabilities[b] - p.probabilities[a] || a - b);
  return {
    top: p.labels[order[0]],
    confidence: p.probabilities[order[0]],
    runnerUp: order.length > 1 ? p.labels[order[1]] : null,
    runnerUpConfidence: order.length > 1 ? p.probabilities[order[1]] : null,
  };
}
