import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../src/main/core/training/metrics/classification-metrics.ts';
import { confusionMatrixSvg } from '../../../src/main/core/training/metrics/confusion-svg.ts';
import { formatMetrics } from '../../../src/main/core/training/metrics/metrics-text.ts';

describe('classification metrics', () => {
  // Worked by hand: truth a a a b b c, predicted a a b b c c.
  // a: tp 2, predicted 2, support 3 -> P 1, R 2/3, F1 0.8.  b: tp 1, predicted 2, support 2 -> P 1/2, R 1/2, F1 1/2.
  // c: tp 1, predicted 2, support 1 -> P 1/2, R 1, F1 2/3.  Accuracy 4/6.
  const m = computeMetrics([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2], ['a', 'b', 'c'], [0.9, 0.05, 0.05, 0.8, 0.1, 0.1, 0.3, 0.6, 0.1, 0.2, 0.7, 0.1, 0.1, 0.4, 0.5, 0, 0.1, 0.9].map((v) => v));

  it('match the hand-computed values', () => {
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.perClass.map((c) => [c.precision, c.recall, c.f1, c.support])).toEqual([
      [1, 2 / 3, 0.8, 3],
      [0.5, 0.5, 0.5, 2],
      [0.5, 1, 2 / 3, 1],
    ]);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const expectedLoss = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.3) + Math.log(0.7) + Math.log(0.4) + Math.log(0.9)) / 6;
    expect(m.logLoss).toBeCloseTo(expectedLoss, 12);
  });

  it('render as text and as an SVG image', () => {
    const text = formatMetrics(m, 'Test');
    expect(text).toContain('accuracy 66.7% (4 of 6)');
    expect(text).toMatch(/a\s+100\.0%\s+66\.7%\s+80\.0%\s+3/);
    const svg = confusionMatrixSvg(m, 'Test <split>');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect x=/g)).toHaveLength(9);
    expect(svg).toContain('Test &lt;split&gt;');
  });
});
