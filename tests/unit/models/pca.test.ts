import { describe, expect, it } from 'vitest';
import { applyPca, fitPca } from '../../../src/main/core/models/svm/pca.ts';
import { symmetricEigen } from '../../../src/main/core/models/svm/symmetric-eigen.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

/** Q = the 4x4 Hadamard matrix / 2: orthonormal, so Q diag(d) Q' has eigenvalues d and eigenvectors Q's columns. */
const Q = [
  [1, 1, 1, 1],
  [1, -1, 1, -1],
  [1, 1, -1, -1],
  [1, -1, -1, 1],
].map((r) => r.map((v) => v / 2));

describe('symmetric eigen-decomposition', () => {
  it('finds the eigenvalues and eigenvectors of Q diag(d) Q^T', () => {
    const d = [9, 4, 1, 0.25];
    const a = new Float64Array(16);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) a[i * 4 + j] += Q[i][k] * d[k] * Q[j][k];
    const { values, vectors } = symmetricEigen(a, 4);
    values.forEach((v, i) => expect(v).toBeCloseTo(d[i], 12));
    for (let c = 0; c < 4; c++) {
      const dot = Q.reduce((s, row, r) => s + row[c] * vectors[r * 4 + c], 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 10);
    }
  });
});

describe('PCA', () => {
  it('keeps the fewest components reaching the variance share, along the true axes', () => {
    // Independent coordinates with standard deviations 5, 2, 1, 0.5 along the columns of Q: variances 25, 4, 1, 0.25
    // (total 30.25): one component explains 82.6%, two 95.9%, so 90% needs two.
    const random = new SeededRandom(11);
    const sd = [5, 2, 1, 0.5];
    const n = 20000;
    const rows = new Float64Array(n * 4);
    for (let i = 0; i < n; i++) {
      const z = sd.map((s) => s * random.normal());
      for (let r = 0; r < 4; r++) rows[i * 4 + r] = Q[r].reduce((acc, q, k) => acc + q * z[k], 0) + 3;
    }
    const pca = fitPca(rows, n, 4, 0.9);
    expect(pca.outputDim).toBe(2);
    expect(pca.explained[0]).toBeCloseTo(25 / 30.25, 2);
    expect(pca.explained[1]).toBeCloseTo(4 / 30.25, 2);
    const first = [0, 1, 2, 3].map((r) => pca.components[r * 2]);
    expect(Math.abs(first.reduce((s, v, r) => s + v * Q[r][0], 0))).toBeGreaterThan(0.999);
    const projected = applyPca(pca, rows, n);
    let m = 0;
    for (let i = 0; i < n; i++) m += projected[i * 2];
    expect(Math.abs(m / n)).toBeLessThan(1e-9);
  });
});
