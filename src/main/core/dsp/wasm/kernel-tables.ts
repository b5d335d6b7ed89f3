import type { MelFilterbank } from '../mel.ts';
import type { DspWasm } from './dsp-wasm.ts';

/** A mel filterbank in WASM memory for DspKernels.melBands: packed non-zero weights and (start, count, offset) per band. */
export interface WasmMelBank {
  nMels: number;
  weights: number;
  meta: number;
}

export function wasmMelBank(wasm: DspWasm, fb: MelFilterbank): WasmMelBank {
  let total = 0;
  for (let m = 0; m < fb.nMels; m++) total += fb.end[m] - fb.start[m];
  const weights = wasm.alloc(total * 4);
  const meta = wasm.alloc(fb.nMels * 12);
  let o = 0;
  for (let m = 0; m < fb.nMels; m++) {
    const n = fb.end[m] - fb.start[m];
    wasm.heap.set(fb.weights.subarray(m * fb.bins + fb.start[m], m * fb.bins + fb.end[m]), (weights >> 2) + o);
    wasm.heapI32.set([fb.start[m], n, o], (meta >> 2) + 3 * m);
    o += n;
  }
  return { nMels: fb.nMels, weights, meta };
}

/** Bytes wasmMelBank needs for this filterbank. */
export function wasmMelBankBytes(fb: MelFilterbank): number {
  let total = 0;
  for (let m = 0; m < fb.nMels; m++) total += fb.end[m] - fb.start[m];
  return total * 4 + fb.nMels * 12 + 32;
}

/**
 * A 12 x bins chroma filterbank (float32, row-major) as DspKernels.chroma12 reads it: float64, bin pairs outer,
 * chroma inner; the odd last bin's partner is 0. Writes into `at` (pairs * 12 * 16 bytes); returns the pairs.
 */
export function writeChromaBankT(wasm: DspWasm, fb: Float32Array, bins: number, at: number): number {
  const pairs = Math.ceil(bins / 2);
  const h = wasm.heap64;
  const base = at >> 3;
  for (let p = 0; p < pairs; p++) {
    for (let c = 0; c < 12; c++) {
      for (let j = 0; j < 2; j++) {
        const k = 2 * p + j;
        h[base + (p * 12 + c) * 2 + j] = k < bins ? fb[c * bins + k] : 0;
      }
    }
  }
  return pairs;
}

export function chromaBankTBytes(bins: number): number {
  return Math.ceil(bins / 2) * 12 * 16;
}

/** Copies a float64 array into WASM memory; returns its byte offset. */
export function wasmF64(wasm: DspWasm, values: Float64Array): number {
  const at = wasm.alloc(values.length * 8);
  wasm.heap64.set(values, at >> 3);
  return at;
}
