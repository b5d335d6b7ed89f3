import FFT from 'fft.js';

const cache = new Map<number, FFT>();

function plan(n: number): FFT {
  let f = cache.get(n);
  if (!f) {
    f = new FFT(n);
    cache.set(n, f);
  }
  return f;
}

/**
 * Autocorrelation of x at lags 0..x.length-1 in float64 (librosa.autocorrelate: |FFT|^2 then inverse FFT,
 * zero-padded so the correlation is linear, not circular).
 */
export function autocorrelate(x: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const n = x.length;
  let size = 1;
  while (size < 2 * n - 1) size <<= 1;
  if (size < 4) size = 4;
  const f = plan(size);
  const input = new Float64Array(size);
  input.set(x);
  const spec = f.createComplexArray() as number[];
  f.realTransform(spec, input);
  f.completeSpectrum(spec);
  for (let k = 0; k < size; k++) {
    const re = spec[2 * k];
    const im = spec[2 * k + 1];
    spec[2 * k] = re * re + im * im;
    spec[2 * k + 1] = 0;
  }
  const back = f.createComplexArray() as number[];
  f.inverseTransform(back, spec);
  for (let i = 0; i < n; i++) out[i] = back[2 * i];
  return out;
}
