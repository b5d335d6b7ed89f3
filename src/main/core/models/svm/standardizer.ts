/** Per-feature mean and standard deviation (population, like scikit-learn's StandardScaler). */
export interface Standardizer {
  mean: number[];
  std: number[];
}

/** Fits on rows [n, d] (row-major). Constant features get std 1 so they map to 0 instead of NaN. */
export function fitStandardizer(rows: ArrayLike<number>, n: number, d: number): Standardizer {
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += rows[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const e = rows[i * d + j] - mean[j];
      std[j] += e * e;
    }
  }
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(std[j] / n);
    std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
  }
  return { mean, std };
}

export function standardize(s: Standardizer, rows: ArrayLike<number>, n: number): Float64Array {
  const d = s.mean.length;
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = (rows[i * d + j] - s.mean[j]) / s.std[j];
  return out;
}
