import { describe, expect, it } from 'vitest';
import { genreCounts, predictPersonal, trainPersonalModel } from '../../../src/main/core/personal/personal-model.ts';
import { fitSoftmax, softmaxLossAndGradient, softmaxProbabilities } from '../../../src/main/core/personal/softmax-regression.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

describe('softmax regression', () => {
  it('reaches the analytic optimum of a one-feature problem (logit = log odds)', () => {
    // One class-0 row at x = 1 with target 0.8/0.2 and no penalty: the fitted probability is exactly 0.8.
    const fit = fitSoftmax({ x: Float64Array.of(1), n: 1, d: 1, targets: Float64Array.of(0.8, 0.2), k: 2, l2: 0, tolerance: 1e-10, maxIterations: 500 });
    const p = softmaxProbabilities(fit.params, 2, 1, [1], 1);
    expect(p[0]).toBeCloseTo(0.8, 6);
  });

  it('gives the same loss and gradient with the float32 SIMD kernels as in float64 (features and classes not multiples of 4)', () => {
    const random = new SeededRandom(1);
    const n = 500;
    const d = 13;
    const k = 7;
    const x = Float64Array.from({ length: n * d }, () => random.normal());
    const targets = new Float64Array(n * k);
    for (let i = 0; i < n; i++) targets[i * k + random.int(k)] = 1;
    const params = Float64Array.from({ length: k * (d + 1) }, () => random.normal() * 0.3);
    const problem = { x, n, d, targets, k, l2: 0.01, sampleWeights: Float64Array.from({ length: n }, () => 0.5 + random.next()) };
    const exact = softmaxLossAndGradient(problem, params, false);
    const simd = softmaxLossAndGradient(problem, params, true);
    expect(simd.loss).toBeCloseTo(exact.loss, 6);
    let worst = 0;
    exact.gradient.forEach((g, q) => (worst = Math.max(worst, Math.abs(g - simd.gradient[q]))));
    expect(worst).toBeLessThan(1e-6);
    expect(Math.max(...exact.gradient.map(Math.abs))).toBeGreaterThan(0.01);
  });

  it('with a strong penalty, stays at its prior', () => {
    const prior = Float64Array.of(2, -2);
    const fit = fitSoftmax({ x: Float64Array.of(1, -1), n: 2, d: 1, targets: Float64Array.of(0, 1, 1, 0), k: 2, l2: 1e6, prior });
    expect(fit.params[0]).toBeCloseTo(2, 3);
    expect(fit.params[2]).toBeCloseTo(-2, 3);
  });
});

describe('the personal model', () => {
  const random = new SeededRandom(7);
  const names = ['a', 'b', 'c'];
  const centres: Record<string, number[]> = { Folk: [2, 0, 0], Techno: [0, 2, 0], Soundtrack: [0, 0, 2] };
  const rows: number[] = [];
  const labels: string[][] = [];
  for (const [genre, c] of Object.entries(centres)) {
    for (let i = 0; i < 12; i++) {
      rows.push(...c.map((v) => v + random.normal() * 0.5));
      labels.push([genre]);
    }
  }
  rows.push(0, 0, 0, 1, 1, 1);
  labels.push(['Polka'], ['Folk', 'Techno']);

  it('learns genres the base models never knew, leaves out those with under 5 examples', () => {
    const spec = trainPersonalModel({ featureNames: names, rows: Float64Array.from(rows), labels });
    expect([...spec.genres].sort()).toEqual(['Folk', 'Soundtrack', 'Techno']);
    expect(genreCounts(labels, 5).needMore).toEqual([{ genre: 'Polka', count: 1, needed: 4 }]);
    // Columns are found by name: a wider embedding in another order works.
    const p = predictPersonal(spec, ['z', 'c', 'b', 'a'], [9, 0, 0, 2.5, 9, 2.5, 0, 0], 2);
    const k = spec.genres.length;
    expect(spec.genres[[0, 1, 2].reduce((b, c) => (p[c] > p[b] ? c : b), 0)]).toBe('Folk');
    expect(spec.genres[[0, 1, 2].reduce((b, c) => (p[k + c] > p[k + b] ? c : b), 0)]).toBe('Soundtrack');
    expect(() => predictPersonal(spec, ['a', 'b'], [0, 0], 1)).toThrow(/no column c/);
  });

  it('refuses to train with fewer than two learnable genres', () => {
    expect(() => trainPersonalModel({ featureNames: names, rows: Float64Array.from(rows.slice(0, 36)), labels: labels.slice(0, 12) })).toThrow(/at least two genres/);
  });
});
