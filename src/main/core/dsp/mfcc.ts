import type { Spectrogram } from './spectrogram.ts';

/**
 * The orthonormal DCT-II matrix (nOut x n), scipy.fftpack.dct(type=2, norm='ortho'):
 * C[k][i] = s_k cos(pi k (2i + 1) / 2n), s_0 = sqrt(1/n), s_k = sqrt(2/n).
 */
export function dctMatrix(nOut: number, n: number): Float64Array {
  const m = new Float64Array(nOut * n);
  for (let k = 0; k < nOut; k++) {
    const s = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
    for (let i = 0; i < n; i++) m[k * n + i] = s * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
  }
  return m;
}

const cache = new Map<string, Float64Array>();

/** The DCT-II matrix, cached. */
export function cachedDctMatrix(nOut: number, n: number): Float64Array {
  const key = `${nOut}x${n}`;
  let D = cache.get(key);
  if (!D) {
    D = dctMatrix(nOut, n);
    cache.set(key, D);
  }
  return D;
}

/**
 * The MFCCs of one dB frame (db[o .. o + n)) after power_to_db's top_db floor: each value x < floor is taken
 * as Math.fround(floor) (floor = -Infinity: none). Written as float32 to out[outOffset ..], like
 * mfccFromLogMel on the floored spectrogram.
 */
export function mfccFrame(D: Float64Array, nMfcc: number, n: number, db: Float32Array, o: number, floor: number, out: Float32Array, outOffset: number): void {
  const floor32 = Math.fround(floor);
  for (let k = 0; k < nMfcc; k++) {
    let acc = 0;
    const d = k * n;
    for (let i = 0; i < n; i++) {
      const x = db[o + i];
      acc += D[d + i] * (x < floor ? floor32 : x);
    }
    out[outOffset + k] = acc;
  }
}

/**
 * librosa.feature.mfcc(S=log_mel, n_mfcc, dct_type=2, norm='ortho') on a dB mel spectrogram: the first nMfcc
 * DCT-II coefficients of each frame. Returned frame-major (bins = nMfcc).
 */
export function mfccFromLogMel(logMel: Spectrogram, nMfcc = 20): Spectrogram {
  const n = logMel.bins;
  const D = cachedDctMatrix(nMfcc, n);
  const out = new Float32Array(nMfcc * logMel.frames);
  for (let t = 0; t < logMel.frames; t++) {
    const o = t * n;
    for (let k = 0; k < nMfcc; k++) {
      let acc = 0;
      const d = k * n;
      for (let i = 0; i < n; i++) acc += D[d + i] * logMel.data[o + i];
      out[t * nMfcc + k] = acc;
    }
  }
  return { bins: nMfcc, frames: logMel.frames, data: out };
}
