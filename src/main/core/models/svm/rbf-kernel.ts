/** Squared Euclidean distances between all rows of x [n, d] (symmetric [n, n]). */
export function squaredDistances(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[i * d + j] * x[i * d + j];
    norms[i] = s;
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = i + 1; k < n; k++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += x[i * d + j] * x[k * d + j];
      const dist = Math.max(0, norms[i] + norms[k] - 2 * dot);
      out[i * n + k] = dist;
      out[k * n + i] = dist;
    }
  }
  return out;
}

/** RBF Gram matrix exp(-gamma * |xi - xj|^2) from precomputed squared distances (reused across gammas). */
export function rbfGram(distances: Float64Array, gamma: number): Float64Array {
  const out = new Float64Array(distances.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(-gamma * distances[i]);
  return out;
}

/** K(x, sv_s) for one query row against every support vector (row-major [m, d]). */
export function rbfRow(x: ArrayLike<number>, xOffset: number, sv: ArrayLike<number>, m: number, d: number, gamma: number, out: Float64Array): Float64Array {
  for (let s = 0; s < m; s++) {
    let dist = 0;
    for (let j = 0; j < d; j++) {
      const e = x[xOffset + j] - sv[s * d + j];
      dist += e * e;
    }
    out[s] = Math.exp(-gamma * dist);
  }
  return out;
}
