import { symmetricEigen } from './symmetric-eigen.ts';

/** Principal components: x -> (x - mean) · components, components row-major [d, k]. */
export interface Pca {
  mean: number[];
  /** [d, k] row-major: column c is the c-th principal axis. */
  components: number[];
  inputDim: number;
  outputDim: number;
  /** Variance explained by each kept component, as fractions of the total. */
  explained: number[];
}

/** Fits PCA on rows [n, d] and keeps the fewest components whose variance reaches `keepVariance` of the total. */
export function fitPca(rows: ArrayLike<number>, n: number, d: number, keepVariance: number): Pca {
  if (!(keepVariance > 0 && keepVariance <= 1)) throw new Error(`PCA variance to keep must be in (0, 1], got ${keepVariance}`);
  const mean = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += rows[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = rows[i * d + j] - mean[j];
    for (let p = 0; p < d; p++) {
      const cp = centred[p];
      for (let q = p; q < d; q++) cov[p * d + q] += cp * centred[q];
    }
  }
  for (let p = 0; p < d; p++) {
    for (let q = p; q < d; q++) {
      cov[p * d + q] /= Math.max(1, n - 1);
      cov[q * d + p] = cov[p * d + q];
    }
  }
  const { values, vectors } = symmetricEigen(cov, d);
  const positive = values.map((v) => Math.max(0, v));
  const total = positive.reduce((a, b) => a + b, 0) || 1;
  let k = 0;
  let sum = 0;
  while (k < d && sum / total < keepVariance - 1e-12) sum += positive[k++];
  k = Math.max(1, k);
  const components: number[] = [];
  for (let r = 0; r < d; r++) for (let c = 0; c < k; c++) components.push(vectors[r * d + c]);
  return { mean, components, inputDim: d, outputDim: k, explained: positive.slice(0, k).map((v) => v / total) };
}

export function applyPca(pca: Pca, rows: ArrayLike<number>, n: number): Float64Array {
  const { inputDim: d, outputDim: k, components, mean } = pca;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const x = rows[i * d + j] - mean[j];
      if (x === 0) continue;
      for (let c = 0; c < k; c++) out[i * k + c] += x * components[j * k + c];
    }
  }
  return out;
}
