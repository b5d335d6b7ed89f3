/**
 * Eigen-decomposition of a real symmetric matrix [d, d] by cyclic Jacobi rotations (accurate to machine
 * precision, plenty fast for the d <= 100 of feature covariances). Returns eigenvalues in descending order and
 * the matching unit eigenvectors as the columns of `vectors` (row-major [d, d]).
 */
export function symmetricEigen(matrix: ArrayLike<number>, d: number): { values: number[]; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let p = 0; p < d; p++) {
      for (let q = 0; q < d; q++) {
        const x = a[p * d + q] * a[p * d + q];
        total += x;
        if (p !== q) off += x;
      }
    }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = a[p * d + q];
        if (apq === 0) continue;
        const theta = (a[q * d + q] - a[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k * d + p];
          const akq = a[k * d + q];
          a[k * d + p] = c * akp - s * akq;
          a[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p * d + k];
          const aqk = a[q * d + k];
          a[p * d + k] = c * apk - s * aqk;
          a[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[j * d + j] - a[i * d + i]);
  const values = order.map((i) => a[i * d + i]);
  const vectors = new Float64Array(d * d);
  order.forEach((col, newCol) => {
    // Sign convention: the largest-magnitude component of each eigenvector is positive (stable across runs).
    let big = 0;
    for (let k = 0; k < d; k++) if (Math.abs(v[k * d + col]) > Math.abs(big)) big = v[k * d + col];
    const sign = big < 0 ? -1 : 1;
    for (let k = 0; k < d; k++) vectors[k * d + newCol] = sign * v[k * d + col];
  });
  return { values, vectors };
}
