import { describe, expect, it } from 'vitest';
import { chromaStft } from '../../../src/main/core/dsp/chroma.ts';
import { rms, zeroCrossingRate } from '../../../src/main/core/dsp/frame-features.ts';
import { spectralBandwidth, spectralCentroid, spectralRolloff } from '../../../src/main/core/dsp/spectral.ts';
import { stft, stftMagnitude } from '../../../src/main/core/dsp/stft.ts';
import { estimateTuning } from '../../../src/main/core/dsp/tuning.ts';
import { meanVar } from '../../../src/main/core/dsp/spectrogram.ts';
import { sine, whiteNoise } from './signals.ts';

const sr = 22050;

function mid(values: Float64Array): number {
  return values[values.length >> 1];
}

describe('spectral features', () => {
  it('puts a pure tone centroid at its frequency, with a narrow bandwidth', () => {
    const M = stftMagnitude(stft(sine(1000, 2)), 1);
    const c = spectralCentroid(M, sr, 2048);
    expect(mid(c)).toBeGreaterThan(990);
    expect(mid(c)).toBeLessThan(1010);
    expect(mid(spectralBandwidth(M, sr, 2048, c))).toBeLessThan(60);
  });

  it('gives white noise a flat spectrum: centroid sr/4, rolloff 85% of Nyquist, bandwidth of a uniform spread', () => {
    const M = stftMagnitude(stft(whiteNoise(sr * 4)), 1);
    const c = meanVar(spectralCentroid(M, sr, 2048)).mean;
    expect(c / (sr / 4)).toBeCloseTo(1, 1);
    const roll = meanVar(spectralRolloff(M, sr, 2048)).mean;
    expect(roll / (0.85 * (sr / 2))).toBeCloseTo(1, 1);
    // Standard deviation of a uniform distribution over [0, sr/2] is (sr/2)/sqrt(12).
    const bw = meanVar(spectralBandwidth(M, sr, 2048)).mean;
    expect(bw / (sr / 2 / Math.sqrt(12))).toBeCloseTo(1, 1);
  });

  it('gives silence zeros, not NaN', () => {
    const M = stftMagnitude(stft(new Float32Array(sr)), 1);
    expect(mid(spectralCentroid(M, sr, 2048))).toBe(0);
    expect(mid(spectralBandwidth(M, sr, 2048))).toBe(0);
    expect(mid(spectralRolloff(M, sr, 2048))).toBe(0);
  });

  it('measures a sine: RMS A/sqrt(2), zero-crossing rate 2f/sr', () => {
    const y = sine(441, 2, sr, 0.8);
    expect(mid(rms(y))).toBeCloseTo(0.8 / Math.SQRT2, 3);
    expect(mid(zeroCrossingRate(y))).toBeCloseTo((2 * 441) / sr, 2);
  });
});

describe('chroma', () => {
  it('puts A4 in the A bin (index 9 from C) with tuning 0', () => {
    const P = stftMagnitude(stft(sine(440, 2)), 2);
    // librosa interpolates peaks on the power spectrum (as chroma_stft passes it), which biases by ~0.02 bins
    expect(Math.abs(estimateTuning(P, sr, 2048))).toBeLessThanOrEqual(0.03);
    const C = chromaStft(P, sr, 2048);
    const t = C.frames >> 1;
    const frame = Array.from(C.data.subarray(t * 12, t * 12 + 12));
    expect(frame.indexOf(Math.max(...frame))).toBe(9);
    expect(Math.max(...frame)).toBe(1); // norm = inf
  });

  it('estimates a quarter-tone-sharp tuning as +0.25 bins and still finds the note', () => {
    const P = stftMagnitude(stft(sine(261.6256 * 2 ** (0.25 / 12), 3)), 2); // C4, a quarter semitone sharp
    const tuning = estimateTuning(P, sr, 2048);
    // the same power-spectrum interpolation bias pushes a +0.25 offset to about +0.3
    expect(tuning).toBeGreaterThan(0.2);
    expect(tuning).toBeLessThan(0.35);
    const C = chromaStft(P, sr, 2048);
    const t = C.frames >> 1;
    const frame = Array.from(C.data.subarray(t * 12, t * 12 + 12));
    expect(frame.indexOf(1)).toBe(0);
  });
});
