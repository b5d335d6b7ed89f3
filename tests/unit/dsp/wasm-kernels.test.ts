import { describe, expect, it } from 'vitest';
import { DspWasm } from '../../../src/main/core/dsp/wasm/dsp-wasm.ts';
import { whiteNoise } from './signals.ts';

/** scipy.ndimage.median_filter(size=31, mode='reflect') of one sequence, by sorting every window. */
function referenceMedian(x: ArrayLike<number>, width = 31): Float64Array {
  const n = x.length;
  const half = width >> 1;
  const at = (i: number): number => x[i < 0 ? -i - 1 : i >= n ? 2 * n - 1 - i : i];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = Array.from({ length: width }, (_, j) => at(i - half + j)).sort((a, b) => a - b);
    out[i] = w[half];
  }
  return out;
}

describe('WASM SIMD kernels', () => {
  it('median31x4: four lanes of width-31 sliding medians, exactly the sorted windows\' middle values', () => {
    const n = 300;
    // lanes: noise, noise with many ties (quantised; + 0 turns -0 into 0: spectra have no -0), a ramp, zeros
    const lanes = [whiteNoise(n, 1, 3), Float32Array.from(whiteNoise(n, 1, 4), (v) => Math.round(v * 3) / 3 + 0), Float32Array.from({ length: n }, (_, i) => i), new Float32Array(n)];
    const wasm = new DspWasm(1 << 20);
    const src = wasm.alloc((n + 30) * 16);
    const dst = wasm.alloc(n * 16);
    const state = wasm.alloc(32 * 16);
    const inf = wasm.alloc(16);
    const dummy = wasm.alloc(16);
    const heap = wasm.heap;
    const at = (x: Float32Array, i: number): number => x[i < 0 ? -i - 1 : i >= n ? 2 * n - 1 - i : i];
    for (let p = 0; p < n + 30; p++) for (let l = 0; l < 4; l++) heap[(src >> 2) + p * 4 + l] = at(lanes[l], p - 15);
    heap.fill(Infinity, state >> 2, (state >> 2) + 128);
    heap.fill(Infinity, inf >> 2, (inf >> 2) + 4);
    const k = wasm.kernels;
    k.median31x4(state, src, inf, 16, 0, dummy, 0, 30);
    k.median31x4(state, src + 30 * 16, inf, 16, 0, dst, 16, 1);
    k.median31x4(state, src + 31 * 16, src, 16, 16, dst + 16, 16, n - 1);
    for (let l = 0; l < 4; l++) {
      const ref = referenceMedian(Float32Array.from(lanes[l]));
      const got = Float64Array.from({ length: n }, (_, i) => heap[(dst >> 2) + i * 4 + l]);
      expect(Array.from(got)).toEqual(Array.from(ref, (v) => Math.fround(v)));
    }
  });

  it('gatherReflect4 + median31x4Scatter: medians along rows, written back row by row', () => {
    const n = 100;
    const rows = [0, 1, 2, 3].map((s) => whiteNoise(n, 1, 10 + s));
    const wasm = new DspWasm(1 << 20);
    const rowPtr = rows.map((r) => {
      const p = wasm.alloc(n * 4);
      wasm.heap.set(r, p >> 2);
      return p;
    });
    const gather = wasm.alloc((n + 30) * 16);
    const out = wasm.alloc(4 * n * 4);
    const state = wasm.alloc(32 * 16);
    const inf = wasm.alloc(16);
    const dummy = wasm.alloc(16);
    wasm.heap.fill(Infinity, state >> 2, (state >> 2) + 128);
    wasm.heap.fill(Infinity, inf >> 2, (inf >> 2) + 4);
    const k = wasm.kernels;
    k.gatherReflect4(rowPtr[0], rowPtr[1], rowPtr[2], rowPtr[3], gather, n, 15);
    k.median31x4Scatter(state, gather, inf, 16, 0, dummy, 0, 30, 0);
    k.median31x4Scatter(state, gather + 30 * 16, inf, 16, 0, out, 4, 1, n * 4);
    k.median31x4Scatter(state, gather + 31 * 16, gather, 16, 16, out + 4, 4, n - 1, n * 4);
    for (let l = 0; l < 4; l++) {
      const got = Array.from(wasm.heap.subarray((out >> 2) + l * n, (out >> 2) + (l + 1) * n));
      expect(got).toEqual(Array.from(referenceMedian(rows[l]), (v) => Math.fround(v)));
    }
  });
});
