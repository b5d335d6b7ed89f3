import { describe, expect, it } from 'vitest';
import { cachedChromaFilterbank, chromaFrame } from '../../../src/main/core/dsp/chroma.ts';
import { cachedMelFilterbank, melFrame } from '../../../src/main/core/dsp/mel.ts';
import { cachedDctMatrix, mfccFrame } from '../../../src/main/core/dsp/mfcc.ts';
import { bandwidthFrame, centroidFrame, rolloffFrame } from '../../../src/main/core/dsp/spectral.ts';
import { PitchPeakCollector, piptrackBinRange, piptrackFrame } from '../../../src/main/core/dsp/tuning.ts';
import { DspWasm } from '../../../src/main/core/dsp/wasm/dsp-wasm.ts';
import { chromaBankTBytes, wasmF64, wasmMelBank, writeChromaBankT } from '../../../src/main/core/dsp/wasm/kernel-tables.ts';
import { whiteNoise } from './signals.ts';

const sr = 22050;
const bins = 1025;

/** A spectrum-like row: noise magnitudes with a few strong peaks, bins + 3 trailing zeros (the kernels' rows). */
function spectrum(seed: number): Float32Array {
  const x = new Float32Array(bins + 3);
  const noise = whiteNoise(bins, 1, seed);
  for (let k = 0; k < bins; k++) x[k] = Math.abs(noise[k]) * 0.01 + (k % 97 === 5 ? 3 : 0);
  return x;
}

