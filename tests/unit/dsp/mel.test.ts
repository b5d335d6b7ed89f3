import { describe, expect, it } from 'vitest';
import { hzToMel, melFilterbank, melToHz } from '../../../src/main/core/dsp/mel.ts';
import { dctMatrix, mfccFromLogMel } from '../../../src/main/core/dsp/mfcc.ts';
import { powerToDb } from '../../../src/main/core/dsp/power-to-db.ts';

describe('mel scale and filterbank', () => {
  it('follows the Slaney scale (linear to 1 kHz = 15 mel, log above) and HTK', () => {
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(hzToMel(200)).toBeCloseTo(3, 12);
    expect(melToHz(hzToMel(5000))).toBeCloseTo(5000, 9);
    // Slaney: 27 mel per factor 6.4 above 1 kHz
    expect(hzToMel(6400)).toBeCloseTo(15 + 27, 9);
    expect(hzToMel(1000, true)).toBeCloseTo(999.99, 1);
    expect(melToHz(hzToMel(3000, true), true)).toBeCloseTo(3000, 9);
  });

  it("matches librosa's documented values: mel(22050, 2048)[0, 1] = 0.016, with fmax=8000 0.02", () => {
    const fb = melFilterbank(22050, 2048);
    expect(fb.nMels).toBe(128);
    expect(fb.bins).toBe(1025);
    expect(fb.weights[1]).toBeCloseTo(0.016, 3);
    expect(fb.weights[0]).toBe(0);
    expect(melFilterbank(22050, 2048, { fmax: 8000 }).weights[1]).toBeCloseTo(0.02, 2);
  });

  it('has triangles of unit area (Slaney norm) and unit peak (no norm)', () => {
    const sr = 22050;
    const nFft = 2048;
    const df = sr / nFft;
    const fb = melFilterbank(sr, nFft);
    for (const m of [60, 90, 127]) {
      let area = 0;
      for (let k = 0; k < fb.bins; k++) area += fb.weights[m * fb.bins + k] * df;
      expect(area).toBeCloseTo(1, 1);
    }
    const peak = melFilterbank(sr, nFft, { norm: null });
    for (const m of [10, 64, 120]) {
      let max = 0;
      for (let k = 0; k < peak.bins; k++) max = Math.max(max, peak.weights[m * peak.bins + k]);
      expect(max).toBeGreaterThan(0.5);
      expect(max).toBeLessThanOrEqual(1);
    }
  });
});

describe('power_to_db and MFCC', () => {
  it('is 10 log10 with amin and an 80 dB floor below the maximum', () => {
    const S = { bins: 4, frames: 1, data: Float32Array.from([1, 0.1, 1e-12, 100]) };
    const db = powerToDb(S);
    expect(db.data[0]).toBeCloseTo(0, 5);
    expect(db.data[1]).toBeCloseTo(-10, 5);
    expect(db.data[3]).toBeCloseTo(20, 5);
    expect(db.data[2]).toBeCloseTo(20 - 80, 5);
    expect(powerToDb(S, { topDb: null }).data[2]).toBeCloseTo(-100, 4);
  });

  it('uses an orthonormal DCT-II', () => {
    const n = 16;
    const D = dctMatrix(n, n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += D[a * n + i] * D[b * n + i];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 12);
      }
    }
  });

  it('puts a flat log-mel spectrum entirely in the first coefficient (c0 = v sqrt(n))', () => {
    const logMel = { bins: 128, frames: 2, data: new Float32Array(256).fill(-20) };
    const m = mfccFromLogMel(logMel, 20);
    expect(m.data[0]).toBeCloseTo(-20 * Math.sqrt(128), 3);
    for (let k = 1; k < 20; k++) expect(Math.abs(m.data[k])).toBeLessThan(1e-4);
  });
});
