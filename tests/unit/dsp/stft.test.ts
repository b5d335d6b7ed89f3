import { describe, expect, it } from 'vitest';
import { istft } from '../../../src/main/core/dsp/istft.ts';
import { pad1d } from '../../../src/main/core/dsp/pad.ts';
import { stft, stftFrameCount, stftMagnitude } from '../../../src/main/core/dsp/stft.ts';
import { hannPeriodic } from '../../../src/main/core/dsp/window.ts';
import { sine, whiteNoise } from './signals.ts';

describe('stft', () => {
  it('pads like numpy: reflect without repeating the edge, edge, constant', () => {
    const x = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(pad1d(x, 3, 3, 'reflect'))).toEqual([4, 3, 2, 1, 2, 3, 4, 3, 2, 1]);
    expect(Array.from(pad1d(x, 2, 2, 'edge'))).toEqual([1, 1, 1, 2, 3, 4, 4, 4]);
    expect(Array.from(pad1d(x, 1, 2, 'constant'))).toEqual([0, 1, 2, 3, 4, 0, 0]);
  });

  it('uses the periodic Hann window', () => {
    const w = hannPeriodic(8);
    expect(w[0]).toBe(0);
    expect(w[4]).toBeCloseTo(1, 12);
    expect(w[2]).toBeCloseTo(0.5, 12);
    expect(w[6]).toBeCloseTo(0.5, 12); // periodic: w[n-k] = w[k], no trailing zero
  });

  it('centres frames: 1 + n // hop frames', () => {
    expect(stftFrameCount(661794, { nFft: 2048, hop: 512 })).toBe(1293);
    expect(stft(new Float32Array(66150)).frames).toBe(130);
  });

  it('satisfies Parseval per frame: sum |X_k|^2 (one-sided, doubled) = N sum (w x)^2', () => {
    const y = whiteNoise(8192);
    const nFft = 2048;
    const S = stftMagnitude(stft(y, { nFft, hop: 512 }), 2);
    const w = hannPeriodic(nFft);
    const padded = pad1d(y, 1024, 1024, 'reflect');
    for (const t of [0, 3, 9]) {
      let time = 0;
      for (let i = 0; i < nFft; i++) time += (padded[t * 512 + i] * w[i]) ** 2;
      let freq = 0;
      for (let k = 0; k < S.bins; k++) freq += (k === 0 || k === S.bins - 1 ? 1 : 2) * S.data[t * S.bins + k];
      expect(freq / nFft).toBeCloseTo(time, 2);
      expect(Math.abs(freq / nFft - time) / time).toBeLessThan(1e-5);
    }
  });

  it('puts a pure tone in the right bin', () => {
    const k = 100;
    const y = sine((k * 22050) / 2048, 1);
    const S = stftMagnitude(stft(y), 1);
    const t = 10;
    let best = 0;
    for (let b = 0; b < S.bins; b++) if (S.data[t * S.bins + b] > S.data[t * S.bins + best]) best = b;
    expect(best).toBe(k);
    // Hann-windowed sine of amplitude A: peak |X| = A N / 4
    expect(S.data[t * S.bins + k]).toBeCloseTo((0.5 * 2048) / 4, 0);
  });

  it('inverts: istft(stft(y)) = y over the frames\' span, zero-padded after it as librosa fixes the length', () => {
    const y = whiteNoise(20000);
    const back = istft(stft(y), { length: y.length });
    // librosa's istft covers hop * (frames - 1) samples (19968 here); fix_length pads the rest with zeros.
    const covered = 512 * Math.floor(20000 / 512);
    let err = 0;
    for (let i = 0; i < covered; i++) err = Math.max(err, Math.abs(back[i] - y[i]));
    expect(err).toBeLessThan(1e-5);
    expect(back.subarray(covered).every((v) => v === 0)).toBe(true);
  });
});