describe('frame kernels (WASM) against the per-frame JS functions', () => {
  const wasm = new DspWasm(4 << 20);
  const row = wasm.alloc((bins + 3) * 4);
  const out = wasm.alloc(1024);

  it('melBandPairs equals melFrame bit for bit (128 bands of a 2048-point and 64 of a 512-point spectrum)', () => {
    for (const [nFft, nMels] of [[2048, 128], [512, 64]]) {
      const fb = cachedMelFilterbank(sr, nFft, { nMels });
      const bank = wasmMelBank(wasm, fb);
      for (const seed of [1, 2, 3]) {
        const s = spectrum(seed).subarray(0, nFft / 2 + 4);
        wasm.heap.set(s, row >> 2);
        wasm.kernels.melBandPairs(row, bank.table, bank.meta, out, bank.pairs);
        const ref = new Float32Array(nMels);
        melFrame(fb, s, 0, ref, 0);
        expect(Array.from(wasm.heap.subarray(out >> 2, (out >> 2) + nMels))).toEqual(Array.from(ref));
      }
    }
  });

  it('spectralShape: centroid and bandwidth to float64 rounding, roll-off exactly', () => {
    for (const seed of [4, 5]) {
      const s = spectrum(seed);
      wasm.heap.set(s, row >> 2);
      wasm.kernels.spectralShape(row, bins, sr / 2048, out);
      const [c, b, r] = wasm.heap64.subarray(out >> 3, (out >> 3) + 3);
      const cRef = centroidFrame(s, 0, bins, sr / 2048);
      expect(Math.abs(c - cRef) / cRef).toBeLessThan(1e-13);
      expect(Math.abs(b - bandwidthFrame(s, 0, bins, sr / 2048, cRef)) / b).toBeLessThan(1e-12);
      expect(r).toBe(rolloffFrame(s, 0, bins, sr / 2048));
    }
    wasm.heap.fill(0, row >> 2, (row >> 2) + bins + 3);
    wasm.kernels.spectralShape(row, bins, sr / 2048, out);
    expect(Array.from(wasm.heap64.subarray(out >> 3, (out >> 3) + 3))).toEqual([0, 0, 0]);
  });

  it('chroma12 equals chromaFrame to float32 rounding', () => {
    const fb = cachedChromaFilterbank(sr, 2048, { tuning: 0.13 });
    const fbT = wasm.alloc(chromaBankTBytes(bins));
    const pairs = writeChromaBankT(wasm, fb, bins, fbT);
    const s = spectrum(6);
    wasm.heap.set(s, row >> 2);
    wasm.kernels.chroma12(fbT, row, out, pairs);
    const ref = new Float32Array(12);
    chromaFrame(fb, 12, bins, s, 0, ref, 0);
    const got = wasm.heap.subarray(out >> 2, (out >> 2) + 12);
    for (let c = 0; c < 12; c++) expect(Math.abs(got[c] - ref[c])).toBeLessThanOrEqual(1e-7 * Math.abs(ref[c]) + 1e-12);
    expect(Math.max(...got)).toBe(1);
  });

  it('mfccFloor equals mfccFrame (floor applied) to float32 rounding', () => {
    const D = cachedDctMatrix(20, 128);
    const dp = wasmF64(wasm, D);
    const scratch = wasm.alloc(128 * 8);
    const db = Float32Array.from(whiteNoise(128, 40, 7), (v) => v - 30);
    wasm.heap.set(db, row >> 2);
    for (const floor of [-Infinity, -35.5, -10]) {
      wasm.kernels.mfccFloor(dp, row, 128, 20, floor, Math.fround(floor), scratch, out);
      const ref = new Float32Array(20);
      mfccFrame(D, 20, 128, db, 0, floor, ref, 0);
      const got = wasm.heap.subarray(out >> 2, (out >> 2) + 20);
      for (let k = 0; k < 20; k++) expect(Math.abs(got[k] - ref[k])).toBeLessThanOrEqual(2e-7 * Math.abs(ref[k]) + 1e-5);
    }
  });

  it('piptrack finds the same peaks as piptrackFrame, bit for bit', () => {
    const pitch = wasm.alloc(bins * 4);
    const mag = wasm.alloc(bins * 4);
    const { kLo, kHi } = piptrackBinRange(bins, sr, 2048);
    for (const seed of [8, 9, 10]) {
      const s = spectrum(seed);
      // more peaks of varied heights (some below 0.1 x the maximum), and a tie
      for (let k = 20; k < 380; k += 23) s[k] = 0.2 + ((k * 7) % 13) / 5;
      s[250] = s[251] = 2;
      wasm.heap.set(s, row >> 2);
      const count = wasm.kernels.piptrack(row, bins, kLo, kHi, 0.1, sr, 2048, pitch, mag);
      const ref = new PitchPeakCollector();
      piptrackFrame(s, 0, bins, sr, 2048, ref);
      expect(count).toBe(ref.count);
      expect(count).toBeGreaterThan(10);
      expect(Array.from(wasm.heap.subarray(pitch >> 2, (pitch >> 2) + count))).toEqual(Array.from(ref.pitch));
      expect(Array.from(wasm.heap.subarray(mag >> 2, (mag >> 2) + count))).toEqual(Array.from(ref.mag));
    }
  });

  it('windowFrame, blockStats and powerSpectrum match their JS definitions', () => {
    const n = 2048;
    const x = whiteNoise(n + 4, 0.5, 11);
    x[100] = 1e-11; // below the zero-crossing threshold: counts as 0 (not negative)
    x[101] = -1e-11;
    const src = wasm.alloc((n + 4) * 4);
    wasm.heap.set(x, src >> 2);
    const win = wasmF64(wasm, Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n)));
    const dst = wasm.alloc(n * 4);
    wasm.kernels.windowFrame(src + 16, win, dst, n);
    for (let i = 0; i < n; i++) expect(wasm.heap[(dst >> 2) + i]).toBe(Math.fround(x[i + 4] * wasm.heap64[(win >> 3) + i]));
    // block statistics of samples 4 .. 4 + 512 (the pair (3, 4) counts)
    wasm.kernels.blockStats(src + 16, 512, out);
    let sq = 0;
    let cross = 0;
    const neg = (v: number): number => (v < -Math.fround(1e-10) ? 1 : 0);
    for (let i = 4; i < 4 + 512; i++) {
      sq += x[i] * x[i];
      cross += neg(x[i]) ^ neg(x[i - 1]);
    }
    expect(Math.abs(wasm.heap64[out >> 3] - sq) / sq).toBeLessThan(1e-14);
    expect(wasm.heapI32[(out >> 2) + 2]).toBe(cross);
    // power spectrum of a packed spectrum = unpackSpectrum's power row
    const spec = wasm.alloc(n * 4);
    wasm.heap.set(whiteNoise(n, 3, 12), spec >> 2);
    const rowsAt = wasm.alloc(4 * (n / 2 + 4) * 4);
    const r = (j: number): number => rowsAt + j * (n / 2 + 4) * 4;
    wasm.kernels.unpackSpectrum(spec, r(0), r(1), r(2), r(3), n / 2);
    const pow = wasm.alloc((n / 2 + 4) * 4);
    wasm.kernels.powerSpectrum(spec, pow, n / 2);
    expect(Array.from(wasm.heap.subarray(pow >> 2, (pow >> 2) + n / 2 + 4))).toEqual(Array.from(wasm.heap.subarray(r(2) >> 2, (r(2) >> 2) + n / 2 + 4)));
    const re = wasm.heap[(spec >> 2) + 10];
    const im = wasm.heap[(spec >> 2) + 11];
    expect(wasm.heap[(pow >> 2) + 5]).toBe(Math.fround(re * re + im * im));
    expect(wasm.heap[(pow >> 2) + n / 2]).toBe(Math.fround(wasm.heap[(spec >> 2) + 1] ** 2));
  });

  it('dbRows and log1pRows equal 10 * Math.log10(Math.max(1e-10, x)) and Math.log1p(gain * x) bit for bit', () => {
    const n = 1 << 16;
    const big = new DspWasm(2 << 20);
    const src = big.alloc(n * 4);
    const out = big.alloc(n * 4);
    const bands = big.alloc(n * 4);
    const x = new Float32Array(big.memory.buffer, src, n);
    // float32 values over 40 decades (as mel powers are), then the routines' special cases
    const noise = whiteNoise(n, 1, 13);
    for (let i = 0; i < n; i++) x[i] = Math.exp(noise[i] * 45);
    x.set([0, 1, 1e-10, 2 ** -30, 2 ** -60, 0.41421356, 1e20, 1e-12, Math.SQRT2, Math.SQRT1_2, 1 + 2 ** -22, 1 - 2 ** -23]);
    big.kernels.dbRows(src, n, out, bands, 4);
    const db = Float32Array.from(x, (v) => 10 * Math.log10(Math.max(1e-10, v)));
    expect(Array.from(new Float32Array(big.memory.buffer, out, n))).toEqual(Array.from(db));
    expect(Array.from(new Float32Array(big.memory.buffer, bands, n))).toEqual(Array.from(db));
    for (const gain of [1, 10000]) {
      big.kernels.log1pRows(src, n, out, 4, gain);
      expect(Array.from(new Float32Array(big.memory.buffer, out, n))).toEqual(Array.from(x, (v) => Math.fround(Math.log1p(gain * v))));
    }
  });
});
