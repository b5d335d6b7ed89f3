import { metricsFromProbabilities } from '../metrics/classification-metrics.ts';
import type { SvmHyperParameters } from '../../models/svm/svm-pipeline.ts';
import { fitSvmPipeline, predictSvmPipeline, prepareRows } from '../../models/svm/svm-pipeline.ts';
import type { SvmGrid } from './svm-grid.ts';

export interface LabelledRows {
  /** [n, d] row-major. */
  x: Float64Array;
  /** Class indices. */
  y: number[];
}

export interface GridResult extends SvmHyperParameters {
  validAccuracy: number;
  validLogLoss: number;
}

export interface SvmSelection {
  best: GridResult;
  results: GridResult[];
}

export interface SelectionProgress {
  done: number;
  total: number;
  best: GridResult | null;
}

/** Lets the thread's event loop run (a worker sees its cancel message this way). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Tries every grid point: fits on `train`, scores on `valid` (never on test data). The best point has the highest
 * validation accuracy; ties go to the lower validation log loss, then to the smaller C and gamma (smoother).
 */
export async function selectSvmParams(
  train: LabelledRows,
  valid: LabelledRows,
  meta: { labels: string[]; featureNames: string[] },
  grid: SvmGrid,
  options: { seed?: number; signal?: AbortSignal; onProgress?: (p: SelectionProgress) => void } = {},
): Promise<SvmSelection> {
  if (valid.y.length === 0) throw new Error('Choosing C and gamma needs validation tracks, and the validation part is empty');
  const d = meta.featureNames.length;
  const total = grid.pcaVariance.length * grid.C.length * grid.gamma.length;
  const results: GridResult[] = [];
  let best: GridResult | null = null;
  const better = (a: GridResult, b: GridResult | null): boolean =>
    !b ||
    a.validAccuracy > b.validAccuracy + 1e-12 ||
    (Math.abs(a.validAccuracy - b.validAccuracy) <= 1e-12 &&
      (a.validLogLoss < b.validLogLoss - 1e-12 || (Math.abs(a.validLogLoss - b.validLogLoss) <= 1e-12 && a.C * a.gamma < b.C * b.gamma)));
  for (const pcaVariance of grid.pcaVariance) {
    const prepared = prepareRows(train.x, train.y.length, d, pcaVariance);
    for (const C of grid.C) {
      for (const gamma of grid.gamma) {
        await yieldToEventLoop();
        options.signal?.throwIfAborted();
        const params = { C, gamma, pcaVariance };
        const model = fitSvmPipeline(train.x, train.y, meta, params, { seed: options.seed, prepared });
        const probs = predictSvmPipeline(model, valid.x, valid.y.length);
        const m = metricsFromProbabilities(valid.y, probs, meta.labels);
        const result = { ...params, validAccuracy: m.accuracy, validLogLoss: m.logLoss ?? Infinity };
        results.push(result);
        if (better(result, best)) best = result;
        options.onProgress?.({ done: results.length, total, best });
      }
    }
  }
  return { best: best!, results };
}
