import { describe, expect, it } from 'vitest';
import { trainMulticlassSvm, svmProbabilities } from '../../../src/main/core/models/svm/multiclass-svm.ts';
import { couplePairwise } from '../../../src/main/core/models/svm/pairwise-coupling.ts';
import { fitPlattSigmoid, plattProbability } from '../../../src/main/core/models/svm/platt-scaling.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

describe('Platt scaling', () => {
  it('recovers the true posterior of two unit-variance Gaussians at -1 and +1: P(+|x) = 1 / (1 + exp(-2x))', () => {
    // With equal priors the log-odds are exactly 2x, so the ideal sigmoid on the score f = x is A = -2, B = 0.
    const random = new SeededRandom(7);
    const f: number[] = [];
    const positive: boolean[] = [];
    for (let i = 0; i < 20000; i++) {
      const pos = i % 2 === 0;
      f.push((pos ? 1 : -1) + random.normal());
      positive.push(pos);
    }
    const s = fitPlattSigmoid(f, positive);
    // Maximum-likelihood estimates from 20000 samples: standard error about 0.03, so allow 0.1.
    expect(Math.abs(s.A + 2)).toBeLessThan(0.1);
    expect(Math.abs(s.B)).toBeLessThan(0.1);
    for (const x of [-2, -0.5, 0, 0.7, 1.5]) expect(Math.abs(plattProbability(x, s) - 1 / (1 + Math.exp(-2 * x)))).toBeLessThan(0.02);
  });
});

describe('pairwise coupling', () => {
  it('returns p exactly when the pairwise probabilities are consistent, r_ij = p_i / (p_i + p_j)', () => {
    const p = [0.5, 0.2, 0.15, 0.1, 0.05];
    const k = p.length;
    const r = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) r[i * k + j] = p[i] / (p[i] + p[j]);
    const q = couplePairwise(r, k);
    p.forEach((v, i) => expect(q[i]).toBeCloseTo(v, 7));
  });

  it('gives a probability vector for inconsistent inputs', () => {
    const k = 3;
    const r = Float64Array.from([0, 0.9, 0.2, 0.1, 0, 0.8, 0.8, 0.2, 0]);
    const q = couplePairwise(r, k);
    expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    q.forEach((v) => expect(v).toBeGreaterThan(0));
  });
});

describe('multi-class RBF SVM with probabilities', () => {
  it('separates well-separated blobs, and its probabilities sum to 1 and favour the right class', () => {
    const random = new SeededRandom(3);
    const centres = [[0, 0], [6, 0], [0, 6], [6, 6]];
    const blob = (n: number) => {
      const x: number[] = [];
      const y: number[] = [];
      for (let i = 0; i < n; i++) {
        const c = i % centres.length;
        x.push(centres[c][0] + random.normal(), centres[c][1] + random.normal());
        y.push(c);
      }
      return { x, y };
    };
    const train = blob(120);
    const test = blob(80);
    const svm = trainMulticlassSvm(Float64Array.from(train.x), train.y, 4, { C: 1, gamma: 0.5, seed: 1 });
    const probs = svmProbabilities(svm, test.x, test.y.length);
    let correct = 0;
    test.y.forEach((t, i) => {
      const row = Array.from(probs.subarray(i * 4, i * 4 + 4));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      if (row.indexOf(Math.max(...row)) === t) correct++;
      expect(row[t]).toBeGreaterThan(0.5);
    });
    expect(correct).toBe(test.y.length);
  });
});
