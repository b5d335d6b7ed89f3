import { describe, expect, it } from 'vitest';
import { planWindows } from '../../../src/main/core/models/aggregation/analysis-windows.ts';
import { aggregateSegments } from '../../../src/main/core/models/aggregation/segment-aggregation.ts';
import { chooseEnsembleWeights, combineProbabilities } from '../../../src/main/core/models/ensemble/weighted-ensemble.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

describe('segment -> track aggregation', () => {
  const segments = [0.6, 0.3, 0.1, 0.6, 0.3, 0.1, 0.0, 0.2, 0.8];
  it('mean', () => {
    expect(Array.from(aggregateSegments(segments, 3, 3, 'mean'))).toEqual([0.4, 0.8 / 3, 1 / 3].map((v) => expect.closeTo(v, 12)));
  });
  it('geometric mean (a zero vetoes a class)', () => {
    const g = aggregateSegments(segments, 3, 3, 'geometric-mean');
    const raw = [Math.cbrt(0.6 * 0.6 * 1e-12), Math.cbrt(0.3 * 0.3 * 0.2), Math.cbrt(0.1 * 0.1 * 0.8)];
    const sum = raw.reduce((a, b) => a + b);
    raw.forEach((v, c) => expect(g[c]).toBeCloseTo(v / sum, 9));
    expect(g.indexOf(Math.max(...g))).toBe(1);
  });
  it('majority vote, ties broken by the mean probability', () => {
    expect(Array.from(aggregateSegments(segments, 3, 3, 'majority-vote'))).toEqual([2 / 3, 0, 1 / 3].map((v) => expect.closeTo(v, 12)));
    const tie = aggregateSegments([0.9, 0.1, 0.45, 0.55], 2, 2, 'majority-vote');
    expect(tie[0]).toBeGreaterThan(tie[1]);
  });
});

describe('analysis windows', () => {
  it('cover the track with fixed windows, the last one aligned to the end', () => {
    expect(planWindows(70, 30, 15)).toEqual([
      { start: 0, end: 30 },
      { start: 15, end: 45 },
      { start: 30, end: 60 },
      { start: 40, end: 70 },
    ]);
    expect(planWindows(12, 30, 15)).toEqual([{ start: 0, end: 12 }]);
    expect(planWindows(6, 3, 1.5)).toHaveLength(3);
  });
});

describe('ensemble', () => {
  it('is the weighted mean of the models', () => {
    expect(Array.from(combineProbabilities([[1, 0], [0, 1]], [3, 1]))).toEqual([0.75, 0.25]);
  });
  it('puts all weight on a perfect model when the other is noise (chosen on validation tracks)', () => {
    const random = new SeededRandom(9);
    const k = 4;
    const truth = Array.from({ length: 60 }, (_, i) => i % k);
    const perfect = truth.flatMap((t) => Array.from({ length: k }, (_, c) => (c === t ? 0.7 : 0.1)));
    const noise = truth.flatMap(() => {
      const r = Array.from({ length: k }, () => random.next());
      const s = r.reduce((a, b) => a + b);
      return r.map((v) => v / s);
    });
    const choice = chooseEnsembleWeights([noise, perfect], truth, k);
    expect(choice.accuracy).toBe(1);
    expect(choice.weights).toEqual([0, 1]);
  });
});
