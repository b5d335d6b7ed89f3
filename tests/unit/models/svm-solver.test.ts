import { describe, expect, it } from 'vitest';
import { rbfGram, squaredDistances } from '../../../src/main/core/models/svm/rbf-kernel.ts';
import { solveBinarySvm } from '../../../src/main/core/models/svm/smo-solver.ts';

function decision(x: number[][], y: number[], alpha: Float64Array, rho: number, gamma: number, q: number[]): number {
  let f = -rho;
  x.forEach((xi, i) => {
    const d = (xi[0] - q[0]) ** 2 + (xi[1] - q[1]) ** 2;
    f += alpha[i] * y[i] * Math.exp(-gamma * d);
  });
  return f;
}

describe('SMO solver for the C-SVC dual', () => {
  it('solves the two-point problem analytically: alpha = 1 / (1 - k), rho = 0', () => {
    // x1 = (0, 0) labelled +1, x2 = (1, 2) labelled -1, K12 = exp(-gamma * 5). By symmetry the hard-margin solution has
    // alpha1 = alpha2 = a, f(x1) = a (1 - K12) = 1, so a = 1 / (1 - K12) and rho = 0.
    const gamma = 0.3;
    const x = [0, 0, 1, 2];
    const gram = rbfGram(squaredDistances(x, 2, 2), gamma);
    const sol = solveBinarySvm(gram, Int8Array.from([1, -1]), 1000, 1e-10);
    const k12 = Math.exp(-gamma * 5);
    expect(sol.converged).toBe(true);
    expect(sol.alpha[0]).toBeCloseTo(1 / (1 - k12), 9);
    expect(sol.alpha[1]).toBeCloseTo(1 / (1 - k12), 9);
    expect(sol.rho).toBeCloseTo(0, 9);
  });

  it('matches libsvm (scikit-learn SVC) on a fixed non-linear problem', () => {
    // Reference: scikit-learn 1.2.1 SVC(C=2, gamma=0.8, tol=1e-6, shrinking=False) on these 16 points.
    const x = Array.from({ length: 16 }, (_, i) => [Math.cos(0.7 * i) * (1 + 0.1 * i), Math.sin(1.3 * i) * (1 - 0.03 * i)]);
    const y = x.map(([a, b]) => (a * b > 0 ? 1 : -1));
    expect(y).toEqual([-1, 1, 1, 1, 1, -1, -1, 1, -1, -1, 1, 1, -1, 1, 1, -1]);
    const libsvmSupport = [0, 5, 6, 8, 9, 12, 2, 3, 4, 7, 10, 14];
    const libsvmDualCoef = [
      -2.0, -0.4843601855568718, -0.8677224872532034, -0.18057369893616032, -1.4471288580366481, -2.0, 0.9422705055266657, 1.3312476163097964,
      0.595021057458714, 0.9078929168136504, 2.0, 1.2033531336740582,
    ];
    const libsvmIntercept = 0.3012152780398656;
    const queries = [[0.5, 0.5], [-0.4, 0.9], [1.2, -0.3], [0, 0], [-1, -1]];
    const libsvmDecision = [1.1217334291002181, -0.19790233507198585, -0.5070965640804954, 0.8582565345206893, 1.257993035988425];

    const gamma = 0.8;
    const gram = rbfGram(squaredDistances(x.flat(), 16, 2), gamma);
    const sol = solveBinarySvm(gram, Int8Array.from(y), 2, 1e-6);
    expect(sol.converged).toBe(true);
    const support = [...sol.alpha.keys()].filter((i) => sol.alpha[i] > 1e-9);
    expect(new Set(support)).toEqual(new Set(libsvmSupport));
    libsvmSupport.forEach((i, s) => expect(sol.alpha[i] * y[i]).toBeCloseTo(libsvmDualCoef[s], 4));
    expect(-sol.rho).toBeCloseTo(libsvmIntercept, 4);
    queries.forEach((q, i) => expect(decision(x, y, sol.alpha, sol.rho, gamma, q)).toBeCloseTo(libsvmDecision[i], 4));
  });

  it('keeps the dual feasible: sum alpha_i y_i = 0 and 0 <= alpha_i <= C', () => {
    const x = Array.from({ length: 40 }, (_, i) => [Math.sin(i * 2.1) * 2, Math.cos(i * 0.9) * 2]);
    const y = Int8Array.from(x, ([a, b]) => (a + 0.5 * b > 0.2 ? 1 : -1));
    const C = 0.7;
    const sol = solveBinarySvm(rbfGram(squaredDistances(x.flat(), 40, 2), 0.5), y, C, 1e-6);
    let sum = 0;
    sol.alpha.forEach((a, i) => {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(C + 1e-12);
      sum += a * y[i];
    });
    expect(Math.abs(sum)).toBeLessThan(1e-9);
  });
});
