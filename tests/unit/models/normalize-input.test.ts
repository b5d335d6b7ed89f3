import { describe, expect, it } from 'vitest';
import { fitNormalization, itemNormalizer, normalizeInput } from '../../../src/main/core/models/normalize-input.ts';
import type { TensorData } from '../../../src/main/core/models/tensor-data.ts';

function tensor(shape: number[], seed: number): TensorData {
  let s = seed;
  const n = shape.reduce((a, b) => a * b, 1);
  // values with a different offset and scale per position, so each granularity has something to remove
  const data = Float32Array.from({ length: n }, (_, i) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (i % 7) * 3 + (1 + (i % 5)) * (s / 2147483648 - 0.5);
  });
  return { data, shape };
}

/** Mean and standard deviation of the values of each group. */
function groupStats(t: TensorData, group: (i: number) => number, groups: number): { mean: number[]; std: number[] } {
  const sum = new Float64Array(groups);
  const sq = new Float64Array(groups);
  const count = new Float64Array(groups);
  t.data.forEach((v, i) => {
    sum[group(i)] += v;
    sq[group(i)] += v * v;
    count[group(i)]++;
  });
  const mean = Array.from(sum, (x, g) => x / count[g]);
  return { mean, std: Array.from(sq, (x, g) => Math.sqrt(x / count[g] - mean[g] ** 2)) };
}

describe('input normalisation', () => {
  it('gives every statistic group mean 0 and standard deviation 1 with the statistics fitted on it', () => {
    const cases: [TensorData, 'global' | 'last-axis' | 'mel-band', (i: number) => number, number][] = [
      [tensor([6, 4, 10, 1], 1), 'global', () => 0, 1],
      [tensor([50, 55], 2), 'last-axis', (i) => i % 55, 55],
      [tensor([6, 4, 10, 1], 3), 'mel-band', (i) => Math.floor(i / 10) % 4, 4],
    ];
    for (const [t, granularity, group, groups] of cases) {
      const stats = fitNormalization(t, granularity);
      expect(stats.mean).toHaveLength(groups);
      const { mean, std } = groupStats(normalizeInput(t, stats), group, groups);
      for (let g = 0; g < groups; g++) {
        expect(Math.abs(mean[g]), `${granularity} group ${g}`).toBeLessThan(1e-5);
        expect(std[g], `${granularity} group ${g}`).toBeCloseTo(1, 4);
      }
    }
  });

  it('normalises one batch row at a time, into another array or in place, to the same values as the whole tensor', () => {
    for (const [shape, granularity] of [
      [[5, 4, 10, 1], 'mel-band'],
      [[5, 55], 'last-axis'],
      [[5, 4, 10, 1], 'global'],
    ] as const) {
      const t = tensor([...shape], 7);
      const stats = fitNormalization(t, granularity);
      const whole = normalizeInput(t, stats).data;
      const normalize = itemNormalizer(stats, shape.slice(1));
      const size = t.data.length / shape[0];
      const out = new Float32Array(t.data.length + 3);
      const inPlace = Float32Array.from(t.data);
      for (let row = 0; row < shape[0]; row++) {
        normalize(t.data.subarray(row * size, (row + 1) * size), out, 3 + row * size);
        normalize(inPlace.subarray(row * size, (row + 1) * size), inPlace, row * size);
      }
      expect(Array.from(out.subarray(3)), granularity).toEqual(Array.from(whole));
      expect(Array.from(inPlace), granularity).toEqual(Array.from(whole));
      expect(Array.from(whole), granularity).not.toEqual(Array.from(t.data));
    }
  });

  it('refuses statistics that fit no axis of the tensor', () => {
    expect(() => normalizeInput(tensor([2, 3, 5, 1], 4), { mean: [0, 0], std: [1, 1] })).toThrow(/do not fit a tensor of shape \[n, 3, 5, 1\]/);
  });
});
