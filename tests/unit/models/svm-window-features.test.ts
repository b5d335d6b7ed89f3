import { describe, expect, it } from 'vitest';
import { windowFeatures, windowPlan } from '../../../src/main/core/models/svm/svm-window-features.ts';
import { GTZAN_FEATURE_COUNT, gtzanFeatureIndex } from '../../../src/main/core/features/index.ts';
import { SeededRandom } from '../../../src/main/core/random/seeded-random.ts';

const F = GTZAN_FEATURE_COUNT;
const TEMPO = gtzanFeatureIndex.tempo;

function meanVar(values: number[]): [number, number] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return [mean, values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length];
}

describe('30 s window features from 3 s segments', () => {
  it('plans 30 s windows every 15 s, the last at the end; a track up to 31.5 s is one window', () => {
    expect(windowPlan(30.6, 30, 15)).toEqual([{ start: 0, end: 30.6 }]);
    expect(windowPlan(12, 30, 15)).toEqual([{ start: 0, end: 12 }]);
    expect(windowPlan(70, 30, 15)).toEqual([
      { start: 0, end: 30 },
      { start: 15, end: 45 },
      { start: 30, end: 60 },
      { start: 40, end: 70 },
    ]);
    expect(windowPlan(0, 30, 15)).toEqual([]);
  });

  it('pools means and variances to the statistics of all frames of the tiling segments', () => {
    // Synthetic frame-level values per segment, the same number of frames in each (as the engine's 3 s segments
    // have); the expected window statistics are computed over the frames themselves.
    const random = new SeededRandom(3);
    const frames = 130;
    const n = 39; // 3 s segments every 1.5 s over 60 s
    const starts = Array.from({ length: n }, (_, i) => i * 1.5);
    const raw: Map<number, number[]>[] = []; // raw[segment].get(pair start) = that feature's frame values
    const features = new Float32Array(n * F);
    for (let i = 0; i < n; i++) {
      raw.push(new Map());
      for (const j of pairStarts()) {
        const values = Array.from({ length: frames }, () => 5 * random.normal() + j + i * 0.1);
        raw[i].set(j, values);
        const [m, v] = meanVar(values);
        features[i * F + j] = m;
        features[i * F + j + 1] = v;
      }
      features[i * F + TEMPO] = 999; // segment tempi are not used
    }
    const clip = { startSeconds: 15, seconds: 30, features: Float32Array.from({ length: F }, (_, j) => (j === TEMPO ? 123 : -1)) };
    const windows = [{ start: 0, end: 30 }, { start: 30, end: 60 }];
    const out = windowFeatures(windows, { starts, features, seconds: 3 }, clip);
    windows.forEach((w, wi) => {
      // The segments that tile the window: starts w.start, w.start + 3, ..., w.end - 3.
      const tiling = starts.map((s, i) => [s, i] as const).filter(([s]) => s >= w.start && s + 3 <= w.end && (s - w.start) % 3 === 0).map(([, i]) => i);
      expect(tiling).toHaveLength(10);
      for (const j of pairStarts()) {
        const [m, v] = meanVar(tiling.flatMap((i) => raw[i].get(j)!));
        expect(out[wi * F + j]).toBeCloseTo(m, 3);
        expect(out[wi * F + j + 1] / v).toBeCloseTo(1, 4);
      }
      expect(out[wi * F + TEMPO]).toBe(123);
    });
  });

  it('takes the clip features as they are for the window the clip covers', () => {
    const clip = { startSeconds: 0, seconds: 30.4, features: Float32Array.from({ length: F }, (_, j) => j * 2) };
    const out = windowFeatures(windowPlan(30.4, 30, 15), { starts: [0, 1.5], features: new Float32Array(2 * F), seconds: 3 }, clip);
    expect(Array.from(out)).toEqual(Array.from(clip.features));
  });
});

function pairStarts(): number[] {
  const out: number[] = [];
  for (let j = 0; j < TEMPO; j += 2) out.push(j);
  for (let j = TEMPO + 1; j < F; j += 2) out.push(j);
  return out;
}
