import { describe, expect, it } from 'vitest';
import { float32Blob, quantizeProbabilityRows, readFloat32Blob, readProbabilityRows } from '../../../src/main/core/db/blob-codec.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

describe('compact storage of predictions', () => {
  it('stores float32 vectors as 4 little-endian bytes each, exactly', () => {
    const values = [0, 1, -2.5, 1e-7, 3.4e38, Math.PI];
    const blob = float32Blob(values);
    expect(blob).toHaveLength(24);
    expect(blob.readFloatLE(8)).toBe(-2.5);
    expect(Array.from(readFloat32Blob(blob))).toEqual(Array.from(Float32Array.from(values)));
    expect(() => readFloat32Blob(Buffer.alloc(6))).toThrow(/corrupt/);
  });

  it('quantises probability rows to bytes that sum to 255, each within 1/255 of the truth', () => {
    const random = new SeededRandom(4);
    const k = 10;
    const rows = 200;
    const p = new Float32Array(rows * k);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let c = 0; c < k; c++) sum += p[r * k + c] = random.next() ** 3;
      for (let c = 0; c < k; c++) p[r * k + c] /= sum;
    }
    const bytes = quantizeProbabilityRows(p, k);
    expect(bytes).toHaveLength(rows * k);
    const back = readProbabilityRows(bytes);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let c = 0; c < k; c++) {
        sum += bytes[r * k + c];
        expect(Math.abs(back[r * k + c] - p[r * k + c])).toBeLessThanOrEqual(1 / 255 + 1e-9);
      }
      expect(sum).toBe(255);
    }
  });

  it('keeps certainty and ties exact, and spreads a row of zeros evenly', () => {
    const bytes = quantizeProbabilityRows([1, 0, 0, 0.5, 0.5, 0, 0, 0, 0], 3);
    expect(Array.from(bytes)).toEqual([255, 0, 0, 128, 127, 0, 85, 85, 85]);
    expect(() => quantizeProbabilityRows([0.5, 0.5, 1], 2)).toThrow(/rows of 2/);
  });
});
