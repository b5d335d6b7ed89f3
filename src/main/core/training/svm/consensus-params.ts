import type { SvmHyperParameters } from '../../models/svm/svm-pipeline.ts';
import type { GridResult } from './select-svm-params.ts';

/**
 * After k-fold cross-validation, the hyper-parameters for a final model fitted on all tracks: the grid point with
 * the best validation accuracy averaged over the folds (each fold scored it on its own validation tracks).
 */
export function consensusParams(perFold: GridResult[][]): SvmHyperParameters & { meanValidAccuracy: number } {
  const key = (r: SvmHyperParameters) => `${r.C}|${r.gamma}|${r.pcaVariance}`;
  const sums = new Map<string, { params: SvmHyperParameters; acc: number; loss: number; n: number }>();
  for (const results of perFold) {
    for (const r of results) {
      const e = sums.get(key(r)) ?? { params: { C: r.C, gamma: r.gamma, pcaVariance: r.pcaVariance }, acc: 0, loss: 0, n: 0 };
      e.acc += r.validAccuracy;
      e.loss += r.validLogLoss;
      e.n++;
      sums.set(key(r), e);
    }
  }
  let best: { params: SvmHyperParameters; acc: number; loss: number } | null = null;
  for (const e of sums.values()) {
    const acc = e.acc / e.n;
    const loss = e.loss / e.n;
    if (!best || acc > best.acc + 1e-12 || (Math.abs(acc - best.acc) <= 1e-12 && loss < best.loss)) best = { params: e.params, acc, loss };
  }
  if (!best) throw new Error('No grid results to choose from');
  return { ...best.params, meanValidAccuracy: best.acc };
}
