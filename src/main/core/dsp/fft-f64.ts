import { createRequire } from 'node:module';
import type FftJs from 'fft.js';

// fft.js is CommonJS, so it is required, not imported: `import` has Node scan its 13 KB for exports first, long
// enough for V8 to optimise the scanner: 48 ms of CPU (against 2.5 ms) in every thread that runs the engine.
const FFT = createRequire(import.meta.url)('fft.js') as typeof FftJs;
type FFT = FftJs;

const cache = new Map<number, { fft: FFT; input: Float64Array; spec: number[] }>();

function plan(n: number): { fft: FFT; input: Float64Array; spec: number[] } {
  let f = cache.get(n);
  if (!f) {
    const fft = new FFT(n);
    f = { fft, input: new Float64Array(n), spec: fft.createComplexArray() as number[] };
    cache.set(n, f);
  }
  return f;
}

/**
 * Autocorrelation of x at lags 0..x.length-1 in float64 (librosa.autocorrelate: |FFT|^2 then inverse FFT,
 * zero-padded so the correlation is linear, not circular). The power spectrum is real and even, so its inverse
 * transform is a second real forward transform divided by the size.
 */
export function autocorrelate(x: Float64Array, out: Float64Array = new Float64Array(x.length)): Float64Array {
  const n = x.length;
  let size = 4;
  while (size < 2 * n - 1) size <<= 1;
  const { fft, input, spec } = plan(size);
  input.fill(0);
  input.set(x);
  fft.realTransform(spec, input);
  const half = size / 2;
  // power spectrum p[k] for k = 0..half (realTransform fills those bins), mirrored: p[size - k] = p[k]
  for (let k = 0; k <= half; k++) {
    const re = spec[2 * k];
    const im = spec[2 * k + 1];
    input[k] = re * re + im * im;
  }
  for (let k = 1; k < half; k++) input[size - k] = input[k];
  fft.realTransform(spec, input);
  for (let i = 0; i < n; i++) out[i] = spec[2 * i] / size;
  return out;
}
