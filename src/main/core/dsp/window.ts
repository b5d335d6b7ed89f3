/**
 * The periodic Hann window of length n (scipy.signal.get_window('hann', n, fftbins=True), librosa's default):
 * w[i] = 0.5 - 0.5 cos(2 pi i / n).
 */
export function hannPeriodic(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

const cache = new Map<number, Float64Array>();

export function cachedHann(n: number): Float64Array {
  let w = cache.get(n);
  if (!w) {
    w = hannPeriodic(n);
    cache.set(n, w);
  }
  return w;
}
