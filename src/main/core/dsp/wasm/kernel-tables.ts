import type { MelFilterbank } from '../mel.ts';
import type { DspWasm } from './dsp-wasm.ts';

/**
 * A mel filterbank (an even number of bands) in WASM memory for DspKernels.melBandPairs: per pair of bands, the
 * union of their bin ranges and float64 weight pairs over it.
 */
export interface WasmMelBank {
  nMels: number;
  pairs: number;
  table: number;
  meta: number;
}

function pairRange(fb: MelFilterbank, q: number): { start: number; end: number } {
  const a = 2 * q;
  const b = a + 1;
  const empty = (m: number): boolean => fb.end[m] <= fb.start[m];
  if (empty(a) && empty(b)) return { start: 0, end: 0 };
  if (empty(a)) return { start: fb.start[b], end: fb.end[b] };
  if (empty(b)) return { start: fb.start[a], end: fb.end[a] };
  return { start: Math.min(fb.start[a], fb.start[b]), end: Math.max(fb.end[a], fb.end[b]) };
}

export function wasmMelBank(wasm: DspWasm, fb: MelFilterbank): WasmMelBank {
  if (fb.nMels % 2) throw new RangeError('wasmMelBank needs an even number of bands');
  const pairs = fb.nMels / 2;
  let total = 0;
  for (let q = 0; q < pairs; q++) {
    const r = pairRange(fb, q);
    total += r.end - r.start;
  }
  const table = wasm.alloc(total * 16);
  const meta = wasm.alloc(pairs * 12);
  const h = wasm.heap64;
  let o = 0;
  for (let q = 0; q < pairs; q++) {
    const { start, end } = pairRange(fb, q);
    for (let k = start; k < end; k++) {
      for (let j = 0; j < 2; j++) {
        const m = 2 * q + j;
        h[(table >> 3) + 2 * (o + k - start) + j] = k >= fb.start[m] && k < fb.end[m] ? fb.weights[m * fb.bins + k] : 0;
      }
    }
    wasm.heapI32.set([start, end - start, 16 * o], (meta >> 2) + 3 * q);
    o += end - start;
  }
  return { nMels: fb.nMels, pairs, table, meta };
}

/** Bytes wasmMelBank needs for this filterbank. */
export function wasmMelBankBytes(fb: MelFilterbank): number {
  let total = 0;
  for (let q = 0; q < fb.nMels / 2; q++) {
    const r = pairRange(fb, q);
    total += r.end - r.start;
  }
  return total * 16 + (fb.nMels / 2) * 12 + 32;
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
