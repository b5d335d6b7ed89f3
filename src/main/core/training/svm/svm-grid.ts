/** The (C, gamma, PCA) candidates tried on the validation data: powers of two, as in libsvm's grid.py. */
export interface SvmGrid {
  C: number[];
  gamma: number[];
  /** PCA settings to compare: null = no PCA, 0.9 = keep 90% of the variance. */
  pcaVariance: (number | null)[];
}

const powers = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => 2 ** (from + i));

export function defaultSvmGrid(pca: 'auto' | 'on' | 'off' = 'auto'): SvmGrid {
  return {
    C: powers(-1, 9),
    gamma: powers(-12, 0),
    pcaVariance: pca === 'auto' ? [null, 0.9] : pca === 'on' ? [0.9] : [null],
  };
}
